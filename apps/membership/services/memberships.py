"""Joining clusters and the administrators' decisions about members."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ConflictError, DomainError, NotFoundError
from apps.notifications.messages import name_of
from apps.notifications.services import notify_users
from apps.tenancy import selectors as tenancy_selectors

from .. import lifecycle
from ..audit import audit_record
from ..models import Enterprise, EnterpriseMember, Membership
from ..permissions import require_cluster_administrator, require_enterprise_role

ACTION_VERBS = {
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "suspend": gettext_lazy("suspend"),
    "reinstate": gettext_lazy("reinstate"),
    "expel": gettext_lazy("expel"),
    "leave": gettext_lazy("leave"),
}


def _state(membership: Membership) -> dict:
    return {"status": membership.status}


def _notify_owners(membership: Membership, action: str, reason: str, *, code: str = "", params=None) -> None:
    owners = [
        person.user
        for person in EnterpriseMember.objects.filter(
            enterprise=membership.enterprise, role=EnterpriseMember.Role.OWNER
        ).select_related("user")
    ]
    notify_users(
        users=owners,
        kind=f"membership.{action}",
        params={
            "enterprise": name_of(membership.enterprise),
            "cluster": name_of(membership.cluster),
            "reason": reason,
            "reason_code": code,
            "reason_params": params or {},
        },
        link=reverse("cluster-detail", args=[membership.cluster.slug]),
        cluster=membership.cluster,
    )


def _notify_administrators(cluster, kind: str, params: dict) -> None:
    admins = [role.user for role in tenancy_selectors.cluster_administrators(cluster=cluster)]
    notify_users(
        users=admins,
        kind=kind,
        params=params,
        link=reverse("moderation-queue", args=[cluster.slug]),
        cluster=cluster,
        email=False,
    )


@transaction.atomic
def membership_apply(*, actor, cluster, enterprise: Enterprise, note: str = "") -> Membership:
    """The enterprise asks to join the cluster (its owners and administrators only)."""
    require_enterprise_role(user=actor, enterprise=enterprise)
    if not cluster.is_active:
        raise ConflictError(_("This cluster does not accept applications at the moment."))
    existing = (
        Membership.objects.filter(cluster=cluster, enterprise=enterprise, status__in=Membership.OPEN_STATUSES)
        .values_list("status", flat=True)
        .first()
    )
    if existing:
        raise ConflictError(
            _("The enterprise already has a membership here, which is %(status)s.")
            % {"status": Membership.Status(existing).label.lower()},
            field="enterprise",
            code="already_member",
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                cluster=cluster, enterprise=enterprise, note=note, applied_by=actor, status=Membership.Status.PENDING
            )
    except IntegrityError:  # a concurrent application won the race
        raise ConflictError(_("The enterprise already applied."), field="enterprise", code="already_member") from None
    audit_record(
        cluster=cluster,
        actor=actor,
        action="membership.apply",
        enterprise=enterprise,
        membership=membership,
        reason=note,
        before={},
        after=_state(membership),
    )
    _notify_administrators(
        cluster,
        "membership.application",
        {"enterprise": name_of(enterprise), "enterprise_id": enterprise.pk, "note": note},
    )
    return membership


def _locked(cluster, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("enterprise", "cluster")
        .filter(cluster=cluster, pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFoundError()
    return membership


def _transition(
    *, actor, membership: Membership, action: str, reason: str, system: bool = False, code: str = "", params=None
) -> Membership:
    """Apply a decision; the platform's own reason is ``code`` + ``params`` (``reasons``), a person's ``reason``."""
    spec = lifecycle.TRANSITIONS[action]
    if not lifecycle.allowed(action, membership.status):
        raise ConflictError(
            _("Cannot %(action)s a membership that is %(status)s.")
            % {"action": ACTION_VERBS[action], "status": membership.get_status_display().lower()},
            code="illegal_transition",
        )
    if spec.reason_required and not reason.strip() and not code:
        raise DomainError(_("Give a reason: the enterprise will see it."), field="reason", code="required")
    before = _state(membership)
    now = timezone.now()
    membership.status = spec.target
    membership.reason = reason
    membership.reason_code, membership.reason_params = code, params or {}
    membership.decided_by = None if system else actor
    membership.decided_at = now
    fields = ["status", "reason", "reason_code", "reason_params", "decided_by", "decided_at", "updated_at"]
    if action == "approve":
        membership.joined_at = now
        fields.append("joined_at")
    membership.save(update_fields=fields)
    audit_record(
        cluster=membership.cluster,
        actor=None if system else actor,
        action=f"membership.{action}" + (".automatic" if system else ""),
        enterprise=membership.enterprise,
        membership=membership,
        reason=reason,
        reason_code=code,
        reason_params=params,
        before=before,
        after=_state(membership),
    )
    _notify_owners(membership, action, reason, code=code, params=params)
    return membership


@transaction.atomic
def membership_decide(
    *, actor, cluster, membership_id: int, action: str, reason: str = "", code: str = "", params=None
) -> Membership:
    """An administrator's decision: approve / reject / suspend / reinstate / expel.

    ``code`` + ``params``: the administrator upholds a reason of the platform's (``reasons``).
    """
    if action not in lifecycle.ADMINISTRATOR_ACTIONS:
        raise DomainError(_("Unknown decision."), field="action")
    require_cluster_administrator(user=actor, cluster=cluster)
    membership = _locked(cluster, membership_id)
    return _transition(actor=actor, membership=membership, action=action, reason=reason, code=code, params=params)


@transaction.atomic
def membership_leave(*, actor, cluster, membership_id: int, reason: str = "") -> Membership:
    membership = _locked(cluster, membership_id)
    require_enterprise_role(user=actor, enterprise=membership.enterprise)
    return _transition(actor=actor, membership=membership, action="leave", reason=reason)


@transaction.atomic
def membership_suspend_automatically(*, membership: Membership, code: str, params: dict) -> Membership | None:
    """Suspend pending review (no human actor, a reason of the platform's); a no-op unless the member is active."""
    membership = _locked(membership.cluster, membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        return None
    return _transition(
        actor=None, membership=membership, action="suspend", reason="", system=True, code=code, params=params
    )


@transaction.atomic
def membership_decide_by_council(*, cluster, membership_id: int, action: str, params: dict) -> Membership | None:
    """A sanction enacted by the council: suspend or reinstate, with no individual actor.

    Harmless when the membership is already in the target state (enactment may rerun).
    """
    membership = _locked(cluster, membership_id)
    target = lifecycle.TRANSITIONS[action].target
    if membership.status == target:
        return membership
    return _transition(
        actor=None, membership=membership, action=action, reason="", system=True, code="council_decision", params=params
    )


@transaction.atomic
def memberships_bulk_approve(*, actor, cluster, membership_ids: list[int], reason: str = "") -> list[Membership]:
    """Approve several applications with one reason — all of them or none."""
    require_cluster_administrator(user=actor, cluster=cluster)
    ids = sorted(set(membership_ids))
    locked = {
        m.pk: m
        for m in Membership.objects.select_for_update(of=("self",))
        .select_related("enterprise", "cluster")
        .filter(cluster=cluster, pk__in=ids)
        .order_by("pk")
    }
    missing = [pk for pk in ids if pk not in locked]
    if missing:
        raise DomainError(
            _("Unknown memberships: %(ids)s.") % {"ids": ", ".join(map(str, missing))}, field="memberships"
        )
    not_pending = [pk for pk in ids if locked[pk].status != Membership.Status.PENDING]
    if not_pending:
        raise ConflictError(
            _("Only pending applications can be approved; not pending: %(ids)s.")
            % {"ids": ", ".join(map(str, not_pending))},
            field="memberships",
            code="illegal_transition",
        )
    return [_transition(actor=actor, membership=locked[pk], action="approve", reason=reason) for pk in ids]
