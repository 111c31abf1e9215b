"""Reports between members, automatic suspension, resolution; the member directory."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import PermissionDeniedError
from apps.marketplace.models import Match, Order
from apps.marketplace.services.listings import LISTING_MODELS, listing_remove_by_moderator
from apps.membership.models import AuditEvent, EnterpriseMember, Membership, Report
from apps.notifications.models import Notification
from apps.reference.models import CertificationScheme
from tests.factories.membership import CertificationFactory, EnterpriseFactory, MembershipFactory, ReportFactory
from tests.marketplace.conftest import capacity_fields, order_fields
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db


def reports(world):
    return f"/api/v1/clusters/{world.cluster.slug}/reports/"


def file(as_user, world, reporter_owner, reporter, subject, category="quality"):
    return as_user(reporter_owner).post(
        reports(world),
        {
            "reporter": reporter.pk,
            "subject": subject.pk,
            "category": category,
            "reason": "Threads break after washing.",
        },
    )


def test_a_member_reports_another_and_the_administrator_warns(as_user, world):
    response = file(as_user, world, world.owner, world.member, world.peer)
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    assert Notification.objects.filter(user=world.admin, kind="report.filed").exists()
    # the reporter sees its report, the reported member does not
    assert [r["id"] for r in as_user(world.owner).get(reports(world)).json()["results"]] == [report_id]
    assert as_user(world.peer_owner).get(reports(world)).json()["results"] == []

    response = as_user(world.admin).post(
        f"{reports(world)}{report_id}/resolve/", {"resolution": "warn", "reason": "First warning"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "warned"
    assert Notification.objects.filter(user=world.peer_owner, kind="report.warning").exists()
    again = as_user(world.admin).post(f"{reports(world)}{report_id}/resolve/", {"resolution": "dismiss", "reason": "x"})
    assert again.status_code == 409


def test_resolving_with_suspend_suspends_the_member(as_user, world):
    report = ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.peer)
    response = as_user(world.admin).post(
        f"{reports(world)}{report.pk}/resolve/", {"resolution": "suspend", "reason": "Confirmed fraud"}
    )
    assert response.status_code == 200
    world.peer_membership.refresh_from_db()
    assert world.peer_membership.status == "suspended"
    assert world.peer_membership.reason == "Confirmed fraud"


@pytest.mark.parametrize(
    ("who", "reporter", "subject", "field_or_status"),
    [
        ("owner", "member", "member", "subject"),  # self-report
        ("owner", "member", "foreign", "subject"),  # not a member of this cluster
        ("owner", "member", "applicant", "subject"),  # pending is not a member
        ("applicant_owner", "applicant", "peer", 403),  # a pending applicant is not a member yet
        ("foreign_owner", "foreign", "peer", 403),  # a member of another cluster
        ("outsider", "member", "peer", 403),  # not a person of the reporter
    ],
)
def test_reports_that_are_refused(as_user, world, who, reporter, subject, field_or_status):
    response = file(as_user, world, getattr(world, who), getattr(world, reporter), getattr(world, subject))
    if isinstance(field_or_status, int):
        assert response.status_code == field_or_status
    else:
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field_or_status]
    assert not Report.objects.exists()


def test_report_body_validation(as_user, world):
    response = as_user(world.owner).post(
        reports(world), {"reporter": world.member.pk, "subject": world.peer.pk, "category": "gossip", "reason": ""}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"category", "reason"}


def directory(world):
    return f"/api/v1/clusters/{world.cluster.slug}/members/"


def test_directory_shows_active_members_to_members_and_administrators(as_user, world):
    names = {e["enterprise"]["legal_name_zh"] for e in as_user(world.owner).get(directory(world)).json()["results"]}
    assert names == {world.member.legal_name_zh, world.peer.legal_name_zh}
    assert as_user(world.admin).get(directory(world)).status_code == 200
    for actor in (world.applicant_owner, world.foreign_owner, world.other_admin, world.outsider):
        assert as_user(actor).get(directory(world)).status_code == 403
    assert as_user(None).get(directory(world)).status_code == 401


def test_directory_search_filters(as_user, world):
    world.peer.capabilities.set(["cnc-machining"])
    world.peer.region_code, world.peer.region_name = "320500", "苏州市"
    world.peer.save()
    CertificationFactory(enterprise=world.peer, scheme=CertificationScheme.objects.get(code="iatf16949"))
    CertificationFactory(
        enterprise=world.member,
        scheme=CertificationScheme.objects.get(code="iatf16949"),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = as_user(world.owner)

    def names(query):
        return [e["enterprise"]["legal_name_en"] for e in client.get(directory(world) + query).json()["results"]]

    assert names("?search=Precision") == ["Suzhou Precision Machinery"]
    assert names("?search=精工") == ["Suzhou Precision Machinery"]
    assert names("?capability=cnc-machining") == ["Suzhou Precision Machinery"]
    assert names("?region=3205") == ["Suzhou Precision Machinery"]
    assert names("?region=苏州") == ["Suzhou Precision Machinery"]
    assert names("?certification=iatf16949") == ["Suzhou Precision Machinery"]  # expired certificates do not count


def test_directory_query_count_is_flat(as_user, world):
    client = as_user(world.admin)
    with cold_queries() as few:
        client.get(directory(world) + "?page_size=100")
    for _ in range(50):
        enterprise = EnterpriseFactory()
        enterprise.capabilities.set(["weaving", "garment-sewing"])
        CertificationFactory(enterprise=enterprise)
        MembershipFactory(cluster=world.cluster, enterprise=enterprise)
    with cold_queries() as many:
        response = client.get(directory(world) + "?page_size=100")
    assert response.json()["count"] == 52
    assert len(many) == len(few)


def test_suspended_member_drops_out_of_the_directory(as_user, world):
    as_user(world.admin).post(
        f"/api/v1/clusters/{world.cluster.slug}/memberships/{world.peer_membership.pk}/suspend/", {"reason": "Review"}
    )
    assert world.peer_membership.pk not in [
        e["id"] for e in as_user(world.owner).get(directory(world)).json()["results"]
    ]
    assert Membership.objects.get(pk=world.peer_membership.pk).status == "suspended"


# --- Reports that name a listing ----------------------------------------------------------------


def post_listing(world, kind="order", *, owner, cluster=None, **overrides):
    """An open listing through the service. Matching runs only inside ``django_capture_on_commit_callbacks``."""
    from apps.marketplace.services.listings import listing_create

    actor = EnterpriseMember.objects.filter(enterprise=owner, role="owner").get().user
    fields = order_fields(**overrides) if kind == "order" else capacity_fields(**overrides)
    return listing_create(actor=actor, cluster=cluster or world.cluster, listing_kind=kind, owner=owner, **fields)


def post_order(world, *, owner, cluster=None, **overrides):
    return post_listing(world, "order", owner=owner, cluster=cluster, **overrides)


def file_listing(as_user, world, user, reporter, listing, kind="order", **extra):
    body = {"reporter": reporter.pk, "listing_kind": kind, "listing_id": listing.pk, "category": "fraud"}
    return as_user(user).post(reports(world), {"reason": "The photos are of another mill.", **body, **extra})


def open_orders(as_user, world, user) -> set[int]:
    response = as_user(user).get(f"/api/v1/clusters/{world.cluster.slug}/orders/?status=open")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def proposed(world, django_capture_on_commit_callbacks):
    """The peer's open order with one open proposal: the member's capacity, matched on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        order = post_order(world, owner=world.peer, title="Fake denim")
    with django_capture_on_commit_callbacks(execute=True):
        capacity = post_listing(world, "capacity", owner=world.member)
    match = Match.objects.get(cluster=world.cluster, order=order, capacity=capacity)
    assert match.status == Match.Status.PROPOSED
    return order, match


def test_report_listing_kinds_are_the_marketplace_kinds():
    assert Report.ListingKind.values == list(LISTING_MODELS)


def test_a_member_reports_a_listing_and_its_owner_becomes_the_subject(as_user, world):
    order = post_order(world, owner=world.peer, title="Counterfeit denim")
    response = file_listing(as_user, world, world.owner, world.member, order)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["listing_kind"], body["listing_id"], body["subject"]["id"]) == ("order", order.pk, world.peer.pk)
    report = Report.objects.get()
    assert (report.subject, report.reporter, report.listing_kind, report.listing_id) == (
        world.peer,
        world.member,
        "order",
        order.pk,
    )
    event = AuditEvent.objects.get(report=report, action="report.file")
    assert event.enterprise == world.peer and event.after["listing"] == f"order:{order.pk}"
    assert "Counterfeit denim" in Notification.objects.get(user=world.admin, kind="report.filed").rendered_title
    # naming the owner as the subject as well is consistent; a second open report of the same enterprise
    # about the same listing (here by a colleague) is refused, naming the first
    again = file_listing(as_user, world, world.staff_person, world.member, order, subject=world.peer.pk)
    assert again.status_code == 409, again.content
    assert again.json()["code"] == "duplicate_report" and list(again.json()["errors"]) == ["listing"]
    assert str(report.pk) in again.json()["detail"]
    listed = as_user(world.owner).get(reports(world)).json()["results"]
    assert {(r["listing_kind"], r["listing_id"]) for r in listed} == {("order", order.pk)}
    # a plain report names no listing
    plain = file(as_user, world, world.peer_owner, world.peer, world.member).json()
    assert (plain["listing_kind"], plain["listing_id"]) == (None, None)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("other_cluster", "listing"),  # a listing of another cluster
        ("own", "listing"),  # the reporter's own listing
        ("unknown_id", "listing"),
        ("other_subject", "subject"),  # a subject that is not the listing's owner
        ("kind_without_id", "listing_id"),
        ("id_without_kind", "listing_kind"),
        ("bad_kind", "listing_kind"),
        ("nothing_named", "subject"),
    ],
)
def test_listing_reports_that_are_refused(as_user, world, case, field):
    peer_order = post_order(world, owner=world.peer)
    own_order = post_order(world, owner=world.member)
    foreign_order = post_order(world, owner=world.foreign, cluster=world.other_cluster)
    base = {"reporter": world.member.pk, "category": "fraud", "reason": "Fake photos of the mill."}
    body = {
        "other_cluster": {"listing_kind": "order", "listing_id": foreign_order.pk},
        "own": {"listing_kind": "order", "listing_id": own_order.pk},
        "unknown_id": {"listing_kind": "capacity", "listing_id": peer_order.pk},
        "other_subject": {"listing_kind": "order", "listing_id": peer_order.pk, "subject": world.applicant.pk},
        "kind_without_id": {"listing_kind": "order", "subject": world.peer.pk},
        "id_without_kind": {"listing_id": peer_order.pk, "subject": world.peer.pk},
        "bad_kind": {"listing_kind": "deal", "listing_id": peer_order.pk},
        "nothing_named": {},
    }[case]
    events = AuditEvent.objects.count()
    response = as_user(world.owner).post(reports(world), {**base, **body})
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not Report.objects.exists()
    assert AuditEvent.objects.count() == events
    assert not Notification.objects.filter(kind="report.filed").exists()


def test_an_administrator_removes_a_reported_listing(as_user, world, proposed):
    order, match = proposed
    assert order.pk in open_orders(as_user, world, world.owner)  # cached now: the removal must refresh it
    report_id = file_listing(as_user, world, world.owner, world.member, order).json()["id"]

    response = as_user(world.admin).post(
        f"{reports(world)}{report_id}/resolve/", {"resolution": "listing_removed", "reason": "Counterfeit goods"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "listing_removed"
    order.refresh_from_db()
    match.refresh_from_db()
    assert order.status == "cancelled"
    assert match.status == Match.Status.WITHDRAWN
    report = Report.objects.get(pk=report_id)
    assert (report.status, report.resolution_reason, report.resolved_by) == (
        "listing_removed",
        "Counterfeit goods",
        world.admin,
    )
    event = AuditEvent.objects.get(report=report, action="report.listing_removed")
    assert (event.actor, event.enterprise, event.reason) == (world.admin, world.peer, "Counterfeit goods")
    assert event.before == {"status": "open", "listing_status": "open"}
    assert event.after == {"status": "listing_removed", "listing": f"order:{order.pk}", "listing_status": "cancelled"}
    notice = Notification.objects.get(user=world.peer_owner, kind="report.listing_removed")
    assert "Fake denim" in notice.rendered_title and notice.rendered_body == "Counterfeit goods"
    assert notice.link == f"/clusters/{world.cluster.slug}/market/order/{order.pk}/"
    assert order.pk not in open_orders(as_user, world, world.owner)
    assert order.pk not in open_orders(as_user, world, world.admin)
    # the peer (not a reporter) is not notified twice, and the reporter gets nothing
    assert not Notification.objects.filter(user=world.owner, kind="report.listing_removed").exists()


def test_listing_removed_needs_a_report_on_a_listing_still_on_the_market(as_user, world):
    order = post_order(world, owner=world.peer)
    plain = ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.peer)
    on_listing = ReportFactory(
        cluster=world.cluster, reporter=world.member, subject=world.peer, listing_kind="order", listing_id=order.pk
    )
    Order.objects.filter(pk=order.pk).update(status="closed")
    events = AuditEvent.objects.count()
    client = as_user(world.admin)

    response = client.post(f"{reports(world)}{plain.pk}/resolve/", {"resolution": "listing_removed", "reason": "x"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["resolution"]
    response = client.post(
        f"{reports(world)}{on_listing.pk}/resolve/", {"resolution": "listing_removed", "reason": "x"}
    )
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["listing"]

    assert set(Report.objects.values_list("status", flat=True)) == {"open"}
    assert Order.objects.get(pk=order.pk).status == "closed"
    assert AuditEvent.objects.count() == events
    assert not Notification.objects.filter(kind="report.listing_removed").exists()


def test_only_the_clusters_administrators_remove_listings(as_user, world):
    order = post_order(world, owner=world.peer)
    report = ReportFactory(
        cluster=world.cluster, reporter=world.member, subject=world.peer, listing_kind="order", listing_id=order.pk
    )
    url = f"{reports(world)}{report.pk}/resolve/"
    for user in (world.owner, world.staff_person, world.peer_owner, world.other_admin, world.outsider):
        response = as_user(user).post(url, {"resolution": "listing_removed", "reason": "No"})
        assert response.status_code == 403, (user, response.content)
    with pytest.raises(PermissionDeniedError):  # the marketplace service checks it too
        listing_remove_by_moderator(actor=world.owner, cluster=world.cluster, listing=order)
    assert Order.objects.get(pk=order.pk).status == "open"
    assert Report.objects.get(pk=report.pk).status == "open"
    assert not AuditEvent.objects.filter(action="report.listing_removed").exists()


def test_a_member_of_another_cluster_reaches_no_listing_report(as_user, world):
    order = post_order(world, owner=world.peer, title="Target order")
    report = ReportFactory(
        cluster=world.cluster,
        reporter=world.member,
        subject=world.peer,
        listing_kind="order",
        listing_id=order.pk,
        text="SECRET-LISTING-REPORT",
    )
    other = f"/api/v1/clusters/{world.other_cluster.slug}/reports/"
    for user in (world.foreign_owner, world.other_admin):
        client = as_user(user)
        # through their own cluster, the target cluster's report does not exist
        assert client.get(f"{other}{report.pk}/").status_code == 404
        # through the target cluster they hold no role: refused before any object is looked up
        for response in (
            client.get(reports(world)),
            client.get(f"{reports(world)}{report.pk}/"),
            client.post(f"{reports(world)}{report.pk}/resolve/", {"resolution": "listing_removed", "reason": "x"}),
            client.post(
                reports(world),
                {"reporter": world.foreign.pk, "listing_kind": "order", "listing_id": order.pk, "category": "spam"},
            ),
        ):
            assert response.status_code == 403
            assert b"SECRET-LISTING-REPORT" not in response.content and b"Target order" not in response.content
    # the other cluster's administrator resolving through their own cluster: not found there
    response = as_user(world.other_admin).post(
        f"{other}{report.pk}/resolve/", {"resolution": "listing_removed", "reason": "x"}
    )
    assert response.status_code == 404
    # a member of the other cluster cannot name the target cluster's listing in a report there
    response = as_user(world.foreign_owner).post(
        other,
        {
            "reporter": world.foreign.pk,
            "listing_kind": "order",
            "listing_id": order.pk,
            "category": "spam",
            "reason": "Spam listing, again",
        },
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["listing"]
    assert Report.objects.count() == 1
    assert Order.objects.get(pk=order.pk).status == "open"
    assert Report.objects.get(pk=report.pk).status == "open"


def test_reports_list_query_count_is_flat_with_listings(as_user, world):
    client = as_user(world.admin)

    def report_on(listing, kind):
        return ReportFactory(
            cluster=world.cluster, reporter=world.member, subject=world.peer, listing_kind=kind, listing_id=listing.pk
        )

    report_on(post_order(world, owner=world.peer), "order")
    client.get(reports(world))  # warm up
    with cold_queries() as one:
        response = client.get(reports(world) + "?page_size=100")
    assert response.json()["count"] == 1
    for index in range(19):
        report_on(post_order(world, owner=world.peer, title=f"Order {index}"), "order")
    with cold_queries() as twenty:
        response = client.get(reports(world) + "?page_size=100")
    assert response.json()["count"] == 20
    assert all(row["listing_kind"] == "order" for row in response.json()["results"])
    assert len(twenty) == len(one)
