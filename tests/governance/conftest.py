import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.governance.services.council import council_bootstrap
from apps.governance.services.proposals import proposal_draft, proposal_open_voting, proposal_submit
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory


@dataclass
class Council:
    cluster: object
    admin: object
    members: list  # three seat holders
    seats: list
    outsider_admin: object
    member_owner: object  # owner of an active member enterprise without a seat
    membership: object

    def url(self, path: str) -> str:
        return f"/api/v1/clusters/{self.cluster.slug}/{path}"


@pytest.fixture
def council(db):
    cluster = ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster).user
    now = timezone.now()
    members = [UserFactory() for _ in range(3)]
    chambers = ["leading_enterprises", "industry_experts", "member_representatives"]
    seats = council_bootstrap(
        actor=admin,
        cluster=cluster,
        seats=[
            {
                "holder": user,
                "chamber": chamber,
                "term_start": now - datetime.timedelta(days=30),
                "term_end": now + datetime.timedelta(days=365),
            }
            for user, chamber in zip(members, chambers, strict=True)
        ],
    )
    member_owner = UserFactory()
    membership = MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=member_owner))
    return Council(
        cluster=cluster,
        admin=admin,
        members=members,
        seats=seats,
        outsider_admin=ClusterRoleFactory(cluster=ClusterFactory()).user,
        member_owner=member_owner,
        membership=membership,
    )


def proposal_in_vote(council, changes=None):
    """A rule change by the first seat holder, submitted and with its vote open."""
    author, cluster = council.members[0], council.cluster
    proposal = proposal_draft(
        actor=author,
        cluster=cluster,
        kind="rule_change",
        title="Weigh price more",
        body="Buyers ask for cheaper offers.",
        changes=changes or {"matching.weight.price": 0.3},
    )
    proposal_submit(actor=author, cluster=cluster, proposal_id=proposal.pk)
    proposal_open_voting(actor=author, cluster=cluster, proposal_id=proposal.pk)
    return proposal
