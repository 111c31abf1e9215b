"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis 4).

Authenticated as a member and administrator of a real cluster, every operation gets
generated requests; there must be no 5xx and every response must conform to the schema.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: zero 5xx, and every response (status, content type, body) as the schema documents it
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes a connection left outside autocommit at each request's start and end;
    the test transaction is exactly that. Its test client unhooks this, so do we."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(db, client):
    from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
    from tests.factories.membership import EnterpriseFactory, MembershipFactory

    cluster = ClusterFactory(slug="fuzz")
    user = UserFactory(email="fuzzer@example.com")
    ClusterRoleFactory(cluster=cluster, user=user)
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=user))
    client.force_login(user)  # the headless app API's X-Session-Token is the session key
    return {"token": client.session.session_key, "slug": cluster.slug}


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_conforms(case, credentials):
    if "cluster_slug" in (case.path_parameters or {}):
        case.path_parameters["cluster_slug"] = credentials["slug"]
    case.call_and_validate(headers={"X-Session-Token": credentials["token"]}, checks=CHECKS)
