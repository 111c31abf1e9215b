"""Django admin's lockout (django-axes) is the admin site's alone, and locks one account from one address.

Behind the TLS proxy every client shares the proxy's address; members' failed logins (allauth's
pages and headless API) must never lock platform staff out of /admin/, and a rate-limited
member is answered in JSON with Retry-After.
"""

import pytest
from django.test import override_settings

from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # the TLS proxy in front of the web processes
HEADLESS_LOGIN = "/_allauth/app/v1/auth/login"


def admin_login(client, email, password, *, remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password}, **headers)


def assert_signed_in_to_admin(response):
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == "/admin/"


def assert_locked(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def headless_login(client, email, password, *, remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        HEADLESS_LOGIN, {"email": email, "password": password}, content_type="application/json", **headers
    )


def test_failed_member_logins_from_the_proxy_never_lock_staff_out_of_admin(client):
    staff = StaffFactory()
    member = UserFactory()
    # Given 20 failed member logins through the proxy, through the pages and the headless API,
    # some of them guessing the staff member's own password
    for n in range(10):
        client.post("/accounts/login/", {"login": member.email, "password": f"guess-{n}"}, REMOTE_ADDR=PROXY)
        headless_login(client, staff.email if n % 2 else member.email, f"guess-{n}")
    # Then the staff member still signs in to Django admin through the same proxy
    assert_signed_in_to_admin(admin_login(client, staff.email, PASSWORD))


def test_failed_admin_logins_lock_that_account_from_that_address_only(client):
    target, colleague = StaffFactory(), StaffFactory()
    # Given 5 failed admin logins for one account from one address
    for n in range(5):
        admin_login(client, target.email, f"guess-{n}", remote="198.51.100.7")
    # Then that account is locked from that address, even with the right password (and in another case)
    assert_locked(admin_login(client, target.email, PASSWORD, remote="198.51.100.7"))
    assert_locked(admin_login(client, target.email.upper(), PASSWORD, remote="198.51.100.7"))
    # but another staff account from the same address signs in
    assert_signed_in_to_admin(admin_login(client, colleague.email, PASSWORD, remote="198.51.100.7"))
    # and so does the locked account from another address
    assert_signed_in_to_admin(admin_login(client.__class__(), target.email, PASSWORD, remote="198.51.100.8"))


def test_a_locked_admin_account_still_signs_in_as_a_member(client):
    staff = StaffFactory()
    for n in range(6):
        admin_login(client, staff.email, f"guess-{n}")
    assert_locked(admin_login(client, staff.email, PASSWORD))
    # allauth's login is not axes' business: neither counted nor blocked
    response = headless_login(client, staff.email, PASSWORD)
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["is_authenticated"] is True


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy_count(client):
    staff = StaffFactory()
    for n in range(5):
        admin_login(client, staff.email, f"guess-{n}", forwarded=f"203.0.113.{n}")
    # the header is the client's own word: the address is REMOTE_ADDR, so a new header is no way out
    assert_locked(admin_login(client, staff.email, PASSWORD, forwarded="203.0.113.99"))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_x_forwarded_for_is_honoured_through_the_trusted_proxy(client):
    staff = StaffFactory()
    for n in range(5):
        admin_login(client, staff.email, f"guess-{n}", forwarded="203.0.113.1")
    # the client the proxy heard from is locked out
    assert_locked(admin_login(client, staff.email, PASSWORD, forwarded="203.0.113.1"))
    # even when it writes a made-up address in front of the one the proxy appends
    assert_locked(admin_login(client, staff.email, PASSWORD, forwarded="192.0.2.50, 203.0.113.1"))
    # while the staff member, at another address behind the same proxy, signs in
    assert_signed_in_to_admin(admin_login(client.__class__(), staff.email, PASSWORD, forwarded="203.0.113.2"))


@override_settings(TRUSTED_PROXY_COUNT=1, ACCOUNT_RATE_LIMITS={"login": "3/m/ip", "login_failed": False})
def test_allauths_rate_limits_key_on_the_client_behind_the_proxy(client):
    member = UserFactory()
    for _ in range(3):
        headless_login(client, member.email, "wrong", forwarded="203.0.113.1")
    assert headless_login(client, member.email, "wrong", forwarded="203.0.113.1").status_code == 429
    # another client behind the same proxy is not limited by the first one's attempts
    assert headless_login(client, member.email, PASSWORD, forwarded="203.0.113.2").status_code == 200


def test_repeated_failed_headless_logins_are_answered_in_json(client):
    member = UserFactory()
    for n in range(8):
        response = headless_login(client, member.email, f"guess-{n}")
        assert response["Content-Type"] == "application/json", (n, response.content)
        assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"


@override_settings(ACCOUNT_RATE_LIMITS={"login": "3/m/ip", "login_failed": "10/m/ip,5/300s/key"})
def test_the_headless_login_throttle_is_json_with_retry_after(client):
    for n in range(3):
        headless_login(client, f"nobody{n}@example.com", "wrong")
    response = headless_login(client, "nobody@example.com", "wrong")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 429
    assert int(response["Retry-After"]) >= 60  # the longest configured window (here 300 s)
