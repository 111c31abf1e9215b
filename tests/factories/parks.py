"""Factories of parks: resources, bookings, visits and auditors (written directly, not through the services)."""

import datetime

import factory
from django.utils import timezone

from apps.parks.models import WEEKDAYS, Auditor, Booking, Resource, Visit

from . import ClusterFactory, UserFactory
from .membership import EnterpriseFactory

ALWAYS_OPEN = {day: ["00:00", "24:00"] for day in WEEKDAYS}


class ResourceFactory(factory.django.DjangoModelFactory):
    """A test lab of capacity 1, open every day around the clock, booked by the hour."""

    class Meta:
        model = Resource

    cluster = factory.SubFactory(ClusterFactory)
    kind = Resource.Kind.TEST_LAB
    name_zh = factory.Sequence(lambda n: f"检测实验室{n}")
    name_en = factory.Sequence(lambda n: f"Test lab {n}")
    location = "Building A"
    capacity = 1
    opening_hours = factory.LazyFunction(lambda: dict(ALWAYS_OPEN))
    price = 100
    price_unit = Resource.PriceUnit.DAY


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    resource = factory.SubFactory(ResourceFactory)
    cluster = factory.SelfAttribute("resource.cluster")
    enterprise = factory.SubFactory(EnterpriseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda b: b.starts_at + datetime.timedelta(hours=2))
    quantity = 1
    exclusive = factory.LazyAttribute(lambda b: b.resource.capacity == 1)
    status = "confirmed"


class AuditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Auditor

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)


class VisitFactory(factory.django.DjangoModelFactory):
    """A scheduled visit (``status="completed", level=…, expires_at=…`` for a granted level)."""

    class Meta:
        model = Visit

    cluster = factory.SubFactory(ClusterFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
