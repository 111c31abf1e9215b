"""Security headers and CSP on pages, admin login lockout, and a 503 while the database is away."""

import pytest

from tests.core.test_database_errors import database_away

pytestmark = pytest.mark.django_db


def test_pages_carry_csp_and_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert b" onchange=" not in response.content and b"<script>" not in response.content  # nothing inline to allow


def test_admin_login_locks_out_after_repeated_failures(client, staff):
    for _ in range(5):
        client.post("/admin/login/", {"username": staff.email, "password": "wrong"})
    response = client.post("/admin/login/", {"username": staff.email, "password": "correct horse battery staple"})
    assert response.status_code == 429  # locked, even with the right password


def test_member_logins_are_not_locked_by_the_admin_guard(client, user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "someone@else.cn", "password": "wrong"})
    assert client.login(email=user.email, password="correct horse battery staple")


@pytest.mark.django_db(transaction=True)  # no test transaction to lose when the connection drops
def test_requests_get_503_while_the_database_is_away_and_recover(client, user, monkeypatch):
    client.force_login(user)
    assert client.get("/api/v1/me/").status_code == 200
    with database_away(monkeypatch):
        response = client.get("/api/v1/me/")
        assert response.status_code == 503
        assert response.json()["code"] == "database_unavailable"
        assert response["Retry-After"] == "10"
        assert client.get("/").status_code == 503
    assert client.get("/api/v1/me/").status_code == 200  # back, with no restart


def test_a_body_django_refuses_gets_the_api_error_format(as_user, cluster_admin, cluster, settings):
    """Django itself refuses some bodies (too large) before DRF sees them: still JSON under /api/."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client = as_user(cluster_admin)
    response = client.generic(
        "POST",
        f"/api/v1/clusters/{cluster.slug}/memberships/bulk-approve/",
        '{"ids": [' + ", ".join(["1"] * 100) + "]}",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_request"


def test_a_form_body_is_refused_in_the_api_error_format(as_user, cluster_admin, cluster, settings):
    """The API parses JSON only: a form (even one with more fields than Django takes) is a 415, in JSON."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = as_user(cluster_admin).generic(
        "POST",
        f"/api/v1/clusters/{cluster.slug}/memberships/bulk-approve/",
        "&".join(f"f{i}=x" for i in range(20)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("query", ["memberships/?search=a%00b", "matches/?status=%00", "orders/?capability=x%00"])
def test_a_null_character_in_a_query_parameter_is_a_400_naming_it(as_user, cluster_admin, cluster, query):
    """schemathesis found ?search=…%00… reaching PostgreSQL, which cannot take NUL: a 500."""
    response = as_user(cluster_admin).get(f"/api/v1/clusters/{cluster.slug}/{query}")
    assert response.status_code == 400
    parameter = query.split("?")[1].split("=")[0]
    assert list(response.json()["errors"]) == [parameter]


def test_a_null_character_on_a_page_is_a_400(client):
    assert client.get("/clusters/?q=%00").status_code == 400
