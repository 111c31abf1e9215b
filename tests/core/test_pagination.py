"""One pagination style (apps/core/api/pagination.py): every list is the envelope; a page past the end is empty."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import ClusterFactory, ClusterRoleFactory, StaffFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
ENVELOPE = {"count", "next", "previous", "results"}


def list_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in sorted(schema["paths"].items()):
        operation = item.get("get")
        if operation is None:
            continue
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        ref = answer.get("$ref", "").rsplit("/", 1)[-1]
        component = schema["components"]["schemas"].get(ref, {})
        yield path, answer, component, {parameter["name"] for parameter in operation.get("parameters", ())}


def test_no_operation_answers_a_bare_array_and_every_list_is_paginated():
    found = list(list_operations())
    bare = [path for path, answer, _component, _names in found if answer.get("type") == "array"]
    assert bare == []
    paginated = {path for path, _answer, component, names in found if set(component.get("properties", {})) >= ENVELOPE}
    assert {
        "/api/v1/clusters/{cluster_slug}/metrics/",
        "/api/v1/clusters/{cluster_slug}/rules/history/",
        "/api/v1/reference/regions/",
        "/api/v1/reference/capabilities/",
        "/api/v1/notifications/preferences/",
    } <= paginated
    for path, _answer, _component, names in found:
        if path in paginated:
            assert {"page", "page_size"} <= names, path


@pytest.fixture
def staff_client(as_user):
    cluster = ClusterFactory(slug="pages")
    staff = StaffFactory()
    ClusterRoleFactory(cluster=cluster, user=staff)
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=staff))
    return as_user(staff)


def test_every_list_answers_the_envelope_its_schema_promises(staff_client):
    checked = 0
    for path, _answer, component, _names in list_operations():
        if not set(component.get("properties", {})) >= ENVELOPE or "{" in path.replace("{cluster_slug}", ""):
            continue  # a list under another object (comments of a proposal …) needs that object
        response = staff_client.get(path.replace("{cluster_slug}", "pages"))
        assert response.status_code == 200, (path, response.content)
        assert set(response.json()) >= ENVELOPE, path
        checked += 1
    assert checked >= 25


def test_a_page_past_the_end_is_an_empty_page(staff_client):
    whole = staff_client.get("/api/v1/reference/regions/?page_size=10").json()
    assert whole["count"] > 10 and len(whole["results"]) == 10
    last = -(-whole["count"] // 10)
    past = staff_client.get(f"/api/v1/reference/regions/?page_size=10&page={last + 5}")
    assert past.status_code == 200
    body = past.json()
    assert body["results"] == [] and body["count"] == whole["count"] and body["next"] is None
    assert f"page={last}" in body["previous"]
    final = staff_client.get(f"/api/v1/reference/regions/?page_size=10&page={last}").json()
    assert final["results"] and final["next"] is None


def test_an_empty_list_past_its_end_has_no_previous_page(staff_client):
    body = staff_client.get("/api/v1/clusters/pages/alerts/?page=3").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=last", "page"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
    ],
)
def test_a_bad_page_or_page_size_is_a_400_naming_it(staff_client, query, name):
    response = staff_client.get(f"/api/v1/reference/regions/?{query}")
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_a_page_size_above_100_reads_as_100(staff_client):
    whole = staff_client.get("/api/v1/reference/industry-codes/?page_size=1000").json()
    assert whole["count"] > 100 and len(whole["results"]) == 100


def test_metrics_page_like_any_list(staff_client):
    staff_client.post("/api/v1/clusters/pages/metrics/snapshot/")
    body = staff_client.get("/api/v1/clusters/pages/metrics/").json()
    assert body["count"] == 1 and len(body["results"]) == 1
    assert "metrics" in body["results"][0]
