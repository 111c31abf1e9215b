"""The people of an enterprise: invitations, roles, removal and ownership transfer."""

import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import outbox
from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.tenancy.rules import REGISTRY

from ..models import Enterprise, EnterpriseMember, Invitation
from ..permissions import MANAGERS, require_enterprise_role

INVITATION_SALT = "membership.invitation"
Role = EnterpriseMember.Role


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a token names; 400 naming ``token`` when it is not usable."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        raise DomainError(_("This invitation link is not valid."), field="token", code="invalid_token") from None
    invitation = (
        Invitation.objects.select_related("enterprise", "invited_by").filter(pk=payload.get("invitation")).first()
    )
    if invitation is None or invitation.email != payload.get("email"):
        raise DomainError(_("This invitation link is not valid."), field="token", code="invalid_token")
    if invitation.status != Invitation.Status.PENDING:
        raise ConflictError(
            _("This invitation was already %(status)s.") % {"status": invitation.get_status_display().lower()},
            field="token",
        )
    if invitation.is_expired:
        raise DomainError(_("This invitation has expired; ask for a new one."), field="token", code="expired")
    return invitation


@transaction.atomic
def invitation_create(*, actor, enterprise: Enterprise, email: str, role: str) -> Invitation:
    require_enterprise_role(user=actor, enterprise=enterprise)
    email = email.strip().lower()
    if role not in (Role.ADMIN, Role.STAFF):
        raise DomainError(_("Invite people as administrator or staff; transfer ownership separately."), field="role")
    if EnterpriseMember.objects.filter(enterprise=enterprise, user__email__iexact=email).exists():
        raise ConflictError(_("This person already belongs to the enterprise."), field="email")
    days = REGISTRY["membership.invitation_days"].default
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                enterprise=enterprise,
                email=email,
                role=role,
                invited_by=actor,
                expires_at=timezone.now() + datetime.timedelta(days=days),
            )
    except IntegrityError:
        raise ConflictError(_("This address already has a pending invitation."), field="email") from None
    outbox.enqueue("membership.send_invitation_email", invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, enterprise: Enterprise, invitation_id: int) -> None:
    require_enterprise_role(user=actor, enterprise=enterprise)
    updated = Invitation.objects.filter(
        enterprise=enterprise, pk=invitation_id, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED)
    if not updated:
        raise NotFoundError(_("No pending invitation with this id."))


@transaction.atomic
def invitation_accept(*, user, token: str) -> EnterpriseMember:
    """The signed-in user joins the enterprise; the invitation must be addressed to them."""
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ConflictError(_("This invitation was already used."), field="token")
    if user.email.lower() != invitation.email.lower():
        raise PermissionDeniedError(
            _("This invitation was sent to %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    person, _created = EnterpriseMember.objects.get_or_create(
        enterprise=invitation.enterprise, user=user, defaults={"role": invitation.role}
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.ACCEPTED, accepted_by=user, accepted_at=timezone.now()
    )
    return person


def _person(enterprise, user_id) -> EnterpriseMember:
    person = EnterpriseMember.objects.select_for_update().filter(enterprise=enterprise, user_id=user_id).first()
    if person is None:
        raise NotFoundError(_("This person does not belong to the enterprise."))
    return person


@transaction.atomic
def person_change_role(*, actor, enterprise: Enterprise, user_id: int, role: str) -> EnterpriseMember:
    require_enterprise_role(user=actor, enterprise=enterprise)
    if role not in (Role.ADMIN, Role.STAFF):
        raise DomainError(_("Use the ownership transfer to make someone the owner."), field="role")
    person = _person(enterprise, user_id)
    if person.role == Role.OWNER:
        raise ConflictError(_("The owner's role changes only by transferring ownership."), field="role")
    person.role = role
    person.save(update_fields=["role"])
    return person


@transaction.atomic
def person_remove(*, actor, enterprise: Enterprise, user_id: int) -> None:
    """Owners and administrators remove people; anyone may leave; the owner never leaves."""
    if actor.pk != user_id:
        require_enterprise_role(user=actor, enterprise=enterprise, roles=MANAGERS)
    person = _person(enterprise, user_id)
    if person.role == Role.OWNER:
        raise ConflictError(_("The owner cannot be removed; transfer ownership first."), field="user")
    person.delete()


@transaction.atomic
def ownership_transfer(*, actor, enterprise: Enterprise, user_id: int) -> EnterpriseMember:
    require_enterprise_role(user=actor, enterprise=enterprise, roles=(Role.OWNER,))
    people = {
        p.user_id: p
        for p in EnterpriseMember.objects.select_for_update()
        .filter(enterprise=enterprise, user_id__in=[actor.pk, user_id])
        .order_by("pk")
    }
    if user_id not in people:
        raise DomainError(_("The new owner must already belong to the enterprise."), field="user")
    if user_id == actor.pk:
        raise ConflictError(_("You already own this enterprise."), field="user")
    # Demote first: the database allows one owner per enterprise at any moment.
    EnterpriseMember.objects.filter(pk=people[actor.pk].pk).update(role=Role.ADMIN)
    EnterpriseMember.objects.filter(pk=people[user_id].pk).update(role=Role.OWNER)
    people[user_id].role = Role.OWNER
    return people[user_id]
