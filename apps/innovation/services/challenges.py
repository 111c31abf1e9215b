"""Writes of challenges: post, open, move through evaluation, withdraw (with the administrators'
consent when it has submissions), the solvers' acceptance of the terms, and the award."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.membership.models import EnterpriseMember, Membership
from apps.tenancy.models import ClusterRole
from apps.tenancy.rules import rule_value

from .. import lifecycle, notices, selectors
from ..models import Challenge, ChallengeStatus, TermsAcceptance
from ..rules import RIGHTS_ALLOWED
from .experts import propose_to_experts

S = ChallengeStatus


def _check_may_post(*, actor, viewer, cluster, seeker) -> None:
    if seeker is None:
        if not viewer.is_admin:
            raise PermissionDeniedError(_("Only the park's administrators may post a challenge for the park."))
        return
    if not EnterpriseMember.objects.filter(enterprise=seeker, user=actor).exists():
        raise PermissionDeniedError(_("You can only post for an enterprise you belong to."))
    if not Membership.objects.filter(cluster=cluster, enterprise=seeker, status=Membership.Status.ACTIVE).exists():
        raise DomainError(_("This enterprise is not an active member of the cluster."), field="seeker")
    who = rule_value(cluster=cluster, key="innovation.who_may_post")
    if who == "administrators":
        raise PermissionDeniedError(_("The rulebook lets only the administrators post challenges."))
    if who == "verified_members" and not seeker.verified:
        raise PermissionDeniedError(_("The rulebook lets only verified member enterprises post challenges."))


def _validate(challenge, *, cluster) -> None:
    if challenge.deadline <= timezone.now():
        raise DomainError(_("The deadline must be in the future."), field="deadline")
    money, production = challenge.award_amount, challenge.production_quantity
    if not money and not production:
        raise DomainError(_("Offer a money award, a production contract, or both."), field="award_amount")
    if money:
        minimum = Decimal(str(rule_value(cluster=cluster, key="innovation.award_minimum")))
        if money < minimum:
            raise DomainError(
                _("The award is below the rulebook's minimum of %(minimum)s.") % {"minimum": minimum},
                field="award_amount",
            )
    if production:
        if challenge.seeker_id is None:
            raise DomainError(_("Only an enterprise can offer a production contract."), field="production_quantity")
        needed = (
            ("production_capability", challenge.production_capability_id),
            ("production_unit", challenge.production_unit),
            ("production_unit_price", challenge.production_unit_price),
        )
        for name, value in needed:
            if value in (None, ""):
                raise DomainError(_("A production contract needs this too."), field=name)
    allowed = RIGHTS_ALLOWED[rule_value(cluster=cluster, key="innovation.rights_options")]
    if challenge.rights not in allowed:
        raise DomainError(
            _("The rulebook allows these rights: %(rights)s.") % {"rights": ", ".join(allowed)}, field="rights"
        )


@transaction.atomic
def challenge_create(*, actor, viewer, cluster, seeker=None, capabilities=(), publish=False, **fields) -> Challenge:
    _check_may_post(actor=actor, viewer=viewer, cluster=cluster, seeker=seeker)
    if fields.get("confidential") is None:
        fields["confidential"] = rule_value(cluster=cluster, key="innovation.confidential_by_default")
    challenge = Challenge(cluster=cluster, seeker=seeker, posted_by=actor, **fields)
    _validate(challenge, cluster=cluster)
    challenge.full_clean(exclude=["cluster", "seeker", "posted_by"])
    challenge.save()
    challenge.capabilities.set(capabilities)
    if publish:
        _open(challenge)
    return challenge


def _open(challenge) -> None:
    lifecycle.check_move(challenge.status, S.OPEN)
    _validate(challenge, cluster=challenge.cluster)
    challenge.status, challenge.opened_at = S.OPEN, timezone.now()
    challenge.save(update_fields=["status", "opened_at", "updated_at"])
    propose_to_experts(challenge=challenge)


def _locked(challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


@transaction.atomic
def challenge_open(*, actor, viewer, challenge) -> Challenge:
    lifecycle.check_seeker(selectors.is_seeker(challenge, viewer))
    challenge = _locked(challenge)
    _open(challenge)
    return challenge


@transaction.atomic
def challenge_transition(*, actor, viewer, challenge, to: str) -> Challenge:
    """Close submissions (open → evaluating) or close without award (evaluating → closed)."""
    lifecycle.check_seeker(selectors.is_seeker(challenge, viewer))
    challenge = _locked(challenge)
    if to not in (S.EVALUATING, S.CLOSED_WITHOUT_AWARD):
        raise DomainError(_("Use withdraw or award for this."), field="status")
    lifecycle.check_move(challenge.status, to)
    challenge.status = to
    if to == S.CLOSED_WITHOUT_AWARD:
        challenge.decided_at = timezone.now()
    challenge.save(update_fields=["status", "decided_at", "updated_at"])
    return challenge


@transaction.atomic
def challenge_withdraw(*, actor, viewer, challenge, reason: str = "") -> Challenge:
    """Withdraw at once, or, for an open challenge with submissions, ask the administrators."""
    lifecycle.check_seeker(selectors.is_seeker(challenge, viewer))
    challenge = _locked(challenge)
    lifecycle.check_move(challenge.status, S.WITHDRAWN)
    if lifecycle.withdrawal_needs_consent(status=challenge.status, has_submissions=challenge.solutions.exists()):
        if challenge.withdrawal_requested_at is not None:
            raise ConflictError(_("The withdrawal already awaits the administrators."))
        challenge.withdrawal_requested_at, challenge.withdrawal_reason = timezone.now(), reason
        challenge.save(update_fields=["withdrawal_requested_at", "withdrawal_reason", "updated_at"])
        admins = [r.user for r in ClusterRole.objects.filter(cluster=challenge.cluster, role="administrator")]
        notices.withdrawal_requested(challenge=challenge, admins=admins)
        return challenge
    challenge.status, challenge.decided_at = S.WITHDRAWN, timezone.now()
    challenge.withdrawal_reason = reason
    challenge.save(update_fields=["status", "decided_at", "withdrawal_reason", "updated_at"])
    return challenge


@transaction.atomic
def challenge_decide_withdrawal(*, actor, viewer, challenge, approve: bool) -> Challenge:
    if not viewer.is_admin:
        raise PermissionDeniedError(_("Only the administrators decide a withdrawal."))
    challenge = _locked(challenge)
    if challenge.withdrawal_requested_at is None or challenge.status != S.OPEN:
        raise ConflictError(_("No withdrawal awaits a decision."))
    if approve:
        challenge.status, challenge.decided_at = S.WITHDRAWN, timezone.now()
    challenge.withdrawal_requested_at = None
    challenge.save(update_fields=["status", "decided_at", "withdrawal_requested_at", "updated_at"])
    return challenge


@transaction.atomic
def terms_accept(*, actor, viewer, challenge, terms_version: int | None = None) -> TermsAcceptance:
    """The click-through: recorded with who, when and the version of the terms accepted."""
    if challenge.status != S.OPEN:
        raise ConflictError(_("Terms are accepted only while the challenge is open."))
    if terms_version is not None and terms_version != challenge.terms_version:
        raise DomainError(_("These are not the challenge's current terms."), field="terms_version")
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        challenge=challenge, user=actor, terms_version=challenge.terms_version
    )
    return acceptance


def production_need_by(challenge) -> datetime.date:
    """When the awarded production is needed: 90 days after the award."""
    return timezone.localdate() + datetime.timedelta(days=90)
