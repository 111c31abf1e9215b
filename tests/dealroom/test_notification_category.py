"""The deal room's notices have their own preference category: a person mutes the room's messages
without muting monitoring alerts (or matches and deals), and the digest e-mail follows it."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from apps.dealroom import notices
from apps.notifications.messages import registered_kinds
from apps.notifications.models import Notification, NotificationPreference, category_of
from apps.notifications.services import notify_users
from tests.factories import UserFactory

from .test_conversation_api import post

pytestmark = pytest.mark.django_db

ROOM_KINDS = {
    "dealroom.message",
    "dealroom.offer_made",
    "dealroom.offer_countered",
    "dealroom.offer_accepted",
    "dealroom.offer_declined",
    "dealroom.offer_withdrawn",
    "dealroom.rfq_invited",
    "dealroom.rfq_cancelled",
    "dealroom.quote_received",
    "dealroom.quote_revised",
    "dealroom.quote_awarded",
    "dealroom.quote_closed",
    "dealroom.dispute_opened",
    "dealroom.dispute_decided",
}


def test_every_kind_of_the_room_falls_in_the_deal_room_category():
    assert notices.MESSAGE_KIND == "dealroom.message"
    assert registered_kinds() >= ROOM_KINDS
    assert {kind: category_of(kind) for kind in ROOM_KINDS} == dict.fromkeys(ROOM_KINDS, "dealroom")
    assert category_of("alert.listing_stale") == "alert"


def test_muting_the_room_keeps_the_alerts_and_muting_alerts_keeps_the_room(room, as_user):
    muted, alerted = room.buyer_owner, room.buyer_staff
    answer = as_user(muted).put(
        "/api/v1/notifications/preferences/set/",
        [{"category": "dealroom", "in_app": False, "email": False}],
        format="json",
    )
    assert answer.status_code == 200, answer.content
    NotificationPreference.objects.create(user=alerted, category="alert", in_app=False, email=False)
    post(room, room.supplier_owner, "A question about the selvedge")
    notify_users(users=[muted, alerted], kind="alert.listing_stale", params={"title": "Old yarn"})
    kinds = {
        user: set(Notification.objects.filter(user=user).values_list("kind", flat=True)) for user in (muted, alerted)
    }
    assert kinds == {muted: {"alert.listing_stale"}, alerted: {"dealroom.message"}}


def test_the_preferences_page_offers_the_deal_room(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("notification-preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="dealroom-in_app"' in page and 'name="dealroom-email"' in page
    assert "Deal room" in page


def test_the_migration_carries_messages_and_the_matches_preference_over():
    migration = importlib.import_module("apps.dealroom.migrations.0005_notifications_in_their_own_category")
    user, other = UserFactory(), UserFactory()
    old = Notification.objects.create(user=user, kind=migration.OLD, params={"match": 1, "excerpt": "hi"})
    NotificationPreference.objects.create(user=user, category="marketplace", in_app=True, email=False)
    NotificationPreference.objects.create(user=other, category="marketplace", in_app=False, email=False)
    NotificationPreference.objects.create(user=other, category="dealroom", in_app=True, email=True)  # already chosen
    migration.forwards(global_apps, None)
    assert Notification.objects.get(pk=old.pk).kind == "dealroom.message"
    chosen = {p.user_id: (p.in_app, p.email) for p in NotificationPreference.objects.filter(category="dealroom")}
    assert chosen == {user.pk: (True, False), other.pk: (True, True)}
