"""On-site verification: auditors, visits, findings and the level granted, and its withdrawal.

A level lapses by itself when its expiry passes (``Visit.level_in_force`` reads the clock), and is
withdrawn when the enterprise's verified identity changes (``withdraw_on_identity_change``,
connected to the enterprise's ``pre_save`` in ``ParksConfig.ready()``).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import Enterprise, Membership
from apps.membership.permissions import is_cluster_administrator, require_cluster_administrator
from apps.tenancy.rules import rule_value

from .. import lifecycle
from ..lifecycle import CHECKLIST, VisitStatus
from ..models import Auditor, Level, Visit

#: what each level asks of the findings: the checklist items that must be ``ok``
LEVEL_REQUIRES = {
    Level.NONE: (),
    Level.BASIC: ("licence",),
    Level.VERIFIED: ("licence", "site", "equipment"),
    Level.GOLD: tuple(CHECKLIST),
}


def is_auditor(*, user, cluster) -> bool:
    return Auditor.objects.filter(cluster=cluster, user=user).exists()


def require_verifier(*, user, cluster) -> None:
    if not (is_cluster_administrator(user=user, cluster=cluster) or is_auditor(user=user, cluster=cluster)):
        raise PermissionDeniedError(_("Only administrators and the cluster's auditors may do this."))


@transaction.atomic
def auditor_appoint(*, actor, cluster, email: str) -> Auditor:
    require_cluster_administrator(user=actor, cluster=cluster)
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise DomainError(_("No active user has this e-mail address."), field="email")
    if Auditor.objects.filter(cluster=cluster, user=user).exists():
        raise ConflictError(_("This person is already an auditor of the cluster."), field="email")
    return Auditor.objects.create(cluster=cluster, user=user, appointed_by=actor)


@transaction.atomic
def auditor_remove(*, actor, cluster, auditor_id: int) -> None:
    require_cluster_administrator(user=actor, cluster=cluster)
    deleted, _rows = Auditor.objects.filter(cluster=cluster, pk=auditor_id).delete()
    if not deleted:
        raise NotFoundError()


@transaction.atomic
def visit_schedule(*, actor, cluster, enterprise_id: int, scheduled_for, auditor=None) -> Visit:
    require_verifier(user=actor, cluster=cluster)
    if not Membership.objects.filter(
        cluster=cluster, enterprise_id=enterprise_id, status=Membership.Status.ACTIVE
    ).exists():
        raise DomainError(_("Visits are to active members of the cluster."), field="enterprise")
    if scheduled_for < timezone.now() - datetime.timedelta(days=1):
        raise DomainError(_("A visit cannot be scheduled in the past."), field="scheduled_for")
    if auditor is not None and not (
        is_auditor(user=auditor, cluster=cluster) or is_cluster_administrator(user=auditor, cluster=cluster)
    ):
        raise DomainError(_("The visitor must be an auditor or an administrator of the cluster."), field="auditor")
    return Visit.objects.create(
        cluster=cluster, enterprise_id=enterprise_id, auditor=auditor or actor, scheduled_for=scheduled_for
    )


def _clean_findings(findings) -> dict:
    if not isinstance(findings, dict):
        raise DomainError(_("Give the findings per checklist item."), field="findings")
    cleaned = {}
    for item, finding in findings.items():
        if item not in CHECKLIST:
            raise DomainError(_("Unknown checklist item %(item)s.") % {"item": str(item)[:30]}, field="findings")
        if not isinstance(finding, dict) or not isinstance(finding.get("ok"), bool):
            raise DomainError(_("Each finding says ok (true or false), with an optional note."), field="findings")
        cleaned[item] = {"ok": finding["ok"], "note": str(finding.get("note", ""))[:500]}
    return cleaned


def _clean_photos(photos) -> list:
    if not isinstance(photos, list) or len(photos) > 50:
        raise DomainError(_("Give at most 50 photos, each with a caption."), field="photos")
    cleaned = []
    for photo in photos:
        if not isinstance(photo, dict) or not str(photo.get("caption", "")).strip():
            raise DomainError(_("Each photo has a caption."), field="photos")
        cleaned.append({"caption": str(photo["caption"])[:200], "taken_at": str(photo.get("taken_at", ""))[:40]})
    return cleaned


@transaction.atomic
def visit_record(*, actor, cluster, visit_id: int, findings, level: str, photos=(), expires_at=None) -> Visit:
    """Record the findings and grant a level, which the findings must support (``LEVEL_REQUIRES``)."""
    require_verifier(user=actor, cluster=cluster)
    visit = Visit.objects.select_for_update().filter(cluster=cluster, pk=visit_id).first()
    if visit is None:
        raise NotFoundError()
    lifecycle.check_record(visit)
    findings = _clean_findings(findings)
    if level not in Level.values:
        raise DomainError(_("Unknown verification level."), field="level")
    missing = [item for item in LEVEL_REQUIRES[Level(level)] if not findings.get(item, {}).get("ok")]
    if missing:
        raise DomainError(
            _("This level needs these checklist items found in order: %(items)s.")
            % {"items": ", ".join(str(CHECKLIST[item]) for item in missing)},
            field="level",
        )
    now = timezone.now()
    months = rule_value(cluster=cluster, key="parks.verification_months")
    longest = now + datetime.timedelta(days=30 * months)
    if expires_at is None:
        expires_at = longest
    elif expires_at <= now:
        raise DomainError(_("The expiry must be in the future."), field="expires_at")
    elif expires_at > longest:
        raise DomainError(_("A verification lasts at most %(months)d months.") % {"months": months}, field="expires_at")
    visit.findings, visit.photos, visit.level = findings, _clean_photos(list(photos)), level
    visit.status, visit.granted_at, visit.expires_at = VisitStatus.COMPLETED, now, expires_at
    if visit.auditor_id is None:
        visit.auditor = actor
    visit.save()
    return visit


@transaction.atomic
def visit_cancel(*, actor, cluster, visit_id: int) -> Visit:
    require_verifier(user=actor, cluster=cluster)
    visit = Visit.objects.select_for_update().filter(cluster=cluster, pk=visit_id).first()
    if visit is None:
        raise NotFoundError()
    lifecycle.check_record(visit)
    visit.status = VisitStatus.CANCELLED
    visit.save(update_fields=["status"])
    return visit


def withdraw_on_identity_change(sender, instance: Enterprise, raw=False, **kwargs) -> None:
    """``pre_save`` of an enterprise: a change to its verified identity withdraws every level granted to it."""
    if raw or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & set(Enterprise.IDENTITY_FIELDS):
        return
    before = Enterprise.objects.filter(pk=instance.pk).values(*Enterprise.IDENTITY_FIELDS).first()
    if before is None or all(before[name] == getattr(instance, name) for name in Enterprise.IDENTITY_FIELDS):
        return
    Visit.objects.filter(enterprise_id=instance.pk, status=VisitStatus.COMPLETED, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_reason="identity_changed"
    )
