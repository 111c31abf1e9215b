"""On-site verification is a factor the engine can weigh: weight 0 by default (scores as before), the rulebook raises it."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from apps.matching import engine
from apps.matching.engine import candidates
from apps.matching.planner import _verification
from apps.matching.rules import matching_rules
from tests.factories.governance import RuleVersionFactory
from tests.factories.parks import VisitFactory

TODAY = datetime.date(2026, 12, 1)
DEMAND = engine.Demand(
    id=1,
    owner=1,
    capability="weaving",
    quantity=100,
    unit_price=10,
    currency="CNY",
    need_by=TODAY + datetime.timedelta(days=30),
    latitude=30.0,
    longitude=120.0,
    region="330600",
)
SUPPLY = engine.Supply(
    id=2,
    owner=2,
    capability="weaving",
    quantity=100,
    unit_price=10,
    currency="CNY",
    available_from=TODAY,
    available_until=TODAY + datetime.timedelta(days=60),
    lead_time_days=3,
    min_order_quantity=1,
    latitude=30.1,
    longitude=120.1,
    region="330600",
)


def test_an_unweighted_verification_changes_no_score_and_a_weighted_one_favours_the_verified():
    rules = engine.Rules(today=TODAY)
    gold = dataclasses.replace(SUPPLY, verification=1.0)
    plain_score, breakdown = engine.allocation.production_score(DEMAND, SUPPLY, rules, 100)
    assert engine.allocation.production_score(DEMAND, gold, rules, 100)[0] == plain_score
    assert breakdown["verification"] == {"value": 0.0, "weight": 0.0}
    weighted = engine.Rules(today=TODAY, weights={**rules.weights, "verification": 0.3})
    assert (
        engine.allocation.production_score(DEMAND, gold, weighted, 100)[0]
        > engine.allocation.production_score(DEMAND, SUPPLY, weighted, 100)[0]
    )
    # the vectorised scores agree
    c = candidates.generate([DEMAND], [SUPPLY, dataclasses.replace(gold, id=3, owner=3)], weighted)
    by_supply = dict(zip(c.supply, c.score, strict=True))
    assert by_supply[1] > by_supply[0]


@pytest.mark.django_db
def test_the_planner_reads_the_level_in_force_and_the_weight_from_the_rulebook(park):
    VisitFactory(
        cluster=park.cluster,
        enterprise=park.a,
        status="completed",
        level="gold",
        granted_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    VisitFactory(
        cluster=park.cluster,
        enterprise=park.b,
        status="completed",
        level="verified",
        granted_at=timezone.now(),
        expires_at=timezone.now() - datetime.timedelta(days=1),  # lapsed
    )
    assert _verification(park.cluster, {park.a.pk, park.b.pk}) == {park.a.pk: 1.0}
    assert matching_rules(cluster=park.cluster, today=TODAY).weights["verification"] == 0.0
    RuleVersionFactory(cluster=park.cluster, changes={"matching.weight.verification": 0.2})
    assert matching_rules(cluster=park.cluster, today=TODAY).weights["verification"] == 0.2
