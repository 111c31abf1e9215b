import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.governance.models import Proposal
from apps.governance.services.council import council_bootstrap
from apps.governance.services.voting import proposal_close
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory


@dataclass
class Side:
    """One cluster of a partnership: its administrator, three seat holders and a member enterprise."""

    cluster: object
    admin: object
    seats: list
    owner: object
    enterprise: object

    def url(self, path: str) -> str:
        return f"/api/v1/clusters/{self.cluster.slug}/{path}"


def make_side(slug: str, *, kind: str = "virtual", lat="30.27000", lng="120.15000", region="330100") -> Side:
    cluster = ClusterFactory(slug=slug, kind=kind)
    admin = ClusterRoleFactory(cluster=cluster).user
    holders = [UserFactory() for _ in range(3)]
    now = timezone.now()
    council_bootstrap(
        actor=admin,
        cluster=cluster,
        seats=[
            {
                "holder": user,
                "chamber": chamber,
                "term_start": now - datetime.timedelta(days=30),
                "term_end": now + datetime.timedelta(days=365),
            }
            for user, chamber in zip(holders, ["leading_enterprises", "industry_experts", "institutions"], strict=True)
        ],
    )
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner, region_code=region, latitude=lat, longitude=lng)
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    return Side(cluster=cluster, admin=admin, seats=holders, owner=owner, enterprise=enterprise)


@pytest.fixture
def textile(db):
    return make_side("yangtze-textile-t")


@pytest.fixture
def park(db):
    return make_side("yangtze-park-t", kind="physical", lat="31.30000", lng="120.60000", region="320500")


def days(n: int) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=n))


def pass_by_council(as_user, side: Side, proposal_id: int, choice: str = "yes") -> Proposal:
    """The author submits and opens the vote, every seat votes ``choice``, the window closes."""
    author = as_user(side.seats[0])
    assert author.post(side.url(f"proposals/{proposal_id}/submit/")).status_code == 200
    assert author.post(side.url(f"proposals/{proposal_id}/open-voting/"), {}, format="json").status_code == 200
    for holder in side.seats:
        response = as_user(holder).post(side.url(f"proposals/{proposal_id}/votes/"), {"choice": choice}, format="json")
        assert response.status_code == 201, response.content
    proposal = Proposal.objects.get(pk=proposal_id)
    return proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))


def propose(as_user, proposer: Side, partner_side: Side, **overrides):
    body = {
        "partner": partner_side.cluster.slug,
        "title": "Partnership with the park",
        "body": "Members trade across, resources are shared.",
        "shared_kinds": ["order", "capacity"],
        "resources_bookable": True,
        "starts_on": days(0),
        "ends_on": days(365),
        "governing_rulebook": "demand_side",
        **overrides,
    }
    return as_user(proposer.seats[0]).post(proposer.url("partnerships/"), body, format="json")


def motion(as_user, side: Side, partnership_id: int, action: str):
    body = {"action": action, "title": f"{action} the partnership", "body": "As the council sees fit."}
    return as_user(side.seats[0]).post(side.url(f"partnerships/{partnership_id}/motions/"), body, format="json")


def open_motion_proposal(answer: dict, cluster_id: int) -> int:
    council = next(c for c in answer["councils"] if c["cluster"] == cluster_id)
    return council["open_motion"]["proposal"]


def in_force(as_user, proposer: Side, partner: Side, **overrides) -> dict:
    """A partnership both councils passed, through the API."""
    response = propose(as_user, proposer, partner, **overrides)
    assert response.status_code == 201, response.content
    answer = response.json()
    pass_by_council(as_user, proposer, open_motion_proposal(answer, proposer.cluster.pk))
    response = motion(as_user, partner, answer["id"], "establish")
    assert response.status_code == 201, response.content
    pass_by_council(as_user, partner, open_motion_proposal(response.json(), partner.cluster.pk))
    return as_user(proposer.admin).get(proposer.url(f"partnerships/{answer['id']}/")).json()
