"""Writing the append-only audit trail."""

from .models import AuditEvent


def audit_record(
    *,
    cluster,
    actor,
    action: str,
    enterprise=None,
    membership=None,
    report=None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        cluster=cluster,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        enterprise=enterprise,
        membership=membership,
        report=report,
        reason=reason or "",
        before=before or {},
        after=after or {},
    )
