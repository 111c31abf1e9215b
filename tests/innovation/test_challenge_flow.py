"""The issue's proof through the API: post → a solver accepts the terms → reads the details →
submits → the seeker awards → an order for the winner appears in the marketplace; a second
solver never sees the first's submission nor the details before accepting the terms."""

import datetime

import pytest
from django.utils import timezone

from apps.innovation.models import Award, Challenge, ExpertProposal, TermsAcceptance
from apps.marketplace.models import Order
from apps.notifications.models import Notification

from .conftest import challenge_body, client_of

pytestmark = pytest.mark.django_db
SECRET_SOLUTION = "Our carrier-free recipe at 95 °C"


def post_challenge(world, **overrides):
    response = client_of(world.seeker_owner).post(
        world.url("challenges/"), challenge_body(world, **overrides), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_post_accept_details_submit_award_becomes_an_order(world, django_capture_on_commit_callbacks):
    challenge = post_challenge(world)
    assert challenge["status"] == "open"
    assert "details" not in challenge  # the public summary only
    cid = challenge["id"]
    # the matching expert was proposed the challenge and told
    assert ExpertProposal.objects.filter(challenge_id=cid, expert=world.expert_profile).exists()
    assert Notification.objects.filter(user=world.expert, kind="innovation.challenge_proposed").exists()

    solver, rival = client_of(world.solver_owner), client_of(world.rival_owner)
    # before accepting the terms: the summary yes, the details no, no submission
    assert world.url(f"challenges/{cid}/") and solver.get(world.url(f"challenges/{cid}/")).status_code == 200
    refused = solver.get(world.url(f"challenges/{cid}/details/"))
    assert refused.status_code == 403 and "CONFIDENTIAL" not in refused.content.decode()
    early = solver.post(
        world.url(f"challenges/{cid}/solutions/"),
        {"kind": "enterprise", "enterprise": world.solver.pk, "title": "t", "body": "b"},
        format="json",
    )
    assert early.status_code == 403

    accepted = solver.post(world.url(f"challenges/{cid}/accept-terms/"), {"terms_version": 1}, format="json")
    assert accepted.status_code == 200 and accepted.json()["terms_accepted"] is True
    record = TermsAcceptance.objects.get(challenge_id=cid, user=world.solver_owner)
    assert record.terms_version == 1 and record.accepted_at is not None
    details = solver.get(world.url(f"challenges/{cid}/details/"))
    assert details.status_code == 200 and details.json()["details"].startswith("CONFIDENTIAL")

    submitted = solver.post(
        world.url(f"challenges/{cid}/solutions/"),
        {
            "kind": "consortium",
            "title": "Carrier-free dyeing",
            "body": SECRET_SOLUTION,
            "documents": [{"name": "recipe.pdf", "content_type": "application/pdf", "size": 1200}],
            "shares": [
                {"enterprise": world.solver.pk, "percent": "60"},
                {"enterprise": world.partner.pk, "percent": "40"},
            ],
        },
        format="json",
    )
    assert submitted.status_code == 201, submitted.content
    sid = submitted.json()["id"]
    revised = solver.patch(
        world.url(f"challenges/{cid}/solutions/{sid}/"), {"title": "Carrier-free dyeing v2"}, format="json"
    )
    assert revised.status_code == 200 and revised.json()["revision"] == 2
    # the partner is an author too
    assert client_of(world.partner_owner).get(world.url(f"challenges/{cid}/solutions/{sid}/")).status_code == 200

    # the second solver: not the details before the terms, never the first's submission
    assert rival.get(world.url(f"challenges/{cid}/details/")).status_code == 403
    rival.post(world.url(f"challenges/{cid}/accept-terms/"), {}, format="json")
    listed = rival.get(world.url(f"challenges/{cid}/solutions/"))
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert SECRET_SOLUTION not in listed.content.decode()
    assert rival.get(world.url(f"challenges/{cid}/solutions/{sid}/")).status_code == 404
    assert (
        rival.patch(world.url(f"challenges/{cid}/solutions/{sid}/"), {"title": "x"}, format="json").status_code == 404
    )

    seeker = client_of(world.seeker_owner)
    assert seeker.get(world.url(f"challenges/{cid}/solutions/")).json()["count"] == 1
    assert seeker.post(world.url(f"challenges/{cid}/solutions/{sid}/shortlist/"), {}, format="json").json()[
        "shortlisted"
    ]
    asked = seeker.post(
        world.url(f"challenges/{cid}/solutions/{sid}/questions/"), {"question": "Fastness?"}, format="json"
    )
    assert asked.status_code == 201
    qid = asked.json()["questions"][0]["id"]
    answered = solver.post(
        world.url(f"challenges/{cid}/solutions/{sid}/answer/"), {"question": qid, "answer": "Grade 4"}, format="json"
    )
    assert answered.json()["questions"][0]["answer"] == "Grade 4"
    # the rival cannot ask the first's authors a question, nor award
    assert (
        rival.post(
            world.url(f"challenges/{cid}/solutions/{sid}/questions/"), {"question": "?"}, format="json"
        ).status_code
        == 404
    )
    assert rival.post(world.url(f"challenges/{cid}/award/"), {"solutions": [sid]}, format="json").status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        awarded = seeker.post(world.url(f"challenges/{cid}/award/"), {"solutions": [sid]}, format="json")
    assert awarded.status_code == 200, awarded.content
    assert awarded.json()["status"] == "awarded"
    award = Award.objects.get(solution_id=sid)
    assert award.winner == world.solver  # the largest share
    assert str(award.amount) == "50000.00"
    order = Order.objects.get(pk=award.order_id)
    assert (order.owner, order.quantity, order.status, order.capability_id) == (
        world.seeker,
        5000,
        "open",
        "dyeing-finishing",
    )
    # the order is in the marketplace, as every member reads it
    market = client_of(world.rival_owner).get(world.url("orders/"))
    assert order.pk in [row["id"] for row in market.json()["results"]]
    assert Notification.objects.filter(user=world.partner_owner, kind="innovation.solution_awarded").exists()
    mine = solver.get(world.url(f"challenges/{cid}/solutions/{sid}/")).json()
    assert mine["award"]["order"] == order.pk and mine["award"]["winner"] == world.solver.pk


def test_an_expert_submits_as_an_individual(world):
    cid = post_challenge(world, production_quantity=None)["id"]
    expert = client_of(world.expert)
    assert expert.get(world.url("challenges/")).json()["count"] == 1
    expert.post(world.url(f"challenges/{cid}/accept-terms/"), {}, format="json")
    response = expert.post(
        world.url(f"challenges/{cid}/solutions/"), {"kind": "expert", "title": "t", "body": "b"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["shares"] == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline": "2020-01-01T00:00:00Z"}, "deadline"),
        ({"award_amount": "10.00"}, "award_amount"),
        ({"award_amount": None, "production_quantity": None}, "award_amount"),
        ({"rights": "nonsense"}, "rights"),
        ({"production_unit_price": None}, "production_unit_price"),
    ],
)
def test_bad_challenges_are_refused_naming_the_field(world, overrides, field):
    response = client_of(world.seeker_owner).post(
        world.url("challenges/"), challenge_body(world, **overrides), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.content.decode()
    assert not Challenge.objects.exists()


def test_submission_and_revision_after_the_deadline_name_the_deadline(world):
    cid = post_challenge(world)["id"]
    solver = client_of(world.solver_owner)
    solver.post(world.url(f"challenges/{cid}/accept-terms/"), {}, format="json")
    body = {"kind": "enterprise", "enterprise": world.solver.pk, "title": "t", "body": "b"}
    sid = solver.post(world.url(f"challenges/{cid}/solutions/"), body, format="json").json()["id"]
    Challenge.objects.filter(pk=cid).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    late = solver.post(world.url(f"challenges/{cid}/solutions/"), body, format="json")
    assert late.status_code == 400 and "deadline" in late.content.decode()
    revised = solver.patch(world.url(f"challenges/{cid}/solutions/{sid}/"), {"body": "late"}, format="json")
    assert revised.status_code == 400 and "deadline" in revised.content.decode()


def test_consortium_shares_must_sum_to_100(world):
    cid = post_challenge(world)["id"]
    solver = client_of(world.solver_owner)
    solver.post(world.url(f"challenges/{cid}/accept-terms/"), {}, format="json")
    response = solver.post(
        world.url(f"challenges/{cid}/solutions/"),
        {
            "kind": "consortium",
            "title": "t",
            "body": "b",
            "shares": [
                {"enterprise": world.solver.pk, "percent": "60"},
                {"enterprise": world.partner.pk, "percent": "30"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400 and "shares" in response.content.decode()


def test_withdrawing_with_submissions_needs_the_administrators(world):
    cid = post_challenge(world)["id"]
    solver, seeker = client_of(world.solver_owner), client_of(world.seeker_owner)
    solver.post(world.url(f"challenges/{cid}/accept-terms/"), {}, format="json")
    body = {"kind": "enterprise", "enterprise": world.solver.pk, "title": "t", "body": "b"}
    assert solver.post(world.url(f"challenges/{cid}/solutions/"), body, format="json").status_code == 201
    asked = seeker.post(world.url(f"challenges/{cid}/withdraw/"), {"reason": "budget"}, format="json")
    assert asked.status_code == 200
    assert asked.json()["status"] == "open" and asked.json()["withdrawal_requested_at"]
    assert Notification.objects.filter(user=world.admin, kind="innovation.withdrawal_requested").exists()
    # the seeker cannot consent for the administrators
    assert (
        seeker.post(world.url(f"challenges/{cid}/decide-withdrawal/"), {"approve": True}, format="json").status_code
        == 403
    )
    decided = client_of(world.admin).post(
        world.url(f"challenges/{cid}/decide-withdrawal/"), {"approve": True}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "withdrawn"


def test_the_rulebook_decides_who_may_post(world, monkeypatch):
    from apps.innovation.services import challenges

    monkeypatch.setattr(
        challenges,
        "rule_value",
        lambda *, cluster, key: (
            {"innovation.who_may_post": "verified_members"}.get(key)
            or __import__("apps.tenancy.rules", fromlist=["x"]).REGISTRY[key].default
        ),
    )
    response = client_of(world.seeker_owner).post(world.url("challenges/"), challenge_body(world), format="json")
    assert response.status_code == 403


def test_outsiders_see_nothing(world):
    post_challenge(world)
    assert client_of(world.foreign_owner).get(world.url("challenges/")).status_code == 404
