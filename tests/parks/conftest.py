import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from apps.tenancy.models import Cluster
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.parks import ResourceFactory


@pytest.fixture
def park(db):
    """A physical park: an administrator, two member enterprises (A, B) with their owners, a lab."""
    cluster = ClusterFactory(slug="park", kind=Cluster.Kind.PHYSICAL)
    p = SimpleNamespace(cluster=cluster)
    p.admin = ClusterRoleFactory(cluster=cluster).user
    p.a_owner, p.b_owner = UserFactory(), UserFactory()
    p.a = EnterpriseFactory(owner=p.a_owner)
    p.b = EnterpriseFactory(owner=p.b_owner)
    MembershipFactory(cluster=cluster, enterprise=p.a)
    MembershipFactory(cluster=cluster, enterprise=p.b)
    p.lab = ResourceFactory(cluster=cluster)
    p.url = lambda rest="": f"/api/v1/clusters/{cluster.slug}/{rest}"
    return p


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """``days`` from today at ``hour`` local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()
