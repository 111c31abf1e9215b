"""Reports between members, automatic suspension, resolution; the member directory."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.membership.models import AuditEvent, Membership, Report
from apps.notifications.models import Notification
from apps.reference.models import CertificationScheme
from tests.factories.membership import CertificationFactory, EnterpriseFactory, MembershipFactory, ReportFactory

pytestmark = pytest.mark.django_db


def reports(world):
    return f"/api/v1/clusters/{world.cluster.slug}/reports/"


def file(as_user, world, reporter_owner, reporter, subject, category="quality"):
    return as_user(reporter_owner).post(
        reports(world),
        {"reporter": reporter.pk, "subject": subject.pk, "category": category, "text": "Threads break after washing."},
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


def test_n_open_reports_suspend_a_member_pending_review(as_user, world):
    reporters = []
    for _ in range(3):  # the cluster's default rule: 3 open reports suspend
        enterprise = EnterpriseFactory()
        MembershipFactory(cluster=world.cluster, enterprise=enterprise)
        reporters.append((enterprise.people.get().user, enterprise))
    for index, (user, enterprise) in enumerate(reporters):
        assert file(as_user, world, user, enterprise, world.peer).status_code == 201
        world.peer_membership.refresh_from_db()
        assert world.peer_membership.status == ("suspended" if index == 2 else "active")
    event = AuditEvent.objects.get(membership=world.peer_membership, action="membership.suspend.automatic")
    assert event.actor is None
    assert "3 open reports" in event.reason
    assert Notification.objects.filter(user=world.peer_owner, kind="membership.suspend").exists()


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
        reports(world), {"reporter": world.member.pk, "subject": world.peer.pk, "category": "gossip", "text": ""}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"category", "text"}


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
    with CaptureQueriesContext(connection) as few:
        client.get(directory(world) + "?page_size=100")
    for _ in range(50):
        enterprise = EnterpriseFactory()
        enterprise.capabilities.set(["weaving", "garment-sewing"])
        CertificationFactory(enterprise=enterprise)
        MembershipFactory(cluster=world.cluster, enterprise=enterprise)
    with CaptureQueriesContext(connection) as many:
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
