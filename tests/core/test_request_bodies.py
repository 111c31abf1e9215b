"""Bodies that make a JSON parser blow up answer 400, never 500, on every write operation.

Walks every POST/PUT/PATCH operation of the OpenAPI schema and every allauth headless
endpoint (from the URL resolver, so a new one is covered without a change here).
"""

import functools
import re

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from drf_spectacular.generators import SchemaGenerator

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DEEP = b"[" * 50_000 + b"]" * 50_000
PATH_PARAMETER = re.compile(r"\{[^}]+\}")


@functools.cache
def write_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        sorted(
            (method.upper(), PATH_PARAMETER.sub("1", path).replace("/clusters/1/", "/clusters/some-cluster/"))
            for path, item in schema["paths"].items()
            for method in item
            if method in ("post", "put", "patch")
        )
    )


def allauth_endpoints():
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted(
        f"/{path}"
        for path in walk(get_resolver().url_patterns, "")
        if path.startswith("_allauth/") and "openapi" not in path
    )


def test_the_walk_finds_the_operations():
    assert len(write_operations()) > 40
    assert {"/_allauth/app/v1/auth/login", "/_allauth/browser/v1/auth/signup"} <= set(allauth_endpoints())


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_deeply_nested_body_is_a_400_on_every_write_operation(signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(UserFactory())
    answers = {}
    for method, path in write_operations():
        response = client.generic(method, path, DEEP, content_type="application/json")
        answers[(method, path)] = (response.status_code, response.json().get("errors"))
    for path in allauth_endpoints():
        response = client.post(path, DEEP, content_type="application/json")
        answers[("POST", path)] = (response.status_code, response.json().get("errors"))
    wrong = {operation: answer for operation, answer in answers.items() if answer[0] != 400}
    assert not wrong, wrong
    api = [errors for (_, path), (_, errors) in answers.items() if path.startswith("/api/")]
    assert all(list(errors) == ["body"] for errors in api)


def test_nesting_up_to_the_limit_reaches_the_view_and_brackets_in_strings_do_not_count(as_user, user, settings):
    client = as_user(user)
    limit = settings.JSON_MAX_DEPTH
    at_limit = "[" * (limit - 1) + "]" * (limit - 1)  # plus the object around it
    response = client.patch("/api/v1/me/", f'{{"name": {at_limit}}}', content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["name"]  # the serializer's verdict
    deeper = "[" * limit + "]" * limit
    response = client.patch("/api/v1/me/", f'{{"name": {deeper}}}', content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["body"]
    # brackets and escaped quotes inside a string are text, not structure
    name = '[[[[[[[[[[[[[[[[[[[[\\"{{{{{{{{{{{{{{{{{{{{'
    response = client.patch("/api/v1/me/", f'{{"name": "{name}"}}', content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == name.replace("\\", "")


NUMBERS = {
    "a million digits": b"9" * 1_000_000,
    "an overflowing exponent": b"1e999999",
    "a long decimal": b"1" * 400 + b".5",
}


@pytest.mark.parametrize("number", NUMBERS.values(), ids=NUMBERS.keys())
@pytest.mark.parametrize(
    "path",
    ["/_allauth/app/v1/auth/login", "/_allauth/browser/v1/auth/signup", "/api/v1/me/", "/api/v1/enterprises/"],
)
def test_a_number_no_parser_should_meet_is_a_400(user, path, number):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    body = b'{"email": ' + number + b', "password": "x", "name": ' + number + b"}"
    response = client.generic("PATCH" if path == "/api/v1/me/" else "POST", path, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"


def test_ordinary_numbers_still_pass(user):
    client = Client()
    UserFactory(email="numbers@example.com")
    body = b'{"email": "numbers@example.com", "password": "%s", "x": [1e10, -2.5E-3, 12345678901234567890]}' % (
        PASSWORD.encode()
    )
    assert client.post("/_allauth/app/v1/auth/login", body, content_type="application/json").status_code == 200


def test_a_huge_array_is_a_400_not_a_500(as_user, user):
    response = as_user(user).patch("/api/v1/me/", "[" + "0," * 1_000_000 + "0]", content_type="application/json")
    assert response.status_code == 400
    response = Client().post(
        "/_allauth/app/v1/auth/login", "[" + "0," * 1_000_000 + "0]", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_body_past_the_upload_limit_is_a_400_in_the_api_format(as_user, user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_user(user).patch("/api/v1/me/", '{"name": "' + "x" * 2000 + '"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_the_api_parser_refuses_what_json_would_crash_on(rf):
    """The second line behind the middleware: DRF's parser itself never raises past ParseError."""
    import io

    from rest_framework.exceptions import ParseError

    from apps.core.api.parsers import JSONParser

    for body in (DEEP, b"[1e999999]", b"[NaN]", b"[Infinity]", b"[" + b"9" * 5000 + b"]"):
        with pytest.raises(ParseError):
            JSONParser().parse(io.BytesIO(body))
    assert JSONParser().parse(io.BytesIO(b'{"a": [1.5, 2]}')) == {"a": [1.5, 2]}
