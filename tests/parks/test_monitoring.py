"""The park under monitoring: resource utilisation in the KPIs, alerts for idle resources and queued requests."""

import datetime

import pytest
from django.utils import timezone

from apps.monitoring import kpis
from apps.monitoring.models import Alert
from apps.monitoring.services import scan_cluster
from apps.parks.models import Resource
from tests.factories.governance import RuleVersionFactory
from tests.factories.parks import ALWAYS_OPEN, BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_utilisation_counts_booked_unit_hours_against_open_unit_hours(park):
    Resource.objects.filter(pk=park.lab.pk).update(opening_hours=ALWAYS_OPEN)  # 30 days × 24 h open
    now = timezone.now()
    BookingFactory(
        resource=park.lab,
        enterprise=park.a,
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=3) + datetime.timedelta(hours=72),
    )
    BookingFactory(
        resource=park.lab,
        enterprise=park.b,
        starts_at=now - datetime.timedelta(days=40),
        ends_at=now - datetime.timedelta(days=35),
        status="cancelled",
    )
    figures = kpis.compute(park.cluster)["park_resources"]
    assert figures["resources"] == 1
    # 72 hours booked, clipped at now: 3 days of the 29–30 whole open days in the window
    assert 0.09 <= figures["utilisation_30d"] <= 0.11
    assert figures["bookings_pending"] == 0


def test_an_idle_resource_raises_an_alert_that_a_booking_resolves(park):
    Resource.objects.filter(pk=park.lab.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert scan_cluster(park.cluster)["resources_idle"] == 1
    alert = Alert.objects.get(cluster=park.cluster, kind="resource_idle")
    assert alert.params["name"] == park.lab.name_zh and alert.state == "open"
    assert scan_cluster(park.cluster)["resources_idle"] == 1
    assert Alert.objects.filter(kind="resource_idle").count() == 1  # one live alert per condition
    now = timezone.now()
    BookingFactory(
        resource=park.lab,
        enterprise=park.a,
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=1),
    )
    assert scan_cluster(park.cluster)["resources_idle"] == 0
    alert.refresh_from_db()
    assert alert.state == "resolved"


def test_queued_booking_requests_past_the_threshold_raise_an_alert(park):
    RuleVersionFactory(cluster=park.cluster, changes={"parks.pending_alert_threshold": 2})
    showroom = ResourceFactory(cluster=park.cluster, requires_confirmation=True)
    BookingFactory(resource=showroom, enterprise=park.a, status="pending")
    scan_cluster(park.cluster)
    assert not Alert.objects.filter(kind="bookings_pending").exists()
    BookingFactory(
        resource=showroom, enterprise=park.b, status="pending", starts_at=timezone.now() + datetime.timedelta(days=4)
    )
    scan_cluster(park.cluster)
    alert = Alert.objects.get(kind="bookings_pending")
    assert alert.params == {"count": 2}
    assert alert.rendered()[0] == "2 bookings await confirmation"
