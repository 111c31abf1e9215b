"""Partner members book a park's resources (issue 17): through their own cluster's partner view they
see and book only the resources the park opened to partners, while a partnership in force covers
resources; the park's capacity counts every booking; after the partnership ends nothing new is
accepted and existing bookings finish. And the bookings' notifications, rendered when read."""

from types import SimpleNamespace

import pytest

from apps.notifications.models import Notification
from apps.parks.models import Booking
from apps.partnerships.models import Partnership
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.parks import BookingFactory, ResourceFactory
from tests.factories.partnerships import PartnershipFactory

from .conftest import at, iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def across(park):
    """The park partnered in force (resources open) with a textile cluster; a shared hall (capacity 2,
    confirmed by the administrators) and the park's unshared lab."""
    textile = ClusterFactory(slug="textile")
    w = SimpleNamespace(park=park, textile=textile)
    w.owner = UserFactory()
    w.weaver = EnterpriseFactory(owner=w.owner, legal_name_zh="织造公司", legal_name_en="Weaving Co")
    MembershipFactory(cluster=textile, enterprise=w.weaver)
    w.partnership = PartnershipFactory(proposer=textile, partner=park.cluster, shared_kinds=["order"])
    w.hall = ResourceFactory(
        cluster=park.cluster,
        name_zh="共享展厅",
        name_en="Shared hall",
        capacity=2,
        bookable_by="members_and_partners",
        requires_confirmation=True,
    )
    w.url = lambda rest="": f"/api/v1/clusters/{textile.slug}/{rest}"
    return w


def book(client, w, resource, *, day=3, quantity=1):
    body = {
        "resource": resource.pk,
        "enterprise": w.weaver.pk,
        "starts_at": iso(at(day, 10)),
        "ends_at": iso(at(day, 12)),
        "quantity": quantity,
    }
    return client.post(w.url("partner-bookings/"), body, format="json")


def test_a_partner_member_sees_and_books_only_the_shared_resources(as_user, across, django_assert_max_num_queries):
    w, client = across, as_user(across.owner)
    ResourceFactory(cluster=w.park.cluster, bookable_by="members_and_partners", active=False)  # closed: not listed
    with django_assert_max_num_queries(8):
        listed = client.get(w.url("partner-resources/")).json()["results"]
    assert [r["id"] for r in listed] == [w.hall.pk] and listed[0]["cluster"]["slug"] == w.park.cluster.slug
    assert client.get(w.url(f"partner-resources/{w.park.lab.pk}/")).status_code == 404
    refused = book(client, w, w.park.lab)
    assert refused.status_code == 400 and "resource" in refused.json()["errors"]
    # nothing of the park through the park's own address
    for path in ("resources/", f"resources/{w.hall.pk}/", "bookings/"):
        assert client.get(w.park.url(path)).status_code in (403, 404)
    answer = book(client, w, w.hall)
    assert answer.status_code == 201, answer.content
    booking = Booking.objects.get(pk=answer.json()["id"])
    assert (booking.cluster, booking.partner_cluster, booking.status) == (w.park.cluster, w.textile, "pending")
    # the park's administrators see it in their queue and confirm it; the booker sees it in its own view
    admin = as_user(w.park.admin)
    assert [b["id"] for b in admin.get(w.park.url("bookings/?status=pending")).json()["results"]] == [booking.pk]
    assert admin.post(w.park.url(f"bookings/{booking.pk}/confirm/")).status_code == 200
    mine = client.get(w.url("partner-bookings/")).json()["results"]
    assert [(b["id"], b["status"]) for b in mine] == [(booking.pk, "confirmed")]
    calendar = client.get(w.url(f"partner-resources/{w.hall.pk}/calendar/?week={at(3, 0).date()}")).json()
    day = next(d for d in calendar["days"] if d["date"] == str(at(3, 0).date()))
    assert [s["used"] for s in day["slots"] if s["hour"] in (10, 11)] == [1, 1]
    assert client.get(w.url("partner-resources/1/calendar/?week=nonsense")).status_code in (400, 404)


def test_the_capacity_counts_the_park_members_bookings_too(as_user, across):
    w = across
    BookingFactory(resource=w.hall, enterprise=w.park.a, starts_at=at(3, 9), ends_at=at(3, 13), quantity=2)
    answer = book(as_user(w.owner), w, w.hall)
    assert answer.status_code == 409 and answer.json()["code"] == "fully_booked"
    # the park's rulebook and checks hold across: a booking in the past names its field
    past = book(as_user(w.owner), w, w.hall, day=-1)
    assert past.status_code == 400 and "starts_at" in past.json()["errors"]


def test_another_booking_or_a_non_partner_cluster_gets_nothing(as_user, across):
    w = across
    theirs = BookingFactory(resource=w.hall, enterprise=w.park.a)
    client = as_user(w.owner)
    assert client.get(w.url(f"partner-bookings/{theirs.pk}/")).status_code == 404
    assert client.post(w.url(f"partner-bookings/{theirs.pk}/cancel/")).status_code == 404
    Booking.objects.filter(pk=theirs.pk).update(status="confirmed")
    assert Booking.objects.get(pk=theirs.pk).status == "confirmed"
    # a cluster without a partnership, and one whose partnership does not open resources, see none
    stranger = ClusterFactory(slug="stranger")
    stranger_owner = UserFactory()
    MembershipFactory(cluster=stranger, enterprise=EnterpriseFactory(owner=stranger_owner))
    assert as_user(stranger_owner).get(f"/api/v1/clusters/{stranger.slug}/partner-resources/").json()["count"] == 0
    Partnership.objects.filter(pk=w.partnership.pk).update(resources_bookable=False)
    assert client.get(w.url("partner-resources/")).json()["count"] == 0
    # someone with no membership of the textile cluster is refused its partner view
    assert as_user(w.park.a_owner).get(w.url("partner-resources/")).status_code == 403


def test_after_the_partnership_ends_nothing_new_and_existing_bookings_finish(as_user, across):
    w, client = across, as_user(across.owner)
    booking_id = book(client, w, w.hall).json()["id"]
    Partnership.objects.filter(pk=w.partnership.pk).update(status=Partnership.Status.ENDED)
    assert client.get(w.url("partner-resources/")).json()["count"] == 0
    assert client.get(w.url(f"partner-resources/{w.hall.pk}/")).status_code == 404
    refused = book(client, w, w.hall, day=4)
    assert refused.status_code == 400 and "resource" in refused.json()["errors"]
    # the booking stands: the park still confirms it, the booker still sees and may cancel it
    assert as_user(w.park.admin).post(w.park.url(f"bookings/{booking_id}/confirm/")).status_code == 200
    assert [b["status"] for b in client.get(w.url("partner-bookings/")).json()["results"]] == ["confirmed"]
    assert client.post(w.url(f"partner-bookings/{booking_id}/cancel/")).json()["status"] == "cancelled"


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def test_booking_notifications_reach_the_admins_then_the_booker(as_user, across):
    w, client = across, as_user(across.owner)
    first = book(client, w, w.hall).json()["id"]
    assert kinds(w.park.admin) == ["parks.booking_requested"] and kinds(w.owner) == []
    admin = as_user(w.park.admin)
    admin.post(w.park.url(f"bookings/{first}/confirm/"))
    second = book(client, w, w.hall, day=4).json()["id"]
    admin.post(w.park.url(f"bookings/{second}/reject/"))
    third = book(client, w, w.hall, day=5).json()["id"]
    admin.post(w.park.url(f"bookings/{third}/cancel/"))
    client.post(w.url(f"partner-bookings/{first}/cancel/"))  # the booker's own cancellation tells nobody
    assert kinds(w.owner) == ["parks.booking_confirmed", "parks.booking_declined", "parks.booking_cancelled"]
    assert kinds(w.park.admin) == ["parks.booking_requested"] * 3
    # stored as kind + params, rendered in the reader's language when read
    for language, name in (("en", "Shared hall"), ("zh-hans", "共享展厅")):
        notices = client.get("/api/v1/notifications/?page_size=10", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        confirmed = next(n for n in notices if n["kind"] == "parks.booking_confirmed")
        assert name in confirmed["title"] and ("Weaving Co" if language == "en" else "织造公司") in confirmed["body"]
        assert confirmed["link"] == f"/clusters/{w.textile.slug}/partner-bookings/"


def test_a_member_booking_needing_no_confirmation_tells_nobody(as_user, park):
    body = {"resource": park.lab.pk, "enterprise": park.a.pk, "starts_at": iso(at(3, 10)), "ends_at": iso(at(3, 11))}
    assert as_user(park.a_owner).post(park.url("bookings/"), body, format="json").json()["status"] == "confirmed"
    assert not Notification.objects.filter(kind__startswith="parks.").exists()


def test_the_partner_pages_list_book_and_cancel(client, across):
    w = across
    client.force_login(w.owner)
    base = f"/clusters/{w.textile.slug}/"
    listed = client.get(base + "partner-resources/")
    assert listed.status_code == 200 and "共享展厅" in listed.content.decode()
    assert w.park.lab.name_zh not in listed.content.decode()
    assert client.get(base + f"partner-resources/{w.park.lab.pk}/").status_code == 404
    page = client.get(base + f"partner-resources/{w.hall.pk}/")
    assert page.status_code == 200 and 'data-testid="calendar"' in page.content.decode()
    form = {
        "enterprise": w.weaver.pk,
        "starts_at": at(3, 10).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(3, 12).strftime("%Y-%m-%dT%H:%M"),
        "quantity": 1,
    }
    bad = client.post(base + f"partner-resources/{w.hall.pk}/", {**form, "ends_at": form["starts_at"]})
    assert bad.status_code == 400 and not Booking.objects.exists()
    assert client.post(base + f"partner-resources/{w.hall.pk}/", form).status_code == 302
    booking = Booking.objects.get()
    mine = client.get(base + "partner-bookings/")
    assert f'data-testid="partner-booking-{booking.pk}"' in mine.content.decode()
    assert client.post(base + f"partner-bookings/{booking.pk}/cancel/").status_code == 302
    assert Booking.objects.get().status == "cancelled"
