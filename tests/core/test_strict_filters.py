"""An unknown filter value is a 400 naming the parameter, never a 200 with nothing (apps/core/api/filters.py)."""

import pytest

from tests.factories import ClusterFactory, ClusterRoleFactory, StaffFactory
from tests.factories.marketplace import OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(as_user):
    cluster = ClusterFactory(slug="strict")
    staff = StaffFactory()
    ClusterRoleFactory(cluster=cluster, user=staff)
    enterprise = EnterpriseFactory(owner=staff)
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    OrderFactory(cluster=cluster, owner=enterprise, status="open")
    return as_user(staff)


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("orders/", "status=bogus", "status"),
        ("capacities/", "status=bogus", "status"),
        ("channel-offers/", "status=bogus", "status"),
        ("channel-requests/", "status=bogus", "status"),
        ("matches/", "status=bogus", "status"),
        ("deals/", "status=bogus", "status"),
        ("orders/", "ordering=nonsense", "ordering"),
        ("orders/", "ordering=-need_by,owner__people__user__password", "ordering"),
        ("capacities/", "ordering=title", "ordering"),
    ],
)
def test_an_unknown_value_is_a_400_naming_the_parameter(member, path, query, name):
    response = member.get(f"/api/v1/clusters/strict/{path}?{query}")
    assert response.status_code == 400, response.content
    assert name in response.json()["errors"]


def test_known_values_still_filter_and_order(member):
    assert member.get("/api/v1/clusters/strict/orders/?status=open").json()["count"] == 1
    assert member.get("/api/v1/clusters/strict/orders/?status=draft").json()["count"] == 0
    assert member.get("/api/v1/clusters/strict/orders/?ordering=-need_by,quantity").status_code == 200
    assert member.get("/api/v1/clusters/").status_code == 200
    assert member.get("/api/v1/clusters/?ordering=name_en").status_code == 200
    assert member.get("/api/v1/clusters/?ordering=secret").status_code == 400


def test_an_undeclared_parameter_is_ignored(member):
    response = member.get("/api/v1/clusters/strict/orders/?utm_source=newsletter&_=1700000000")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_schema_documents_the_status_choices(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/clusters/{cluster_slug}/orders/"]["get"]["parameters"]
    status = next(parameter for parameter in parameters if parameter["name"] == "status")
    assert "open" in status["schema"]["enum"] and "bogus" not in status["schema"]["enum"]
