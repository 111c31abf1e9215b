"""Each person's preferred language: set on the profile page or /me/, defaulted from the browser."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_profile_page_sets_the_preferred_language_and_the_pages_follow_it():
    user = UserFactory(preferred_language="", name="Ann")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="zh-hans"' in html and "简体中文" in html and "English" in html
    answer = client.post(reverse("profile"), {"name": "Ann Li", "preferred_language": "zh-hans"})
    assert answer.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.preferred_language) == ("Ann Li", "zh-hans")
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    refused = client.post(reverse("profile"), {"name": "Ann", "preferred_language": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "field-invalid" in refused.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    assert Client().get(reverse("profile")).status_code == 302  # signed out: to the login page


def test_me_sets_the_preferred_language_and_names_a_bad_one(as_user):
    user = UserFactory(preferred_language="")
    client = as_user(user)
    assert (
        client.patch("/api/v1/me/", {"preferred_language": "zh-hans"}, format="json").json()["preferred_language"]
        == "zh-hans"
    )
    bad = client.patch("/api/v1/me/", {"preferred_language": "klingon"}, format="json")
    assert bad.status_code == 400 and "preferred_language" in bad.json()["errors"]


def test_a_blank_preferred_language_follows_the_browser_at_first_login_only():
    user = UserFactory(preferred_language="")
    client = Client()
    answer = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    # a later login from an English browser keeps the person's choice
    Client().post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
