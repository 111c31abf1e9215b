"""Booking a park's resources through the API: no double booking, the checks, confirmation, cancellation."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.parks import lifecycle
from apps.parks.models import Booking
from apps.parks.services.bookings import booking_create
from tests.factories.governance import RuleVersionFactory
from tests.factories.membership import EnterpriseFactory
from tests.factories.parks import BookingFactory, ResourceFactory
from tests.queries import cold_queries

from .conftest import at, iso

pytestmark = pytest.mark.django_db


def book(client, park, resource, start, end, *, enterprise=None, quantity=1):
    return client.post(
        park.url("bookings/"),
        {
            "resource": resource.pk,
            "enterprise": (enterprise or park.a).pk,
            "starts_at": iso(start),
            "ends_at": iso(end),
            "quantity": quantity,
        },
        format="json",
    )


def test_a_member_books_and_the_same_slot_is_refused_to_the_next(park, as_user):
    a, b = as_user(park.a_owner), as_user(park.b_owner)
    response = book(a, park, park.lab, at(2, 9), at(2, 11))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    overlapping = book(b, park, park.lab, at(2, 10), at(2, 12), enterprise=park.b)
    assert overlapping.status_code == 409
    assert overlapping.json()["code"] == "fully_booked"
    # touching ranges do not overlap
    assert book(b, park, park.lab, at(2, 11), at(2, 12), enterprise=park.b).status_code == 201
    assert Booking.objects.filter(resource=park.lab).count() == 2


def test_capacity_above_one_counts_the_peak_not_the_sum(park, as_user):
    hall = ResourceFactory(cluster=park.cluster, capacity=3, kind="warehouse")
    a = as_user(park.a_owner)
    assert book(a, park, hall, at(3, 10), at(3, 12), quantity=2).status_code == 201
    assert book(a, park, hall, at(3, 12), at(3, 14), quantity=2).status_code == 201
    # overlapping both, but at no moment more than 2 + 1 units
    assert book(a, park, hall, at(3, 11), at(3, 13), quantity=1).status_code == 201
    refused = book(a, park, hall, at(3, 11), at(3, 13), quantity=1)
    assert refused.status_code == 409, refused.content
    assert book(a, park, hall, at(3, 14), at(3, 15), quantity=3).status_code == 201


@pytest.mark.parametrize(
    ("start", "end", "quantity", "field"),
    [
        (
            lambda: timezone.now() - datetime.timedelta(hours=2),
            lambda: timezone.now() + datetime.timedelta(hours=1),
            1,
            "starts_at",
        ),
        (lambda: at(2, 12), lambda: at(2, 10), 1, "ends_at"),
        (lambda: at(2, 12), lambda: at(2, 12), 1, "ends_at"),
        (lambda: at(2, 9), lambda: at(2, 10), 5, "quantity"),
        (lambda: at(2, 6), lambda: at(2, 9), 1, "starts_at"),  # opens at 08:00
        (lambda: at(2, 17), lambda: at(2, 19), 1, "ends_at"),  # closes at 18:00
        (lambda: at(200, 9), lambda: at(200, 10), 1, "starts_at"),  # beyond parks.max_booking_days_ahead
    ],
)
def test_bad_input_is_a_400_naming_the_field(park, as_user, start, end, quantity, field):
    office = ResourceFactory(
        cluster=park.cluster,
        kind="office",
        capacity=2,
        price_unit="hour",
        opening_hours={d: ["08:00", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    response = book(as_user(park.a_owner), park, office, start(), end(), quantity=quantity)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Booking.objects.exists()


def test_a_closed_weekday_and_a_too_long_booking_are_refused(park, as_user):
    weekdays_only = ResourceFactory(cluster=park.cluster, opening_hours={"mon": ["08:00", "18:00"]}, price_unit="day")
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() == 0:
        day += datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone())
    response = book(as_user(park.a_owner), park, weekdays_only, start, start + datetime.timedelta(hours=1))
    assert response.status_code == 400 and "starts_at" in response.json()["errors"]
    long = book(as_user(park.a_owner), park, park.lab, at(2, 0), at(13, 0))  # 264 h > 240 h
    assert long.status_code == 400 and "ends_at" in long.json()["errors"]


def test_confirmation_where_the_resource_requires_it(park, as_user):
    showroom = ResourceFactory(cluster=park.cluster, kind="showroom", requires_confirmation=True)
    response = book(as_user(park.a_owner), park, showroom, at(4, 9), at(4, 10))
    assert response.json()["status"] == "pending"
    pk = response.json()["id"]
    # a pending booking holds its slot
    assert book(as_user(park.b_owner), park, showroom, at(4, 9), at(4, 10), enterprise=park.b).status_code == 409
    assert as_user(park.a_owner).post(park.url(f"bookings/{pk}/confirm/")).status_code == 403
    assert as_user(park.admin).post(park.url(f"bookings/{pk}/confirm/")).json()["status"] == "confirmed"
    assert as_user(park.admin).post(park.url(f"bookings/{pk}/reject/")).status_code == 409
    second = book(as_user(park.b_owner), park, showroom, at(5, 9), at(5, 10), enterprise=park.b).json()["id"]
    assert as_user(park.admin).post(park.url(f"bookings/{second}/reject/")).json()["status"] == "rejected"
    # a rejected booking frees its slot
    assert book(as_user(park.a_owner), park, showroom, at(5, 9), at(5, 10)).status_code == 201


def test_cancellation_on_time_late_refused_or_marked(park, as_user):
    a = as_user(park.a_owner)
    on_time = book(a, park, park.lab, at(3, 9), at(3, 10)).json()["id"]
    assert a.post(park.url(f"bookings/{on_time}/cancel/")).json()["status"] == "cancelled"
    soon = BookingFactory(resource=park.lab, enterprise=park.a, starts_at=timezone.now() + datetime.timedelta(hours=2))
    refused = a.post(park.url(f"bookings/{soon.pk}/cancel/"))
    assert refused.status_code == 409 and refused.json()["code"] == "late_cancellation"
    # another member's people cannot even see it
    assert as_user(park.b_owner).post(park.url(f"bookings/{soon.pk}/cancel/")).status_code == 404
    RuleVersionFactory(cluster=park.cluster, changes={"parks.late_cancellation_allowed": True})
    marked = a.post(park.url(f"bookings/{soon.pk}/cancel/")).json()
    assert marked["status"] == "cancelled" and marked["cancelled_late"] is True


def test_members_see_their_own_bookings_administrators_all(park, as_user):
    BookingFactory(resource=park.lab, enterprise=park.a, note="A's")
    BookingFactory(resource=park.lab, enterprise=park.b, starts_at=timezone.now() + datetime.timedelta(days=5))
    assert [r["note"] for r in as_user(park.a_owner).get(park.url("bookings/")).json()["results"]] == ["A's"]
    assert as_user(park.admin).get(park.url("bookings/")).json()["count"] == 2
    assert as_user(park.admin).get(park.url("bookings/?status=bogus")).status_code == 400


def test_the_booking_list_is_a_bounded_number_of_queries(park, as_user):
    client = as_user(park.admin)
    BookingFactory(resource=park.lab, enterprise=park.a)
    with cold_queries() as few:
        assert client.get(park.url("bookings/")).status_code == 200
    for day in range(3, 9):
        BookingFactory(
            resource=park.lab, enterprise=EnterpriseFactory(), starts_at=timezone.now() + datetime.timedelta(days=day)
        )
    with cold_queries() as many:
        assert client.get(park.url("bookings/")).json()["count"] == 7
    assert len(many) == len(few)


def test_who_may_book_plugs_in_the_partner_check(park, monkeypatch):
    outsider = EnterpriseFactory()
    shared = ResourceFactory(cluster=park.cluster, bookable_by="members_and_partners")
    owner = outsider.people.get().user
    from apps.core.errors import PermissionDeniedError

    def attempt(resource):
        return booking_create(
            actor=owner,
            cluster=park.cluster,
            resource_id=resource.pk,
            enterprise=outsider,
            starts_at=at(2, 9),
            ends_at=at(2, 10),
        )

    with pytest.raises(PermissionDeniedError):
        attempt(shared)  # no partnerships provided: no partners
    monkeypatch.setattr(lifecycle, "_partner_check", [lambda cluster, enterprise: enterprise == outsider])
    assert attempt(shared).status == "confirmed"
    with pytest.raises(PermissionDeniedError):
        attempt(park.lab)  # members only


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_refuses_overlapping_exclusive_bookings_by_itself(park):
    BookingFactory(resource=park.lab, enterprise=park.a, starts_at=at(2, 9), ends_at=at(2, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(resource=park.lab, enterprise=park.b, starts_at=at(2, 10), ends_at=at(2, 12))
    # a cancelled booking does not hold its slot, even for the constraint
    BookingFactory(resource=park.lab, enterprise=park.b, starts_at=at(2, 10), ends_at=at(2, 12), status="cancelled")
