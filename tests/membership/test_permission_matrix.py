"""Every membership, report and audit endpoint, called by every kind of actor.

For each pair the status is the one in the table, and no response ever carries data of
another cluster; refused responses carry nothing of the target object either.
"""

import pytest

from tests.factories.membership import ReportFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "unrelated", "enterprise_staff", "owner", "cluster_admin", "other_admin", "platform_staff"]


def actor_user(world, actor):
    return {
        "anonymous": None,
        "unrelated": world.outsider,
        "enterprise_staff": world.staff_person,
        "owner": world.owner,
        "cluster_admin": world.admin,
        "other_admin": world.other_admin,
        "platform_staff": world.platform_staff,
    }[actor]


def row(*statuses):
    """Expected statuses in the order of ACTORS."""
    return dict(zip(ACTORS, statuses, strict=True))


def base(world):
    return f"/api/v1/clusters/{world.cluster.slug}"


# name: (method, path(world, report), body(world), row(statuses in the order of ACTORS))
MATRIX = {
    "list memberships": (
        "get",
        lambda w, r: f"{base(w)}/memberships/",
        None,
        row(401, 200, 200, 200, 200, 200, 200),
    ),
    "read an application": (
        "get",
        lambda w, r: f"{base(w)}/memberships/{w.application.pk}/",
        None,
        row(401, 404, 404, 404, 200, 404, 200),
    ),
    "apply": (
        "post",
        lambda w, r: f"{base(w)}/memberships/",
        lambda w: {"enterprise": w.member.pk, "note": "again"},
        row(401, 403, 403, 409, 403, 403, 403),
    ),
    "approve": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.application.pk}/approve/",
        lambda w: {"reason": "ok"},
        row(401, 403, 403, 403, 200, 403, 200),
    ),
    "reject": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.application.pk}/reject/",
        lambda w: {"reason": "incomplete"},
        row(401, 403, 403, 403, 200, 403, 200),
    ),
    "suspend": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.peer_membership.pk}/suspend/",
        lambda w: {"reason": "review"},
        row(401, 403, 403, 403, 200, 403, 200),
    ),
    "expel": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.peer_membership.pk}/expel/",
        lambda w: {"reason": "fraud"},
        row(401, 403, 403, 403, 200, 403, 200),
    ),
    "leave": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.membership.pk}/leave/",
        lambda w: {},
        row(401, 403, 403, 200, 403, 403, 403),
    ),
    "confirm a proposed suspension": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.peer_membership.pk}/confirm-suspension/",
        lambda w: {"reason": "Upheld"},
        row(401, 403, 403, 403, 409, 403, 409),  # none is proposed in this world
    ),
    "dismiss a proposed suspension": (
        "post",
        lambda w, r: f"{base(w)}/memberships/{w.peer_membership.pk}/dismiss-suspension/",
        lambda w: {"reason": "Unfounded"},
        row(401, 403, 403, 403, 409, 403, 409),
    ),
    "bulk approve": (
        "post",
        lambda w, r: f"{base(w)}/memberships/bulk-approve/",
        lambda w: {"memberships": [w.application.pk]},
        row(401, 403, 403, 403, 200, 403, 200),
    ),
    "member directory": (
        "get",
        lambda w, r: f"{base(w)}/members/",
        None,
        row(401, 403, 200, 200, 200, 403, 200),
    ),
    "list reports": (
        "get",
        lambda w, r: f"{base(w)}/reports/",
        None,
        row(401, 403, 200, 200, 200, 403, 200),
    ),
    "read a report about the member": (
        "get",
        lambda w, r: f"{base(w)}/reports/{r.pk}/",
        None,
        row(401, 403, 404, 404, 200, 403, 200),
    ),
    "file a report": (
        "post",
        lambda w, r: f"{base(w)}/reports/",
        lambda w: {"reporter": w.member.pk, "subject": w.peer.pk, "category": "quality", "reason": "Loose threads"},
        row(401, 403, 201, 201, 403, 403, 403),
    ),
    "resolve a report": (
        "post",
        lambda w, r: f"{base(w)}/reports/{r.pk}/resolve/",
        lambda w: {"resolution": "dismiss", "reason": "Unfounded"},
        row(401, 403, 403, 403, 200, 403, 200),
    ),
    "audit trail": (
        "get",
        lambda w, r: f"{base(w)}/audit-events/",
        None,
        row(401, 403, 403, 403, 200, 403, 200),
    ),
}

CASES = [(name, actor) for name in MATRIX for actor in ACTORS]


@pytest.mark.parametrize(("endpoint", "actor"), CASES, ids=[f"{n}-{a}" for n, a in CASES])
def test_permission_matrix(as_user, world, endpoint, actor):
    method, path, body, expected = MATRIX[endpoint]
    # a report by the peer against the member: neither the member's owner nor its staff filed it
    report = ReportFactory(cluster=world.cluster, reporter=world.peer, subject=world.member, text="CONFIDENTIAL-REPORT")
    client = as_user(actor_user(world, actor))
    response = getattr(client, method)(path(world, report), body(world) if body else None, format="json")

    assert response.status_code == expected[actor], response.content
    text = response.content.decode()
    # never data of another cluster
    for secret in (world.foreign.legal_name_zh, world.foreign.legal_name_en, world.other_cluster.slug):
        assert secret not in text
    if response.status_code >= 400:
        for secret in ("CONFIDENTIAL-REPORT", "请审核", world.applicant.legal_name_en, world.peer.credit_code):
            assert secret not in text


def test_matrix_covers_every_membership_route():
    """A new membership, report or audit route fails this test until it is added to the matrix."""
    from cluster_platform import api_urls

    routed = {
        prefix
        for prefix, *_ in api_urls.cluster_router.registry
        if prefix in {"memberships", "members", "reports", "audit-events"}
    }
    covered = {"memberships", "members", "reports", "audit-events"}
    assert routed == covered
    actions = {
        name
        for prefix, viewset, _basename in api_urls.cluster_router.registry
        if prefix in covered
        for name in [*(a.__name__ for a in viewset.get_extra_actions()), "list"]
    }
    tested = {
        *("list", "approve", "reject", "suspend", "expel", "leave", "bulk_approve", "resolve", "reinstate"),
        *("confirm_suspension", "dismiss_suspension"),
    }
    # reinstate is proven from every state in test_memberships_api.test_every_administrator_transition
    assert actions <= tested, actions - tested
