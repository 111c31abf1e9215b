"""A notification is rendered when read, in the reader's language, whatever language it was raised in.

The Chinese side compares with the catalogue (``gettext`` under zh-hans) rather than a copied
sentence, and checks it differs from the English, so that it holds while translations evolve.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.marketplace.models import Deal, DealEvent, Match
from tests.factories import UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.notifications import NotificationFactory
from tests.marketplace.conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
APPROVED = "%(enterprise)s is now a member of %(cluster)s"


def in_chinese(msgid: str, **values) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid) % values


@pytest.fixture
def approval(as_user, market, django_capture_on_commit_callbacks):
    """An application approved by an administrator whose UI is Chinese; the owner reads English."""
    owner = UserFactory(preferred_language="en")
    enterprise = EnterpriseFactory(owner=owner, legal_name_en="Huzhou Silk", legal_name_zh="湖州丝绸有限公司")
    membership = MembershipFactory(cluster=market.cluster, enterprise=enterprise, status="pending", joined_at=None)
    admin = as_user(market.admin)
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post(market.url(f"memberships/{membership.pk}/approve/"), {"reason": "欢迎"}, **ZH)
    assert answer.status_code == 200, answer.content
    return owner, enterprise


def test_raised_in_chinese_reads_in_english_for_an_english_reader_and_back(as_user, market, approval):
    owner, _enterprise = approval
    english = f"Huzhou Silk is now a member of {market.cluster.name_en}"
    chinese = in_chinese(APPROVED, enterprise="湖州丝绸有限公司", cluster=market.cluster.name_zh)
    assert chinese != english

    client = as_user(owner)
    read = client.get("/api/v1/notifications/", **EN).json()["results"][0]
    assert (read["kind"], read["title"]) == ("membership.approve", english)
    assert read["body"] == "Reason: 欢迎"  # the reason stays in its author's words
    assert client.get("/api/v1/notifications/", **ZH).json()["results"][0]["title"] == chinese

    page = Client()
    page.force_login(owner)
    assert english in page.get(reverse("notification-list"), **EN).content.decode()
    listed = page.get(reverse("notification-list"), **ZH).content.decode()
    assert chinese in listed and english not in listed


def test_the_email_is_in_the_recipients_language_not_the_raisers(market, approval):
    owner, _enterprise = approval
    assert mail.outbox[-1].to == [owner.email]
    assert mail.outbox[-1].subject == f"[Cluster Platform] Huzhou Silk is now a member of {market.cluster.name_en}"
    assert "Reason: 欢迎" in mail.outbox[-1].body


def test_a_chinese_reader_gets_the_email_in_chinese(as_user, market, django_capture_on_commit_callbacks):
    owner = UserFactory(preferred_language="zh-hans")
    enterprise = EnterpriseFactory(owner=owner, legal_name_en="Huzhou Silk", legal_name_zh="湖州丝绸有限公司")
    membership = MembershipFactory(cluster=market.cluster, enterprise=enterprise, status="pending", joined_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_user(market.admin).post(market.url(f"memberships/{membership.pk}/approve/"), **EN)
    assert answer.status_code == 200
    title = in_chinese(APPROVED, enterprise="湖州丝绸有限公司", cluster=market.cluster.name_zh)
    assert mail.outbox[-1].subject == f"[{in_chinese('Cluster Platform')}] {title}"
    assert title in mail.outbox[-1].body


def test_a_row_stored_before_templates_reads_its_stored_text(as_user, user):
    legacy = NotificationFactory(user=user, kind="governance.voting_opened", params=None, title="表决已开始：旧提案")
    unknown = NotificationFactory(user=user, kind="elsewhere.unheard_of", title="Something else")
    results = as_user(user).get("/api/v1/notifications/", **EN).json()["results"]
    assert {n["id"]: n["title"] for n in results} == {legacy.pk: "表决已开始：旧提案", unknown.pk: "Something else"}


def test_the_notification_list_renders_without_a_query_per_row(as_user, user, django_assert_max_num_queries):
    for index in range(30):
        NotificationFactory(user=user, kind="report.warning", params={"cluster": f"C{index}", "reason": "r"})
    client = as_user(user)
    with django_assert_max_num_queries(8):
        results = client.get("/api/v1/notifications/?page_size=30", **EN).json()["results"]
    assert len(results) == 30 and results[0]["title"] == "Warning from the administrators of C29"


def deal_of(as_user, market, capture) -> Deal:
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    with capture(execute=True):
        supplier.post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        buyer.post(market.url("orders/"), order_body(market), format="json")
    match = Match.objects.get(status="proposed")
    buyer.post(market.url(f"matches/{match.pk}/accept/"), **ZH)
    supplier.post(market.url(f"matches/{match.pk}/accept/"), **ZH)  # accepted while the UI was Chinese
    return Deal.objects.get(match=match)


def test_a_deal_timeline_system_note_reads_in_the_readers_language(as_user, market, django_capture_on_commit_callbacks):
    deal = deal_of(as_user, market, django_capture_on_commit_callbacks)
    english, chinese = "Both sides accepted the match.", in_chinese("Both sides accepted the match.")
    assert chinese != english
    client = as_user(market.buyer_owner)
    event = client.get(market.url(f"deals/{deal.pk}/"), **EN).json()["events"][0]
    assert (event["code"], event["note"], event["system_note"]) == ("match_accepted", "", english)
    assert client.get(market.url(f"deals/{deal.pk}/"), **ZH).json()["events"][0]["system_note"] == chinese

    page = Client()
    page.force_login(market.buyer_owner)
    url = reverse("deal-detail", args=[market.cluster.slug, deal.pk])
    assert english in page.get(url, **EN).content.decode()
    shown = page.get(url, **ZH).content.decode()
    assert chinese in shown and english not in shown


def test_the_data_migration_turns_stored_system_notes_into_codes(as_user, market, django_capture_on_commit_callbacks):
    deal = deal_of(as_user, market, django_capture_on_commit_callbacks)
    chinese_note = DealEvent.objects.create(deal=deal, status="confirmed", side="buyer", note="双方均已接受撮合。")
    replaced = DealEvent.objects.create(
        deal=deal, status="cancelled", side="buyer", note="Replaced after missing its due date (match 42)."
    )
    own_words = DealEvent.objects.create(deal=deal, status="confirmed", side="buyer", note="We start Monday.")
    migration = importlib.import_module("apps.marketplace.migrations.0012_deal_event_system_note")
    migration.notes_to_codes(django_apps, None)
    for event in (chinese_note, replaced, own_words):
        event.refresh_from_db()
    assert (chinese_note.code, chinese_note.note) == ("match_accepted", "")
    assert (replaced.code, replaced.params, replaced.note) == ("replaced", {"id": 42}, "")
    with translation.override("en"):
        assert replaced.system_note == "Replaced after missing its due date (match 42)."
    assert (own_words.code, own_words.note) == ("", "We start Monday.")


def test_an_alert_reads_in_the_readers_language(as_user, market, django_capture_on_commit_callbacks):
    """A scan (run by beat, in no one's language) raises an alert: its page and API answer in the reader's."""
    import datetime

    from django.utils import timezone

    from apps.monitoring.services import scan_listings

    ending = str(timezone.localdate() + datetime.timedelta(days=3))
    body = capacity_body(market.supplier, title="Idle looms", available_until=ending)
    assert as_user(market.supplier_owner).post(market.url("capacities/"), body, format="json").status_code == 201
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        scan_listings(market.cluster)
    msgid = "Capacity window ends on %(date)s: %(title)s"
    english = msgid % {"date": ending, "title": "Idle looms"}
    chinese = in_chinese(msgid, date=ending, title="Idle looms")
    assert chinese != english
    client = as_user(market.supplier_owner)
    for language, expected in (("en", english), ("zh-hans", chinese)):
        alerts = client.get(market.url("alerts/"), HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        assert [a["subject"] for a in alerts if a["kind"] == "capacity_window"] == [expected]
        notices = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        assert expected in [n["title"] for n in notices]
