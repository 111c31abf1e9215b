import pytest

from apps.core import health

pytestmark = pytest.mark.django_db


def test_health_is_200_when_everything_answers(client, settings, tmp_path):
    response = client.get("/health/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "up"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_health_is_503_naming_the_broker_when_it_is_down(client, settings):
    from cluster_platform.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] == {"status": "up"}


def test_health_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    assert "error" not in response.json()["checks"]["database"]  # no internals leak when DEBUG is off


def test_health_only_answers_get(client):
    assert client.post("/health/").status_code == 405


def test_health_explains_what_is_down_to_staff_only(client, monkeypatch, settings, staff, user):
    def broken():
        raise ConnectionError("Error 111 connecting to 10.0.0.5:6379. Connection refused.")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    assert "10.0.0.5" not in client.get("/health/").content.decode()  # anonymous
    client.force_login(user)
    assert "10.0.0.5" not in client.get("/health/").content.decode()  # signed in, not staff
    client.force_login(staff)
    assert "10.0.0.5:6379" in client.get("/health/").json()["checks"]["cache"]["error"]
    client.logout()
    settings.DEBUG = True
    assert "10.0.0.5:6379" in client.get("/health/").json()["checks"]["cache"]["error"]


def test_health_with_the_database_away_still_answers_anonymously(client, monkeypatch, staff):
    """Whether the caller is staff needs the database: with it away, nobody is, and no 500."""
    from django.db import OperationalError

    client.force_login(staff)

    def database_away(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", lambda: database_away())
    monkeypatch.setattr("apps.accounts.selectors.user_get", database_away)
    monkeypatch.setattr("apps.accounts.backends.user_get", database_away, raising=False)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"] and "error" not in response.json()["checks"]["database"]
