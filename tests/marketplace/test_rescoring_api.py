"""Scores follow the rules in force (issue 15, item 6): a proposal still open is scored again under
the rulebook the council enacted, by the enactment itself and by a full re-plan that keeps it, and
every score names the rulebook version that produced it; an accepted match keeps its score."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.governance.models import Proposal
from apps.governance.services.rules import rulebook_enact
from apps.marketplace.models import Match, MatchingRun
from apps.matching import engine, planner
from apps.matching.rules import matching_rules
from tests.factories.governance import ProposalFactory

from .conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db

#: the council makes price all that counts
PRICE_ONLY = {f"matching.weight.{name}": 0.0 for name in engine.types.FACTORS} | {"matching.weight.price": 1.0}


@pytest.fixture
def proposed(as_user, market, django_capture_on_commit_callbacks):
    """One open proposal between the buyer's order and the supplier's capacity, under the defaults."""
    as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    assert response.status_code == 201, response.content
    match = Match.objects.get(status="proposed")
    shown = as_user(market.buyer_owner).get(market.url(f"matches/{match.pk}/")).json()
    assert shown["rulebook_version"] == 0
    return shown


def enact(market, changes, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(cluster=market.cluster, kind=Proposal.Kind.RULE_CHANGE, changes=changes)
    with django_capture_on_commit_callbacks(execute=True):
        version = rulebook_enact(proposal)
    return version.number


def fresh_score(market) -> tuple[float, dict]:
    """The score the engine gives the same pair now, under the rules in force."""
    today = timezone.localdate()
    demands, supplies = planner.load_inputs(planner.PRODUCTION, market.cluster, today)
    (allocation,) = engine.plan(demands, supplies, matching_rules(cluster=market.cluster, today=today)).allocations
    return allocation.score, allocation.breakdown


def replan(as_user, market, django_capture_on_commit_callbacks) -> MatchingRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(market.admin).post(market.url("matching-runs/"))
    assert response.status_code == 202, response.content
    return MatchingRun.objects.get(pk=response.json()["id"])


def test_an_open_proposal_is_rescored_under_the_enacted_weights_and_names_the_version(
    as_user, market, proposed, django_capture_on_commit_callbacks
):
    before = proposed["score"]
    number = enact(market, PRICE_ONLY, django_capture_on_commit_callbacks)
    assert number == 1

    # the enactment alone re-scored it (and started a re-plan, triggered by the rule change)
    after = as_user(market.buyer_owner).get(market.url(f"matches/{proposed['id']}/")).json()
    assert after["rulebook_version"] == 1
    assert after["score"] != before
    assert after["breakdown"]["price"]["weight"] == 1.0 and after["breakdown"]["distance"]["weight"] == 0.0
    assert MatchingRun.objects.filter(kind="full", trigger="rules:1", status="succeeded").exists()

    # a full re-plan that keeps it writes exactly the fresh score under the new weights
    run = replan(as_user, market, django_capture_on_commit_callbacks)
    assert run.counts["production_proposals_kept"] == 1 and run.counts["rulebook_version"] == 1
    kept = as_user(market.buyer_owner).get(market.url(f"matches/{proposed['id']}/")).json()
    score, breakdown = fresh_score(market)
    assert kept["status"] == "proposed" and kept["rulebook_version"] == 1
    assert kept["score"] == pytest.approx(score) and kept["breakdown"] == breakdown
    # the explanation the match page shows follows it
    assert [f["weight"] for f in kept["explanation"] if f["name"] == "price"] == [100]


def test_a_replan_alone_rewrites_a_kept_proposal_scored_under_older_rules(
    as_user, market, proposed, django_capture_on_commit_callbacks
):
    """Rules enacted behind matching's back (no enactment signal): the next full re-plan catches up."""
    from tests.factories.governance import RuleVersionFactory

    RuleVersionFactory(cluster=market.cluster, changes=PRICE_ONLY)
    run = replan(as_user, market, django_capture_on_commit_callbacks)
    assert run.counts["production_proposals_kept"] == 1 and run.counts["production_proposals_rescored"] == 1
    kept = as_user(market.supplier_owner).get(market.url(f"matches/{proposed['id']}/")).json()
    assert kept["rulebook_version"] == 1 and kept["score"] == pytest.approx(fresh_score(market)[0])

    # a proposal one side has answered is not re-planned, but the re-plan re-weighs it too
    buyer = as_user(market.buyer_owner)
    assert buyer.post(market.url(f"matches/{proposed['id']}/accept/")).status_code == 200
    RuleVersionFactory(cluster=market.cluster, changes={"matching.weight.distance": 1.0})
    run = replan(as_user, market, django_capture_on_commit_callbacks)
    assert run.counts["proposals_rescored_answered"] == 1
    answered = buyer.get(market.url(f"matches/{proposed['id']}/")).json()
    assert answered["rulebook_version"] == 2 and answered["breakdown"]["distance"]["weight"] == 0.5


def test_a_proposal_one_side_accepted_is_rescored_but_an_accepted_match_is_not(
    as_user, market, proposed, django_capture_on_commit_callbacks
):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    assert buyer.post(market.url(f"matches/{proposed['id']}/accept/")).status_code == 200
    # a second pair, answered by the buyer only: still open
    second = supplier.post(
        market.url("capacities/"), capacity_body(market.supplier, title="Second loom hall"), format="json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        buyer.post(market.url("orders/"), order_body(market, title="Second order"), format="json")
    assert second.status_code == 201
    assert supplier.post(market.url(f"matches/{proposed['id']}/accept/")).status_code == 200
    accepted = buyer.get(market.url(f"matches/{proposed['id']}/")).json()
    assert accepted["status"] == "accepted"
    half = Match.objects.filter(status="proposed").exclude(pk=proposed["id"]).first()
    assert half is not None
    assert buyer.post(market.url(f"matches/{half.pk}/accept/")).status_code == 200

    enact(market, PRICE_ONLY, django_capture_on_commit_callbacks)
    replan(as_user, market, django_capture_on_commit_callbacks)

    still = buyer.get(market.url(f"matches/{proposed['id']}/")).json()
    assert (still["score"], still["breakdown"], still["rulebook_version"]) == (
        accepted["score"],
        accepted["breakdown"],
        0,
    )
    half_now = buyer.get(market.url(f"matches/{half.pk}/")).json()
    assert half_now["status"] == "proposed" and half_now["rulebook_version"] == 1
    price = half_now["breakdown"]["price"]
    assert price["weight"] == 1.0 and half_now["score"] == pytest.approx(price["value"], abs=1e-4)


def test_a_change_of_other_rules_leaves_scores_alone(as_user, market, proposed, django_capture_on_commit_callbacks):
    enact(market, {"marketplace.proposal_expiry_hours": 24}, django_capture_on_commit_callbacks)
    shown = as_user(market.buyer_owner).get(market.url(f"matches/{proposed['id']}/")).json()
    assert (shown["score"], shown["rulebook_version"]) == (proposed["score"], 0)
    assert not MatchingRun.objects.filter(trigger__startswith="rules:").exists()


def test_the_match_page_names_the_rulebook_version_of_the_score(
    client, as_user, market, proposed, django_capture_on_commit_callbacks
):
    client.force_login(market.buyer_owner)
    page = client.get(reverse("my-matches", args=[market.cluster.slug]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = page[page.index(f'data-testid="score-{proposed["id"]}"') :]
    assert "default weights (no rulebook version enacted yet)" in card[: card.index("</p>")]

    enact(market, PRICE_ONLY, django_capture_on_commit_callbacks)
    page = client.get(reverse("my-matches", args=[market.cluster.slug]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = page[page.index(f'data-testid="score-{proposed["id"]}"') :]
    assert "weights of rulebook version 1" in card[: card.index("</p>")]
    assert "× weight 100 %" in card  # price now carries the whole weight
