"""Database errors: 503 only for a database that cannot be reached, any other a logged 500;
the cause logged once with the request id, which the answer echoes; the schema shows the 503."""

import contextlib
import logging

import pytest
from django.db import OperationalError, connection, connections

REQUEST_ID = "support-ticket-4711"


@contextlib.contextmanager
def database_away(monkeypatch):
    """Nothing answers at the database's address (PostgreSQL), or every query fails (SQLite's
    in-memory test database cannot be closed), until the block ends."""
    real = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        connection.close()
        connection.settings_dict["PORT"] = "1"  # nothing listens there: like a restart in progress
    else:

        def unavailable(*args, **kwargs):
            raise OperationalError("database is restarting")

        monkeypatch.setattr(type(connections["default"]), "create_cursor", unavailable)
    try:
        yield
    finally:
        monkeypatch.undo()
        if connection.vendor == "postgresql":
            connection.close()
            connection.settings_dict.update(real)


def failing_statement():
    """A statement that fails on a live database with an OperationalError that is not about
    reaching it: a statement timeout (PostgreSQL), a missing table (SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET statement_timeout = 1")
            try:
                cursor.execute("SELECT pg_sleep(1)")
            finally:
                cursor.execute("RESET statement_timeout")
        else:
            cursor.execute("SELECT * FROM no_such_table")


def records_of(caplog, request_id):
    return [record for record in caplog.records if getattr(record, "request_id", None) == request_id]


@pytest.mark.django_db(transaction=True)  # no test transaction to lose when the connection drops
def test_an_unreachable_database_is_a_503_logged_once_with_the_request_id(client, user, monkeypatch, caplog):
    client.force_login(user)
    assert client.get("/api/v1/me/").status_code == 200
    with database_away(monkeypatch), caplog.at_level(logging.INFO):
        response = client.get("/api/v1/me/", headers={"X-Request-ID": REQUEST_ID})
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response["Retry-After"] == "10"
    assert response["X-Request-ID"] == REQUEST_ID
    logged = [record for record in records_of(caplog, REQUEST_ID) if record.levelno >= logging.ERROR]
    assert len(logged) == 1, [record.getMessage() for record in logged]
    assert "database unavailable" in logged[0].getMessage() and "OperationalError" in logged[0].getMessage()
    assert client.get("/api/v1/me/").status_code == 200  # back, with no restart


@pytest.mark.django_db(transaction=True)
def test_a_tenant_request_with_the_database_away_is_a_503_logged_once(
    as_user, cluster_admin, cluster, monkeypatch, caplog
):
    client = as_user(cluster_admin)
    url = f"/api/v1/clusters/{cluster.slug}/memberships/"
    assert client.get(url).status_code == 200
    with database_away(monkeypatch), caplog.at_level(logging.INFO):
        response = client.get(url, headers={"X-Request-ID": REQUEST_ID})
    assert response.status_code == 503 and response["X-Request-ID"] == REQUEST_ID
    assert len([r for r in records_of(caplog, REQUEST_ID) if r.levelno >= logging.ERROR]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_statement_failing_on_a_live_database_is_a_logged_500_not_a_503(client, user, monkeypatch, caplog):
    client.force_login(user)
    client.raise_request_exception = False

    def roles(*args, **kwargs):
        failing_statement()

    monkeypatch.setattr("apps.tenancy.selectors.user_cluster_roles", roles)
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/me/", headers={"X-Request-ID": REQUEST_ID})
    assert response.status_code == 500
    assert response.json() == {"status": 500, "code": "server_error", "detail": "Server error."}
    assert response["X-Request-ID"] == REQUEST_ID
    logged = [record for record in records_of(caplog, REQUEST_ID) if record.levelno >= logging.ERROR]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert isinstance(logged[0].exc_info[1], OperationalError)  # the cause, with its traceback
    assert "database unavailable" not in logged[0].getMessage()
    monkeypatch.undo()
    assert client.get("/api/v1/me/").status_code == 200  # the connection is still good


def test_a_request_id_is_generated_when_none_or_a_malformed_one_is_given(client):
    generated = client.get("/health/")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/health/")["X-Request-ID"] != generated
    injected = client.get("/health/", headers={"X-Request-ID": "bad id\r\nX-Evil: 1"})["X-Request-ID"]
    assert injected != "bad id\r\nX-Evil: 1" and len(injected) == 32


@pytest.mark.django_db
def test_the_schema_documents_the_503_with_retry_after_on_every_operation(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]
    assert operations
    for path, method, operation in operations:
        unavailable = operation["responses"].get("503")
        assert unavailable is not None, (method, path)
        assert "Retry-After" in unavailable["headers"], (method, path)
