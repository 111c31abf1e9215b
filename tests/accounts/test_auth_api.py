"""Sign-up, verification, login and password reset through allauth's headless app API,
then the platform's own ``/api/v1/me/`` with the ``X-Session-Token`` it issued."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from tests.factories import PASSWORD, UserFactory

APP = "/_allauth/app/v1"
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.M)

pytestmark = pytest.mark.django_db


def post(client, path, body, token=None):
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    return client.post(f"{APP}{path}", body, content_type="application/json", **headers)


def last_code() -> str:
    match = CODE.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_signup_verify_then_me(client):
    # Given a visitor who signs up
    response = post(client, "/auth/signup", {"email": "Owner@Factory.cn", "password": "Weaving-loom-2026"})
    # then the account waits for its e-mail to be verified, and a code was sent
    assert response.status_code == 401
    body = response.json()
    assert {"id": "verify_email", "is_pending": True} in body["data"]["flows"]
    assert body["meta"]["is_authenticated"] is False
    token = body["meta"]["session_token"]
    assert mail.outbox[-1].to == ["owner@factory.cn"]
    assert "Cluster Platform" in mail.outbox[-1].body

    # the pending session is not a login
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401

    # When the code from the e-mail is typed in
    response = post(client, "/auth/email/verify", {"key": last_code()}, token)
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    # Then /me/ answers with the verified user and no roles yet
    me = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "email": "owner@factory.cn",
        "name": "",
        "preferred_language": "en",  # from the language the sign-up request resolved
        "email_verified": True,
        "is_platform_staff": False,
        "roles": [],
        "clusters": [],
    }

    # and a later login with the password works and yields a token /me/ accepts
    response = post(client, "/auth/login", {"email": "owner@factory.cn", "password": "Weaving-loom-2026"})
    assert response.status_code == 200
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"]).status_code == 200


def test_wrong_verification_code_is_refused(client):
    response = post(client, "/auth/signup", {"email": "a@b.cn", "password": "Weaving-loom-2026"})
    token = response.json()["meta"]["session_token"]
    response = post(client, "/auth/email/verify", {"key": "AAAA-BBBB"}, token)
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "key"


def test_unverified_user_cannot_log_in(client):
    UserFactory(email="pending@factory.cn", verified=False)
    response = post(client, "/auth/login", {"email": "pending@factory.cn", "password": PASSWORD})
    assert response.status_code == 401
    body = response.json()
    assert body["meta"]["is_authenticated"] is False
    assert {"id": "verify_email", "is_pending": True} in body["data"]["flows"]
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=body["meta"]["session_token"]).status_code == 401


def test_wrong_password_is_a_400_naming_the_field(client):
    UserFactory(email="owner@factory.cn")
    response = post(client, "/auth/login", {"email": "owner@factory.cn", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "password"


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/auth/signup", {"password": "Weaving-loom-2026"}, "email"),
        ("/auth/signup", {"email": "not-an-address", "password": "Weaving-loom-2026"}, "email"),
        ("/auth/signup", {"email": "x@factory.cn", "password": "123"}, "password"),
        ("/auth/signup", {"email": ["x@factory.cn"], "password": "Weaving-loom-2026"}, "email"),
        ("/auth/login", {"email": "x@factory.cn"}, "password"),
        ("/auth/login", {"password": "whatever"}, "email"),
    ],
)
def test_malformed_bodies_get_4xx_naming_the_field(client, path, body, param):
    response = post(client, path, body)
    assert response.status_code == 400, response.content
    assert param in {error.get("param") for error in response.json()["errors"]}


def test_body_that_is_not_json_is_a_400(client):
    response = client.post(f"{APP}/auth/login", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_duplicate_signup_is_refused_without_revealing_more(client):
    UserFactory(email="taken@factory.cn")
    response = post(client, "/auth/signup", {"email": "taken@factory.cn", "password": "Weaving-loom-2026"})
    assert response.status_code in (400, 401)
    assert response.status_code != 500


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "3/m/ip"})
def test_signup_is_rate_limited(client):
    statuses = [
        post(client, "/auth/signup", {"email": f"burst{n}@factory.cn", "password": "Weaving-loom-2026"}).status_code
        for n in range(5)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429, 429]


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,3/300s/key"})
def test_failed_logins_are_rate_limited_per_account(client):
    UserFactory(email="target@factory.cn")
    codes = [
        post(client, "/auth/login", {"email": "target@factory.cn", "password": f"guess-{n}"}).json()["errors"][0][
            "code"
        ]
        for n in range(4)
    ]
    assert codes == ["email_password_mismatch"] * 3 + ["too_many_login_attempts"]
    # even the right password is refused until the window passes
    response = post(client, "/auth/login", {"email": "target@factory.cn", "password": PASSWORD})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"


def test_password_reset_by_code(client):
    UserFactory(email="forgetful@factory.cn")
    response = post(client, "/auth/password/request", {"email": "forgetful@factory.cn"})
    assert response.status_code == 401  # a pending "password_reset_by_code" flow
    token = response.json()["meta"]["session_token"]
    response = post(client, "/auth/password/reset", {"key": last_code(), "password": "New-loom-password-9"}, token)
    assert response.status_code in (200, 401), response.content
    login = post(client, "/auth/login", {"email": "forgetful@factory.cn", "password": "New-loom-password-9"})
    assert login.status_code == 200
    assert post(client, "/auth/login", {"email": "forgetful@factory.cn", "password": PASSWORD}).status_code == 400


def test_me_requires_authentication(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_invalid_session_token_is_401(api):
    response = api.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="expired-or-forged")
    assert response.status_code == 401


def test_me_lists_roles_and_can_be_edited(as_user, cluster_admin, cluster):
    client = as_user(cluster_admin)
    me = client.get("/api/v1/me/").json()
    assert me["roles"] == [{"cluster": cluster.slug, "cluster_name": cluster.name_en, "role": "administrator"}]

    response = client.patch("/api/v1/me/", {"name": "Chen Jing", "preferred_language": "zh-hans"})
    assert response.status_code == 200
    assert response.json()["name"] == "Chen Jing"

    response = client.patch("/api/v1/me/", {"preferred_language": "klingon", "email": "new@x.cn"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"preferred_language"}
    cluster_admin.refresh_from_db()
    assert cluster_admin.email != "new@x.cn"


def test_session_login_in_the_browser_is_accepted_by_the_api(client, user):
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["email"] == user.email
