"""Joining a cluster and every legal and illegal move of the membership lifecycle."""

import pytest
from django.core import mail
from django.db import connection

from apps.membership import lifecycle
from apps.membership.models import AuditEvent, Membership
from apps.notifications.models import Notification
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db

ALL_STATUSES = [s.value for s in Membership.Status]


def url(world, pk=None, action=None):
    base = f"/api/v1/clusters/{world.cluster.slug}/memberships/"
    if pk is None:
        return base
    return f"{base}{pk}/{action}/" if action else f"{base}{pk}/"


def test_apply_then_approve_notifies_the_owner(as_user, world, django_capture_on_commit_callbacks):
    newcomer = EnterpriseFactory(owner=world.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.outsider).post(url(world), {"enterprise": newcomer.pk, "note": "We weave silk."})
    assert response.status_code == 201, response.content
    membership_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    # the administrators learn about it in-app
    assert Notification.objects.filter(user=world.admin, kind="membership.application").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.admin).post(url(world, membership_id, "approve"), {"reason": "Welcome"})
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["joined_at"]

    notification = Notification.objects.get(user=world.outsider, kind="membership.approve")
    title = notification.rendered_title
    assert newcomer.legal_name_en in title or newcomer.legal_name_zh in title
    assert mail.outbox[-1].to == [world.outsider.email]
    inbox = as_user(world.outsider).get("/api/v1/notifications/?unread=1").json()["results"]
    assert [n["kind"] for n in inbox] == ["membership.approve"]
    assert as_user(world.outsider).post(f"/api/v1/notifications/{inbox[0]['id']}/read/").json() == {"marked": 1}
    assert as_user(world.outsider).get("/api/v1/notifications/?unread=1").json()["count"] == 0
    # someone else cannot mark it
    assert as_user(world.owner).post(f"/api/v1/notifications/{inbox[0]['id']}/read/").status_code == 404

    actions = list(
        AuditEvent.objects.filter(membership_id=membership_id).order_by("created_at").values_list("action", flat=True)
    )
    assert actions == ["membership.apply", "membership.approve"]


def test_an_enterprise_is_active_in_several_clusters(as_user, world):
    response = as_user(world.owner).post(
        f"/api/v1/clusters/{world.other_cluster.slug}/memberships/", {"enterprise": world.member.pk}
    )
    assert response.status_code == 201
    as_user(world.other_admin).post(
        f"/api/v1/clusters/{world.other_cluster.slug}/memberships/{response.json()['id']}/approve/"
    )
    assert Membership.objects.filter(enterprise=world.member, status="active").count() == 2


def test_applying_twice_is_a_conflict_naming_the_state(as_user, world):
    response = as_user(world.owner).post(url(world), {"enterprise": world.member.pk})
    assert response.status_code == 409
    assert response.json()["errors"]["enterprise"] == ["The enterprise already has a membership here, which is active."]


def test_only_owners_and_admins_apply_for_their_enterprise(as_user, world):
    assert as_user(world.staff_person).post(url(world), {"enterprise": world.foreign.pk}).status_code == 403
    assert as_user(world.outsider).post(url(world), {"enterprise": world.foreign.pk}).status_code == 403
    response = as_user(world.owner).post(url(world), {"enterprise": 999999})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["enterprise"]
    assert as_user(None).post(url(world), {"enterprise": world.foreign.pk}).status_code == 401


@pytest.mark.parametrize("action", lifecycle.ADMINISTRATOR_ACTIONS)
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_every_administrator_transition(as_user, world, action, status):
    membership = MembershipFactory(cluster=world.cluster, enterprise=EnterpriseFactory(), status=status)
    response = as_user(world.admin).post(url(world, membership.pk, action), {"reason": "Checked the licence"})
    membership.refresh_from_db()
    if lifecycle.allowed(action, status):
        assert response.status_code == 200, response.content
        assert membership.status == lifecycle.TRANSITIONS[action].target
        assert AuditEvent.objects.filter(membership=membership, action=f"membership.{action}").get().before == {
            "status": status
        }
    else:
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "illegal_transition"
        assert Membership.Status(status).label.lower() in body["detail"]
        assert membership.status == status
        assert not AuditEvent.objects.filter(membership=membership).exists()


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_leaving_from_every_state(as_user, world, status):
    membership = MembershipFactory(
        cluster=world.cluster, enterprise=EnterpriseFactory(owner=world.outsider), status=status
    )
    response = as_user(world.outsider).post(url(world, membership.pk, "leave"))
    membership.refresh_from_db()
    if lifecycle.allowed("leave", status):
        assert response.status_code == 200
        assert membership.status == "left"
    else:
        assert response.status_code == 409
        assert membership.status == status


def test_a_rejected_enterprise_may_apply_again(as_user, world):
    as_user(world.admin).post(url(world, world.application.pk, "reject"), {"reason": "Licence expired"})
    response = as_user(world.applicant_owner).post(url(world), {"enterprise": world.applicant.pk, "note": "Renewed"})
    assert response.status_code == 201
    assert Membership.objects.filter(enterprise=world.applicant, cluster=world.cluster).count() == 2


@pytest.mark.parametrize("action", ["reject", "suspend", "expel"])
def test_decisions_that_hurt_need_a_reason(as_user, world, action):
    target = world.application if action == "reject" else world.peer_membership
    response = as_user(world.admin).post(url(world, target.pk, action), {"reason": "  "})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    status_before = target.status
    target.refresh_from_db()
    assert target.status == status_before


@pytest.mark.parametrize("actor", ["owner", "staff_person", "other_admin", "outsider"])
def test_only_administrators_decide(as_user, world, actor):
    response = as_user(getattr(world, actor)).post(url(world, world.application.pk, "approve"))
    assert response.status_code in (403, 404)
    world.application.refresh_from_db()
    assert world.application.status == "pending"


def test_other_clusters_memberships_are_not_reachable(as_user, world):
    # an administrator of this cluster addressing a membership of another cluster through this cluster's URL
    response = as_user(world.admin).post(url(world, world.foreign_membership.pk, "suspend"), {"reason": "x"})
    assert response.status_code == 404
    world.foreign_membership.refresh_from_db()
    assert world.foreign_membership.status == "active"


def test_bulk_approve_is_all_or_nothing(as_user, world):
    second = MembershipFactory(cluster=world.cluster, enterprise=EnterpriseFactory(), status="pending")
    bulk = url(world) + "bulk-approve/"
    response = as_user(world.admin).post(
        bulk,
        {"memberships": [world.application.pk, second.pk, world.peer_membership.pk], "reason": "Batch"},
        format="json",
    )
    assert response.status_code == 409
    assert str(world.peer_membership.pk) in response.json()["errors"]["memberships"][0]
    assert Membership.objects.filter(pk__in=[world.application.pk, second.pk], status="pending").count() == 2

    response = as_user(world.admin).post(
        bulk, {"memberships": [world.application.pk, second.pk], "reason": "Batch"}, format="json"
    )
    assert response.status_code == 200
    assert {m["status"] for m in response.json()} == {"active"}
    foreign = as_user(world.admin).post(bulk, {"memberships": [world.foreign_membership.pk]}, format="json")
    assert foreign.status_code == 400
    assert as_user(world.admin).post(bulk, {"memberships": []}, format="json").status_code == 400


def test_queue_lists_for_administrators_and_own_rows_for_members(as_user, world):
    queue = as_user(world.admin).get(url(world) + "?status=pending").json()
    assert [m["id"] for m in queue["results"]] == [world.application.pk]
    assert queue["results"][0]["note"] == "请审核"
    mine = as_user(world.owner).get(url(world)).json()["results"]
    assert [m["id"] for m in mine] == [world.membership.pk]
    assert world.applicant.legal_name_zh not in str(mine)
    other = as_user(world.other_admin).get(url(world)).json()
    assert other["results"] == []  # an admin elsewhere with no enterprise here sees nothing of this cluster


def test_moderation_queue_query_count_is_flat(as_user, world):
    client = as_user(world.admin)
    with cold_queries() as few:
        assert client.get(url(world) + "?page_size=100").status_code == 200
    for _ in range(50):
        MembershipFactory(cluster=world.cluster, enterprise=EnterpriseFactory(), status="pending")
    with cold_queries() as many:
        response = client.get(url(world) + "?page_size=100")
    assert response.json()["count"] == 53
    assert len(many) == len(few)


def test_audit_trail_is_for_administrators_and_append_only(as_user, world):
    as_user(world.admin).post(url(world, world.peer_membership.pk, "suspend"), {"reason": "Unpaid invoices"})
    audit = f"/api/v1/clusters/{world.cluster.slug}/audit-events/"
    events = as_user(world.admin).get(audit + f"?enterprise={world.peer.pk}").json()["results"]
    assert events[0]["action"] == "membership.suspend"
    assert events[0]["reason"] == "Unpaid invoices"
    assert events[0]["before"] == {"status": "active"} and events[0]["after"] == {"status": "suspended"}
    assert events[0]["actor"]["id"] == world.admin.pk
    for actor in (world.owner, world.other_admin, world.outsider):
        assert as_user(actor).get(audit).status_code == 403

    event = AuditEvent.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_rewrite_the_audit_trail(world):
    from django.db import DatabaseError, transaction

    from apps.membership.audit import audit_record

    audit_record(cluster=world.cluster, actor=world.admin, action="membership.approve")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
