"""Petitions: a member enterprise asks the council to decide, and the proposal goes to
deliberation once the charter's number of other member enterprises co-sign it."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.membership.models import Membership
from apps.membership.permissions import require_enterprise_role
from apps.tenancy.rules import rules_in_force

from .. import lifecycle
from ..chain import chain_append
from ..models import PetitionSignature, Proposal
from .proposals import locked, new_proposal

P = Proposal.Status


def _is_active_member(*, cluster, enterprise) -> bool:
    return Membership.objects.filter(cluster=cluster, enterprise=enterprise, status=Membership.Status.ACTIVE).exists()


@transaction.atomic
def petition_start(*, actor, cluster, enterprise, **terms) -> Proposal:
    """A member enterprise petitions the council; it is debated once enough others co-sign.

    ``terms``: those of ``proposals.new_proposal`` (``kind``, ``title``, ``body``, ``changes``,
    ``sanction_*``, ``effective_at`` and a council-seat proposal's ``seat_*``).
    """
    needed = rules_in_force(cluster)["governance.petition_cosigners"]
    if not needed:
        raise PermissionDeniedError(_("The charter does not allow petitions."))
    require_enterprise_role(user=actor, enterprise=enterprise)
    if not _is_active_member(cluster=cluster, enterprise=enterprise):
        raise DomainError(_("Only active members may petition the council."), field="enterprise")
    proposal = new_proposal(actor=actor, cluster=cluster, petitioner=enterprise, **terms)
    chain_append(cluster=cluster, kind="petition.start", payload={"proposal": proposal.pk, "enterprise": enterprise.pk})
    return proposal


@transaction.atomic
def petition_cosign(*, actor, cluster, proposal_id: int, enterprise) -> Proposal:
    """Another active member co-signs; at the charter's count the petition goes to deliberation."""
    proposal = locked(cluster, proposal_id)
    require_enterprise_role(user=actor, enterprise=enterprise)  # who, before what state
    lifecycle.check_cosign(proposal, enterprise)
    if not _is_active_member(cluster=cluster, enterprise=enterprise):
        raise DomainError(_("Only active members may co-sign."), field="enterprise")
    try:
        with transaction.atomic():
            PetitionSignature.objects.create(proposal=proposal, enterprise=enterprise, signed_by=actor)
    except IntegrityError:
        raise ConflictError(_("This enterprise has already co-signed."), field="enterprise") from None
    chain_append(
        cluster=cluster, kind="petition.cosign", payload={"proposal": proposal.pk, "enterprise": enterprise.pk}
    )
    if proposal.signatures.count() >= rules_in_force(cluster)["governance.petition_cosigners"]:
        proposal.status = P.DELIBERATION
        proposal.save(update_fields=["status", "updated_at"])
    return proposal
