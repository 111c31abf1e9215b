"""Bookings racing on PostgreSQL: 20 threads booking overlapping ranges of one resource get exactly its capacity."""

import datetime
import threading

import pytest
from django.db import connection, connections

from apps.core.errors import ConflictError
from apps.parks.models import Booking
from apps.parks.services.bookings import booking_create
from tests.factories.parks import ResourceFactory

from .conftest import at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking races need PostgreSQL (CI runs it)"),
]


def race(callables):
    barrier = threading.Barrier(len(callables))
    outcomes, lock = [], threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            result = fn()
        except ConflictError as exc:
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("capacity", [1, 3])
def test_twenty_threads_booking_overlapping_ranges_get_exactly_the_capacity(park, capacity):
    resource = ResourceFactory(cluster=park.cluster, capacity=capacity)
    people = [(park.a_owner, park.a), (park.b_owner, park.b)]

    def attempt(i):
        user, enterprise = people[i % 2]
        start = at(2, 8) + datetime.timedelta(minutes=10 * (i % 5))  # every range covers 09:00–10:00
        return lambda: booking_create(
            actor=user,
            cluster=park.cluster,
            resource_id=resource.pk,
            enterprise=enterprise,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )

    outcomes = race([attempt(i) for i in range(20)])
    granted = [o for o in outcomes if isinstance(o, Booking)]
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(outcomes) == 20
    assert len(granted) == capacity
    assert len(refused) == 20 - capacity and {e.code for e in refused} == {"fully_booked"}
    assert Booking.objects.filter(resource=resource, status__in=["pending", "confirmed"]).count() == capacity


def test_without_the_services_check_the_database_still_grants_one(park, monkeypatch):
    """The exclusion constraint alone: the service's sweep is switched off, 20 threads still get one slot."""
    from apps.parks.services import bookings

    monkeypatch.setattr(bookings, "peak_in_use", lambda *args: 0)
    resource = ResourceFactory(cluster=park.cluster, capacity=1)
    outcomes = race(
        [
            lambda i=i: booking_create(
                actor=park.a_owner,
                cluster=park.cluster,
                resource_id=resource.pk,
                enterprise=park.a,
                starts_at=at(2, 8) + datetime.timedelta(minutes=5 * i),
                ends_at=at(2, 12),
            )
            for i in range(20)
        ]
    )
    assert sum(isinstance(o, Booking) for o in outcomes) == 1
    assert Booking.objects.filter(resource=resource).count() == 1
