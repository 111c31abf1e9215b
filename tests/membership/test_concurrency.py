"""Two administrators deciding the same application at once: one decision, one audit event."""

import threading

import pytest
from django.db import connection, connections

from apps.core.errors import ConflictError
from apps.membership.models import AuditEvent, Membership
from apps.membership.services.memberships import membership_decide
from tests.factories import ClusterRoleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking races need PostgreSQL (CI runs it)"),
]


def test_concurrent_approve_and_reject_make_one_decision(world):
    second_admin = ClusterRoleFactory(cluster=world.cluster).user
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(actor, action):
        try:
            barrier.wait()
            outcomes.append(
                membership_decide(
                    actor=actor, cluster=world.cluster, membership_id=world.application.pk, action=action, reason="r"
                ).status
            )
        except ConflictError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(world.admin, "approve")),
        threading.Thread(target=decide, args=(second_admin, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) in (["active", "refused"], ["refused", "rejected"])
    final = Membership.objects.get(pk=world.application.pk).status
    assert final in ("active", "rejected")
    decisions = AuditEvent.objects.filter(
        membership=world.application, action__in=["membership.approve", "membership.reject"]
    )
    assert decisions.count() == 1
