"""Creating and editing enterprises and their certifications."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError
from apps.notifications.messages import name_of
from apps.notifications.services import notify_users

from ..audit import audit_record
from ..models import Enterprise, EnterpriseCertification, EnterpriseMember, Membership
from ..permissions import require_enterprise_role
from ..validators import normalize_credit_code

PROFILE_FIELDS = (
    "legal_name_zh",
    "legal_name_en",
    "credit_code",
    "region_code",
    "region_name",
    "latitude",
    "longitude",
    "size_band",
    "description",
    "website",
)


def _save(enterprise: Enterprise, *, update_fields=None) -> None:
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    enterprise.full_clean()  # unique credit code, check character, region code, ranges
    enterprise.save(update_fields=update_fields)


@transaction.atomic
def enterprise_create(*, actor, capabilities=(), industry_codes=(), certifications=(), **fields) -> Enterprise:
    """Register an enterprise; its creator becomes its owner."""
    enterprise = Enterprise(**{k: v for k, v in fields.items() if k in PROFILE_FIELDS}, created_by=actor)
    _save(enterprise)
    enterprise.capabilities.set(capabilities)
    enterprise.industry_codes.set(industry_codes)
    EnterpriseMember.objects.create(enterprise=enterprise, user=actor, role=EnterpriseMember.Role.OWNER)
    for certification in certifications:
        certification_add(actor=actor, enterprise=enterprise, **certification)
    return enterprise


def _verification_withdrawn(*, actor, enterprise: Enterprise, before: dict, after: dict) -> None:
    """Record the withdrawn badge in every cluster the enterprise belongs to, and tell its owner."""
    fields = list(after)
    for membership in Membership.objects.filter(
        enterprise=enterprise, status__in=Membership.OPEN_STATUSES
    ).select_related("cluster"):
        audit_record(
            cluster=membership.cluster,
            actor=actor,
            action="enterprise.verification_withdrawn",
            enterprise=enterprise,
            membership=membership,
            reason_code="identity_changed",
            reason_params={"fields": fields},
            before={"verified": True, **before},
            after={"verified": False, **after},
        )
    owners = EnterpriseMember.objects.filter(enterprise=enterprise, role=EnterpriseMember.Role.OWNER).select_related(
        "user"
    )
    notify_users(
        users=[person.user for person in owners],
        kind="membership.verification_withdrawn",
        params={"enterprise": name_of(enterprise), "enterprise_id": enterprise.pk, "fields": fields},
        link=reverse("enterprise-detail", args=[enterprise.pk]),
    )


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, capabilities=None, industry_codes=None, **fields) -> Enterprise:
    """Edit the profile. A change to the verified identity (``Enterprise.IDENTITY_FIELDS``) withdraws the badge."""
    require_enterprise_role(user=actor, enterprise=enterprise)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    previous = {name: getattr(enterprise, name) for name in Enterprise.IDENTITY_FIELDS}
    changed = [name for name in fields if name in PROFILE_FIELDS]
    for name in changed:
        setattr(enterprise, name, fields[name])
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    identity_changed = [name for name in Enterprise.IDENTITY_FIELDS if getattr(enterprise, name) != previous[name]]
    withdrawn = enterprise.verified and bool(identity_changed)
    if withdrawn:
        enterprise.verified = False  # the new identity must be checked again
        changed.append("verified")
    _save(enterprise, update_fields=[*changed, "updated_at"])
    if withdrawn:
        _verification_withdrawn(
            actor=actor,
            enterprise=enterprise,
            before={name: previous[name] for name in identity_changed},
            after={name: getattr(enterprise, name) for name in identity_changed},
        )
    if capabilities is not None:
        enterprise.capabilities.set(capabilities)
    if industry_codes is not None:
        enterprise.industry_codes.set(industry_codes)
    return enterprise


def _check_valid_until(valid_until: datetime.date) -> None:
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": [_("This certification has already expired.")]})


@transaction.atomic
def certification_add(
    *, actor, enterprise: Enterprise, scheme, number: str, issuer: str, valid_until: datetime.date
) -> EnterpriseCertification:
    require_enterprise_role(user=actor, enterprise=enterprise)
    _check_valid_until(valid_until)
    if EnterpriseCertification.objects.filter(enterprise=enterprise, scheme=scheme, number=number).exists():
        raise DomainError(_("This certificate is already on the profile."), field="number", code="duplicate")
    certification = EnterpriseCertification(
        enterprise=enterprise, scheme=scheme, number=number, issuer=issuer, valid_until=valid_until
    )
    certification.full_clean()
    certification.save()
    return certification


@transaction.atomic
def certification_remove(*, actor, enterprise: Enterprise, certification_id: int) -> None:
    require_enterprise_role(user=actor, enterprise=enterprise)
    deleted, _rows = EnterpriseCertification.objects.filter(enterprise=enterprise, pk=certification_id).delete()
    if not deleted:
        raise NotFoundError()
