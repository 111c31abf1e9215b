"""Membership's audit trail, chained: every audit event is also appended to its cluster's chain,
connected to ``membership.audit.audit_recorded`` from ``GovernanceConfig.ready()``."""

from apps.membership.audit import audit_chain_payload

from .chain import chain_append


def chain_audit_event(sender, *, event, cluster, **kwargs) -> None:
    chain_append(cluster=cluster, kind=f"audit.{event.action}", payload=audit_chain_payload(event))
