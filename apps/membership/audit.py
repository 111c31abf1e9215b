"""Writing the append-only audit trail; every event is also appended to the cluster's chain
(governance, the chain's owner, connects to ``audit_recorded``)."""

from django.dispatch import Signal

from .models import AuditEvent

#: sent with ``event`` and ``cluster`` for every event written, inside the writing transaction (a receiver
#: that fails undoes the event): governance appends the event to the cluster's chain
audit_recorded = Signal()


def audit_chain_payload(event: AuditEvent) -> dict:
    """What the chain records of an event (the verifier re-derives it from the row to compare)."""
    return {
        "event": event.pk,
        "actor": event.actor_id,
        "enterprise": event.enterprise_id,
        "membership": event.membership_id,
        "report": event.report_id,
        "reason": event.reason,
        "before": event.before,
        "after": event.after,
        "at": event.created_at,
        # only when the platform gave the reason: entries from before the code existed re-derive unchanged
        **({"reason_code": event.reason_code, "reason_params": event.reason_params} if event.reason_code else {}),
    }


def audit_record(
    *,
    cluster,
    actor,
    action: str,
    enterprise=None,
    membership=None,
    report=None,
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append an event; a reason of the platform's is ``reason_code`` + ``reason_params`` (``reasons``)."""
    event = AuditEvent.objects.create(
        cluster=cluster,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        enterprise=enterprise,
        membership=membership,
        report=report,
        reason=reason or "",
        reason_code=reason_code,
        reason_params=reason_params or {},
        before=before or {},
        after=after or {},
    )
    audit_recorded.send(sender=AuditEvent, event=event, cluster=cluster)
    return event
