"""The council's seats: constituting the founding council, resigning, and filling or removing a
seat by a passed council-seat proposal.

The council's composition is the charter's, not the administration's. An administrator
constitutes an empty council once (``council_bootstrap``, audited in the chain); after that a
seat is filled or removed only by a passed council-seat proposal, and otherwise ends with its
term or its holder's resignation. An administrator of the cluster never holds a seat.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember
from apps.membership.permissions import require_cluster_administrator
from apps.tenancy.models import Cluster, ClusterRole

from .. import selectors
from ..chain import chain_append
from ..models import Proposal, Seat


def administers(*, user, cluster) -> bool:
    """The conflict of interest: an administrator of the cluster (by role) neither holds nor votes a seat."""
    return ClusterRole.objects.filter(cluster=cluster, user=user, role=ClusterRole.Role.ADMINISTRATOR).exists()


def check_seat_terms(*, cluster, holder, chamber, enterprise, term_start, term_end, prefix: str) -> None:
    """A seat that may be created: errors name ``<prefix>holder`` and the other fields."""
    if chamber not in Seat.Chamber.values:
        raise DomainError(_("Choose one of the council's chambers."), field=f"{prefix}chamber")
    if holder is None or not holder.is_active:
        raise DomainError(_("Name the person who holds the seat."), field=f"{prefix}holder")
    if administers(user=holder, cluster=cluster):
        raise DomainError(
            _("An administrator of the cluster cannot hold a council seat: the council checks the administration."),
            field=f"{prefix}holder",
            code="administrator_conflict",
        )
    if term_start is None or term_end is None or term_end <= term_start:
        raise DomainError(_("The term must end after it starts."), field=f"{prefix}term_end")
    if term_end <= timezone.now():
        raise DomainError(_("The term must end in the future."), field=f"{prefix}term_end")
    if enterprise is not None and not EnterpriseMember.objects.filter(enterprise=enterprise, user=holder).exists():
        raise DomainError(_("The holder does not belong to this enterprise."), field=f"{prefix}enterprise")
    overlapping = Seat.objects.filter(
        cluster=cluster,
        chamber=chamber,
        holder=holder,
        removed_at__isnull=True,
        term_start__lt=term_end,
        term_end__gt=term_start,
    )
    if overlapping.exists():
        raise ConflictError(
            _("This person already holds a seat in this chamber for that term."), field=f"{prefix}holder"
        )


def seat_create(*, cluster, holder, chamber, enterprise, term_start, term_end, appointed_by=None, proposal=None):
    seat = Seat(
        cluster=cluster,
        chamber=chamber,
        holder=holder,
        enterprise=enterprise,
        term_start=term_start,
        term_end=term_end,
        appointed_by=appointed_by,
        proposal=proposal,
    )
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def council_bootstrap(*, actor, cluster, seats: list[dict]) -> list[Seat]:
    """An administrator constitutes the empty council, once: every seat in one audited act.

    ``seats``: dicts of ``holder``, ``chamber``, ``term_start``, ``term_end`` and optionally
    ``enterprise``; errors name ``seats.<index>.<field>``. After this, seats change only by the
    charter (a passed proposal, a resignation, a term's end): a second call is a 409.
    """
    require_cluster_administrator(user=actor, cluster=cluster)
    Cluster.objects.select_for_update().filter(pk=cluster.pk).values_list("pk", flat=True).get()
    if selectors.council_is_constituted(cluster=cluster):
        raise ConflictError(
            _(
                "The council is already constituted: its seats are filled and removed only by passed proposals, "
                "resignations and the end of terms."
            ),
            code="council_already_constituted",
        )
    if not seats:
        raise DomainError(_("Appoint at least one seat holder."), field="seats")
    created = []
    for index, terms in enumerate(seats):
        terms = {"enterprise": None, **terms}
        check_seat_terms(cluster=cluster, prefix=f"seats.{index}.", **terms)
        created.append(seat_create(cluster=cluster, appointed_by=actor, **terms))
    chain_append(
        cluster=cluster,
        kind="council.bootstrap",
        payload={
            "by": actor.pk,
            "seats": [
                {
                    "seat": seat.pk,
                    "holder": seat.holder_id,
                    "chamber": seat.chamber,
                    "term_start": seat.term_start,
                    "term_end": seat.term_end,
                }
                for seat in created
            ],
        },
    )
    return created


def seat_remove_refused(*, actor, cluster, seat_id: int):
    """No one removes a seat by decree: the answer names the charter's ways (a 409)."""
    if not Seat.objects.filter(cluster=cluster, pk=seat_id).exists():
        raise NotFoundError()
    raise ConflictError(
        _(
            "A seat ends only with its term, by its holder's resignation or by a passed council-seat proposal; "
            "nobody removes one directly."
        ),
        code="seat_removal_needs_proposal",
    )


@transaction.atomic
def seat_resign(*, actor, cluster, seat_id: int) -> Seat:
    """The holder gives up their seat from now on (the seat still counts in votes already open)."""
    seat = Seat.objects.select_for_update().filter(cluster=cluster, pk=seat_id).first()
    if seat is None:
        raise NotFoundError()
    if seat.holder_id != actor.pk:
        raise PermissionDeniedError(_("Only the seat's holder may resign it."), code="not_the_holder")
    now = timezone.now()
    if seat.removed_at is not None or seat.term_end <= now:
        raise ConflictError(_("This seat has already ended."), code="seat_ended")
    seat.removed_at, seat.removal = now, Seat.Removal.RESIGNED
    seat.save(update_fields=["removed_at", "removal"])
    chain_append(cluster=cluster, kind="seat.resign", payload={"seat": seat.pk, "by": actor.pk})
    return seat


def seat_enact(proposal: Proposal, now) -> bool:
    """Fill or remove the seat a passed council-seat proposal names; False if it can no longer be done."""
    cluster = proposal.cluster
    if proposal.seat_action == Proposal.SeatAction.REMOVE:
        seat = Seat.objects.select_for_update().get(pk=proposal.seat_id)
        if seat.removed_at is None and seat.term_end > now:
            seat.removed_at, seat.removal = now, Seat.Removal.PROPOSAL
            seat.save(update_fields=["removed_at", "removal"])
            chain_append(cluster=cluster, kind="seat.remove", payload={"seat": seat.pk, "proposal": proposal.pk})
        return True
    terms = {
        "holder": proposal.seat_holder,
        "chamber": proposal.seat_chamber,
        "enterprise": proposal.seat_enterprise,
        "term_start": proposal.seat_term_start,
        "term_end": proposal.seat_term_end,
    }
    try:
        check_seat_terms(cluster=cluster, prefix="seat_", **terms)
    except DomainError as exc:  # e.g. the candidate became an administrator meanwhile
        proposal.result = {**proposal.result, "not_enacted": str(exc.message)}
        proposal.save(update_fields=["result", "updated_at"])
        chain_append(
            cluster=cluster, kind="proposal.not_enacted", payload={"proposal": proposal.pk, "reason": exc.code}
        )
        return False
    seat = seat_create(cluster=cluster, proposal=proposal, **terms)
    chain_append(
        cluster=cluster,
        kind="seat.fill",
        payload={
            "seat": seat.pk,
            "holder": seat.holder_id,
            "chamber": seat.chamber,
            "term_start": seat.term_start,
            "term_end": seat.term_end,
            "proposal": proposal.pk,
        },
    )
    return True
