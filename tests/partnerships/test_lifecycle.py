"""A partnership's lifecycle through the API: terms refused with the field named, each council's
own vote, rejection, suspension and resumption, the end by the end date, the audit trail."""

import datetime

import pytest
from django.utils import timezone

from apps.governance.models import Proposal
from apps.membership.models import AuditEvent
from apps.partnerships import selectors
from apps.partnerships.models import Partnership
from apps.partnerships.services import partnerships_end_due

from .conftest import days, in_force, make_side, motion, open_motion_proposal, pass_by_council, propose

pytestmark = pytest.mark.django_db


def field_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2020-01-01"}, "ends_on"),
        ({"starts_on": days(10), "ends_on": days(5)}, "ends_on"),
        ({"shared_kinds": []}, "shared_kinds"),
        ({"shared_kinds": ["secrets"]}, "shared_kinds"),
        ({"partner": "no-such-cluster"}, "partner"),
        ({"governing_rulebook": "mine"}, "governing_rulebook"),
        ({"starts_on": "not a date"}, "starts_on"),
    ],
)
def test_bad_terms_are_a_400_naming_the_field(as_user, textile, park, overrides, field):
    response = propose(as_user, textile, park, **overrides)
    assert response.status_code == 400, response.content
    assert field in field_of(response)
    assert not Partnership.objects.exists() and not Proposal.objects.filter(kind="partnership").exists()


def test_a_partnership_with_oneself_or_a_second_one_is_refused(as_user, textile, park):
    response = as_user(textile.seats[0]).post(
        textile.url("partnerships/"),
        {
            "partner": textile.cluster.slug,
            "title": "t",
            "body": "b",
            "shared_kinds": ["order"],
            "starts_on": days(0),
            "ends_on": days(30),
        },
        format="json",
    )
    assert response.status_code == 400 and "partner" in field_of(response)
    assert propose(as_user, textile, park).status_code == 201
    again = propose(as_user, textile, park)  # while one is pending
    assert again.status_code == 400 and "partner" in field_of(again) and "partnership_exists" in field_of(again)
    reverse = propose(as_user, park, textile)  # nor the other way round
    assert reverse.status_code == 400 and "partner" in field_of(reverse)
    assert Partnership.objects.count() == 1


def test_only_council_seats_propose_and_a_bare_proposal_of_the_type_is_refused(as_user, textile, park):
    body = {"partner": park.cluster.slug, "title": "t", "body": "b", "shared_kinds": ["order"]}
    body |= {"starts_on": days(0), "ends_on": days(30)}
    assert as_user(textile.owner).post(textile.url("partnerships/"), body, format="json").status_code == 403
    assert as_user(textile.admin).post(textile.url("partnerships/"), body, format="json").status_code == 403
    bare = as_user(textile.seats[0]).post(
        textile.url("proposals/"), {"kind": "partnership", "title": "t", "body": "b"}, format="json"
    )
    assert bare.status_code == 400 and "kind" in field_of(bare)


def test_one_council_is_not_enough_and_a_rejection_rejects_it(as_user, textile, park):
    answer = propose(as_user, textile, park).json()
    assert answer["status"] == "proposed"
    pass_by_council(as_user, textile, open_motion_proposal(answer, textile.cluster.pk))
    assert Partnership.objects.get().status == "proposed"  # the park's council has not voted
    assert not selectors.partners_in_force(textile.cluster)
    # the park's council votes on its own proposal, in its own governance, and says no
    response = motion(as_user, park, answer["id"], "establish")
    assert response.status_code == 201
    proposal_id = open_motion_proposal(response.json(), park.cluster.pk)
    assert Proposal.objects.get(pk=proposal_id).cluster_id == park.cluster.pk
    assert as_user(textile.seats[0]).get(textile.url(f"proposals/{proposal_id}/")).status_code == 404
    pass_by_council(as_user, park, proposal_id, choice="no")
    assert Partnership.objects.get().status == "rejected"
    # a rejected partnership no longer blocks a new one
    assert propose(as_user, textile, park).status_code == 201


def test_the_partner_may_not_vote_twice_nor_move_a_partnership_out_of_order(as_user, textile, park):
    answer = propose(as_user, textile, park).json()
    assert motion(as_user, textile, answer["id"], "establish").status_code == 409  # its motion is open
    assert motion(as_user, park, answer["id"], "suspend").status_code == 409  # not in force
    assert motion(as_user, park, answer["id"], "establish").status_code == 201
    assert motion(as_user, park, answer["id"], "establish").status_code == 409
    third = make_side("third-cluster")
    assert motion(as_user, third, answer["id"], "establish").status_code == 404


def test_suspend_resume_and_the_voting_window_of_the_type(as_user, textile, park):
    partnership = in_force(as_user, textile, park)
    assert selectors.partners_in_force(textile.cluster) == {park.cluster.pk}
    assert selectors.covers(textile.cluster, park.cluster, "order")
    assert selectors.covers(park.cluster, textile.cluster, "resources")
    assert not selectors.covers(textile.cluster, park.cluster, "channel_offer")
    response = motion(as_user, textile, partnership["id"], "suspend")
    proposal = Proposal.objects.get(pk=open_motion_proposal(response.json(), textile.cluster.pk))
    pass_by_council(as_user, textile, proposal.pk)
    proposal.refresh_from_db()
    assert proposal.voting_closes_at - proposal.voting_opens_at >= datetime.timedelta(hours=72)
    assert Partnership.objects.get().status == "suspended"
    assert not selectors.partners_in_force(park.cluster)
    response = motion(as_user, park, partnership["id"], "resume")
    pass_by_council(as_user, park, open_motion_proposal(response.json(), park.cluster.pk))
    assert Partnership.objects.get().status == "in_force"
    actions = set(AuditEvent.objects.filter(cluster=park.cluster).values_list("action", flat=True))
    assert {"partnership.in_force", "partnership.suspended", "partnership.motion.resume"} <= actions


def test_it_ends_by_itself_after_its_end_date(as_user, textile, park):
    in_force(as_user, textile, park, ends_on=days(10))
    assert selectors.partners_in_force(textile.cluster, day=timezone.localdate() + datetime.timedelta(days=11)) == set()
    assert partnerships_end_due(today=timezone.localdate() + datetime.timedelta(days=11)) == 1
    assert Partnership.objects.get().status == "ended"
    assert partnerships_end_due(today=timezone.localdate() + datetime.timedelta(days=11)) == 0
    for side in (textile, park):
        assert AuditEvent.objects.filter(cluster=side.cluster, action="partnership.ended").count() == 1
    assert as_user(park.owner).get(park.url("partnerships/")).json()["results"][0]["status"] == "ended"


def test_the_vote_on_a_partnership_keeps_within_the_charters_window_for_the_type(as_user, textile, park):
    answer = propose(as_user, textile, park).json()
    proposal_id = open_motion_proposal(answer, textile.cluster.pk)
    author = as_user(textile.seats[0])
    assert author.post(textile.url(f"proposals/{proposal_id}/submit/")).status_code == 200
    too_short = (timezone.now() + datetime.timedelta(hours=24)).isoformat()
    response = author.post(
        textile.url(f"proposals/{proposal_id}/open-voting/"), {"closes_at": too_short}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["closes_at"]
    assert "72" in response.json()["detail"] and "336" in response.json()["detail"]
