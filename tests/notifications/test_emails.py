"""E-mail links follow the address the platform serves on, and every mail reads in the reader's language."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from apps.notifications.services import notify_users
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APP = "/_allauth/app/v1"


def site_url_of(**environment) -> str:
    """SITE_URL as a fresh process of ``make run`` computes it from its environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "WEB_PORT", "HOST")}
    env.update(environment, DJANGO_SETTINGS_MODULE="cluster_platform.settings.local")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    answer = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return answer.stdout.strip().splitlines()[-1]


def test_site_url_follows_the_port_make_run_serves_on():
    assert site_url_of(HOST="127.0.0.1", WEB_PORT="8001") == "http://127.0.0.1:8001"
    assert site_url_of(HOST="0.0.0.0", WEB_PORT="9000") == "http://localhost:9000"  # a wildcard links to localhost
    assert site_url_of() == "http://localhost:8000"
    assert site_url_of(WEB_PORT="8001", SITE_URL="https://cluster.example.cn") == "https://cluster.example.cn"
    # and make run hands its PORT to the processes as WEB_PORT (the worker, which sends the mails, too)
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8001", "STAMP=/dev/null"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "WEB_PORT=8001" in dry.stdout and "honcho" in dry.stdout


@pytest.mark.django_db
@override_settings(SITE_URL="http://127.0.0.1:8001")
def test_a_notification_email_links_to_the_served_address(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en", name="Li Wei")
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(
            users=[user], kind="report.warning", params={"cluster": "Delta", "reason": "Late"}, link="/clusters/d/"
        )
    body = mail.outbox[-1].body
    assert "Dear Li Wei," in body
    assert "http://127.0.0.1:8001/clusters/d/" in body
    assert "http://127.0.0.1:8001/notifications/preferences/" in body


def signup(client, email, language, host="127.0.0.1:8001"):
    return client.post(
        f"{APP}/auth/signup",
        {"email": email, "password": "Weaving-loom-2026"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
        HTTP_HOST=host,
    )


def catalogue(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.django_db
def test_the_chinese_verification_mail_reads_the_projects_text(client):
    assert signup(client, "chen@factory.cn", "zh-hans").status_code == 401  # waiting for the code
    message = mail.outbox[-1]
    for name in ("Cluster Platform", catalogue("zh-hans", "Cluster Platform")):  # allauth's "来自…的 Hello!"
        assert catalogue("zh-hans", "Hello from %(site_name)s!") % {"site_name": name} not in message.body
    assert message.body.startswith(catalogue("zh-hans", "Hello,") + "\n")
    assert message.subject.startswith(f"[{catalogue('zh-hans', 'Cluster Platform')}] ")
    assert catalogue("zh-hans", "Your verification code") in message.subject
    assert catalogue("zh-hans", "To confirm it, enter this code on the page where you signed up:") in message.body
    assert re.search(r"^\s*[A-Z0-9]{4}-[A-Z0-9]{4}\s*$", message.body, re.M)  # the code, on its own line
    assert "http://127.0.0.1:8001/" in message.body  # the address the request came to


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS=False)  # two sign-ups from one address in a row
def test_the_english_verification_mail_and_its_links_follow_the_request(client):
    assert signup(client, "ann@factory.cn", "en").status_code == 401
    message = mail.outbox[-1]
    assert message.subject == "[Cluster Platform] Your verification code"
    assert message.body.startswith("Hello,\n")
    assert "This e-mail was sent by Cluster Platform: http://127.0.0.1:8001/" in message.body
    # signing up again with the address: the "already exists" mail links to a reset on the same host
    assert signup(client, "ann@factory.cn", "en", host="localhost:8002").status_code in (400, 401)
    again = mail.outbox[-1]
    assert again.subject == "[Cluster Platform] You already have an account"
    assert "http://localhost:8002/" in again.body and ":8000" not in again.body
