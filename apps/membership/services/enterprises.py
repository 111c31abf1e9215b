"""Creating and editing enterprises and their certifications."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError

from ..models import Enterprise, EnterpriseCertification, EnterpriseMember
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


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, capabilities=None, industry_codes=None, **fields) -> Enterprise:
    require_enterprise_role(user=actor, enterprise=enterprise)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    previous_code = enterprise.credit_code
    changed = [name for name in fields if name in PROFILE_FIELDS]
    for name in changed:
        setattr(enterprise, name, fields[name])
    if "credit_code" in changed and normalize_credit_code(fields["credit_code"]) != previous_code:
        enterprise.verified = False  # a new code must be checked again
        changed.append("verified")
    _save(enterprise, update_fields=[*changed, "updated_at"])
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
