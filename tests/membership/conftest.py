from dataclasses import dataclass

import pytest

from apps.membership.models import EnterpriseMember, Membership
from tests.factories import ClusterFactory, ClusterRoleFactory, StaffFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory


@dataclass
class World:
    """Two clusters with their administrators, and enterprises in each state."""

    cluster: object
    admin: object
    other_cluster: object
    other_admin: object
    platform_staff: object
    outsider: object
    owner: object  # owner of `member` (active in `cluster`)
    staff_person: object  # staff of `member`
    member: object
    membership: object
    peer_owner: object
    peer: object  # a second active member of `cluster`
    peer_membership: object
    applicant_owner: object
    applicant: object
    application: object  # pending in `cluster`
    foreign_owner: object
    foreign: object  # active member of `other_cluster` only
    foreign_membership: object


@pytest.fixture
def world(db):
    cluster, other_cluster = ClusterFactory(), ClusterFactory()
    owner, peer_owner, applicant_owner, foreign_owner = (UserFactory() for _ in range(4))
    member = EnterpriseFactory(
        owner=owner, legal_name_zh="绍兴华纺织造有限公司", legal_name_en="Shaoxing Huafang Weaving"
    )
    staff_person = PersonFactory(enterprise=member, role=EnterpriseMember.Role.STAFF).user
    peer = EnterpriseFactory(
        owner=peer_owner, legal_name_zh="苏州精工机械有限公司", legal_name_en="Suzhou Precision Machinery"
    )
    applicant = EnterpriseFactory(owner=applicant_owner, legal_name_zh="湖州丝绸有限公司", legal_name_en="Huzhou Silk")
    foreign = EnterpriseFactory(owner=foreign_owner, legal_name_zh="东莞模具有限公司", legal_name_en="Dongguan Moulds")
    return World(
        cluster=cluster,
        admin=ClusterRoleFactory(cluster=cluster).user,
        other_cluster=other_cluster,
        other_admin=ClusterRoleFactory(cluster=other_cluster).user,
        platform_staff=StaffFactory(),
        outsider=UserFactory(),
        owner=owner,
        staff_person=staff_person,
        member=member,
        membership=MembershipFactory(cluster=cluster, enterprise=member),
        peer_owner=peer_owner,
        peer=peer,
        peer_membership=MembershipFactory(cluster=cluster, enterprise=peer),
        applicant_owner=applicant_owner,
        applicant=applicant,
        application=MembershipFactory(
            cluster=cluster, enterprise=applicant, status=Membership.Status.PENDING, joined_at=None, note="请审核"
        ),
        foreign_owner=foreign_owner,
        foreign=foreign,
        foreign_membership=MembershipFactory(cluster=other_cluster, enterprise=foreign),
    )
