"""Every kind of notification falls in a preference category of its own app, never silently in
"Monitoring alerts": a person can mute park bookings (or innovation challenges) and nothing else."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from apps.notifications.messages import registered_kinds
from apps.notifications.models import Notification, NotificationPreference, category_of
from tests.factories import UserFactory
from tests.factories.membership import EnterpriseMemberFactory
from tests.factories.parks import ResourceFactory
from tests.parks.conftest import at, iso

pytestmark = pytest.mark.django_db


def test_every_registered_kind_has_the_category_of_its_prefix():
    kinds = registered_kinds()
    assert {kind.split(".", 1)[0] for kind in kinds} >= {"parks", "innovation", "dealroom", "alert"}
    misfiled = {kind: category_of(kind) for kind in kinds if category_of(kind) != kind.split(".", 1)[0]}
    assert misfiled == {}


def test_a_booker_who_turns_park_bookings_off_hears_nothing_of_the_decision(park, as_user, mailoutbox):
    colleague = UserFactory()  # the booker's colleague kept the default: the notice is sent at all
    EnterpriseMemberFactory(enterprise=park.a, user=colleague, role="staff")
    off = [{"category": "parks", "in_app": False, "email": False}]
    booker = as_user(park.a_owner)
    assert booker.put("/api/v1/notifications/preferences/set/", off, format="json").status_code == 200
    # the administrator muted monitoring alerts only: a booking request still reaches them
    alerts_off = [{"category": "alert", "in_app": False, "email": False}]
    admin = as_user(park.admin)
    assert admin.put("/api/v1/notifications/preferences/set/", alerts_off, format="json").status_code == 200
    showroom = ResourceFactory(cluster=park.cluster, kind="showroom", requires_confirmation=True)
    body = {"resource": showroom.pk, "enterprise": park.a.pk, "starts_at": iso(at(4, 9)), "ends_at": iso(at(4, 10))}
    booking = booker.post(park.url("bookings/"), body, format="json").json()["id"]
    assert admin.post(park.url(f"bookings/{booking}/confirm/")).status_code == 200

    def kinds(user):
        return set(Notification.objects.filter(user=user).values_list("kind", flat=True))

    assert kinds(park.a_owner) == set()
    assert kinds(colleague) == {"parks.booking_confirmed"}
    assert kinds(park.admin) == {"parks.booking_requested"}
    assert park.a_owner.email not in {address for mail in mailoutbox for address in mail.to}


def test_an_unknown_category_is_a_400_naming_it(as_user):
    answer = as_user(UserFactory()).put(
        "/api/v1/notifications/preferences/set/", [{"category": "bookings", "in_app": False}], format="json"
    )
    assert answer.status_code == 400
    assert "category" in str(answer.json())


def test_the_preferences_page_offers_park_bookings_and_innovation_in_chinese(client):
    client.force_login(UserFactory())
    page = client.get(reverse("notification-preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for category in ("parks", "innovation"):
        assert f'name="{category}-in_app"' in page and f'name="{category}-email"' in page
    assert "园区资源预订" in page and "创新挑战" in page


def test_the_migration_carries_the_alerts_preference_over_to_both_new_categories():
    migration = importlib.import_module("apps.notifications.migrations.0006_parks_innovation_preferences_from_alert")
    muted, chose, untouched = UserFactory(), UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=muted, category="alert", in_app=False, email=True)
    NotificationPreference.objects.create(user=chose, category="alert", in_app=False, email=False)
    NotificationPreference.objects.create(user=chose, category="parks", in_app=True, email=True)  # already chosen
    migration.forwards(global_apps, None)
    carried = {
        (p.user_id, p.category): (p.in_app, p.email)
        for p in NotificationPreference.objects.filter(category__in=("parks", "innovation"))
    }
    assert carried == {
        (muted.pk, "parks"): (False, True),
        (muted.pk, "innovation"): (False, True),
        (chose.pk, "parks"): (True, True),
        (chose.pk, "innovation"): (False, False),
    }
    assert not NotificationPreference.objects.filter(user=untouched).exists()
