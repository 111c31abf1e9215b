"""A match whose negotiation is open is not re-planned away from under the parties."""

import pytest

from apps.dealroom.models import Offer
from apps.marketplace.models import Match, MatchingRun
from apps.matching import planner
from tests.factories.marketplace import MatchingRunFactory

from .test_offers_api import proposed, terms  # noqa: F401  (the fixture: one proposal of 2,000)

pytestmark = pytest.mark.django_db


def full_replan(cluster) -> dict:
    run = MatchingRunFactory(cluster=cluster, kind="full")
    return planner.run_full(MatchingRun.objects.select_related("cluster").get(pk=run.pk)).counts


def drift(match) -> None:
    """The proposal no longer matches the plan (the engine would allocate 2,000, not 1,500)."""
    Match.objects.filter(pk=match.pk).update(quantity=1500)


def test_without_a_negotiation_the_full_replan_replaces_the_proposal(market, proposed):  # noqa: F811
    drift(proposed)
    counts = full_replan(market.cluster)
    assert counts["production_proposals_withdrawn"] == 1
    assert Match.objects.get(pk=proposed.pk).status == "withdrawn"


def test_the_full_replan_keeps_a_match_under_negotiation(as_user, market, proposed):  # noqa: F811
    drift(proposed)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = as_user(market.buyer_owner).post(url, terms(quantity=1500), format="json")
    assert offer.status_code == 201, offer.content
    counts = full_replan(market.cluster)
    assert counts["production_proposals_withdrawn"] == 0
    assert counts["production_proposals_created"] == 0  # the pair is not proposed a second time
    match = Match.objects.get(pk=proposed.pk)
    assert (match.status, match.quantity) == ("proposed", 1500)
    assert Match.objects.filter(cluster=market.cluster, status="proposed").count() == 1
    # and the negotiation goes on to a deal
    accepted = as_user(market.supplier_owner).post(f"{url}{offer.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert Offer.objects.get().deal.quantity == 1500
