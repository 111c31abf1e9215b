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
