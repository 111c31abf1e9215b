"""A reused PostgreSQL connection is health-checked without a round trip, and one the server
dropped is still replaced before the request uses it."""

import time

import psycopg2
import pytest
from django.db import close_old_connections, connection
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the health check of PostgreSQL connections (DATABASE_URL is not PostgreSQL here)")


def test_a_healthy_connection_is_checked_without_a_query(monkeypatch):
    connection.ensure_connection()
    sent = []
    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", lambda self: sent.append(1) or True)
    assert connection.is_usable()
    assert sent == []


def test_a_connection_the_server_dropped_is_replaced_before_the_next_request(client, user):
    client.force_login(user)
    assert client.get("/api/v1/me/").status_code == 200
    dropped = connection.connection
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped.get_backend_pid()])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye reaches the socket
    assert not connection.is_usable()
    close_old_connections()  # what Django does as a request starts (its test client leaves it out)
    assert client.get("/api/v1/me/").status_code == 200  # checked, replaced, answered
    assert connection.connection is not dropped
