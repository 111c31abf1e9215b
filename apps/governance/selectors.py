"""Reads of governance."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import ChainCheckpoint, Proposal, RuleVersion, Seat, Vote


def _cluster_id(cluster) -> int:
    return cluster if isinstance(cluster, int) else cluster.pk


def rulebook_version_in_force(*, cluster, at=None) -> RuleVersion | None:
    return (
        RuleVersion.objects.filter(cluster_id=_cluster_id(cluster), effective_at__lte=at or timezone.now())
        .order_by("-effective_at", "-number")
        .first()
    )


def rulebook_changes_in_force(*, cluster, at=None) -> list[dict]:
    """The changes of every version in effect at ``at``, in the order they took effect (one query)."""
    return list(
        RuleVersion.objects.filter(cluster_id=_cluster_id(cluster), effective_at__lte=at or timezone.now())
        .order_by("effective_at", "number")
        .values_list("changes", flat=True)
    )


def rulebook_history(*, cluster) -> QuerySet[RuleVersion]:
    return RuleVersion.objects.filter(cluster=cluster).select_related("proposal").order_by("-number")


def seats(*, cluster, current_only: bool = False) -> QuerySet[Seat]:
    qs = Seat.objects.filter(cluster=cluster, removed_at__isnull=True).select_related("holder", "enterprise")
    if current_only:
        now = timezone.now()
        qs = qs.filter(term_start__lte=now, term_end__gt=now)
    return qs.order_by("chamber", "term_start", "pk")


def current_seats_of(*, user, at=None) -> QuerySet[Seat]:
    """The user's seats (any cluster) whose term covers ``at`` (now by default)."""
    at = at or timezone.now()
    return Seat.objects.filter(holder=user, removed_at__isnull=True, term_start__lte=at, term_end__gt=at)


def seats_of(*, user, cluster, at=None) -> list[Seat]:
    """The user's seats in ``cluster`` whose term covers ``at`` (now by default)."""
    if user is None or not user.is_authenticated:
        return []
    return list(current_seats_of(user=user, at=at).filter(cluster=cluster).order_by("pk"))


def eligible_seats(*, cluster, at) -> QuerySet[Seat]:
    return Seat.objects.filter(cluster=cluster, term_start__lte=at, term_end__gt=at).filter(
        Q(removed_at__isnull=True) | Q(removed_at__gt=at)
    )


def electorate_seats(*, proposal, current_only: bool = False) -> QuerySet[Seat]:
    """The seats that vote on ``proposal`` (its electorate at opening; legacy votes: the current seats)."""
    if proposal.electorate is None:
        qs = seats(cluster=proposal.cluster_id, current_only=True)
    else:
        qs = Seat.objects.filter(cluster=proposal.cluster_id, pk__in=proposal.electorate).select_related("holder")
    if current_only:
        now = timezone.now()
        qs = qs.filter(removed_at__isnull=True, term_start__lte=now, term_end__gt=now)
    return qs.order_by("chamber", "term_start", "pk")


def voting_seats(*, proposal, seats: list[Seat]) -> list[Seat]:
    """Those of ``seats`` that belong to the proposal's electorate (all of them for a legacy vote)."""
    if proposal.electorate is None:
        return list(seats)
    electorate = set(proposal.electorate)
    return [seat for seat in seats if seat.pk in electorate]


def proposals(*, cluster, user) -> QuerySet[Proposal]:
    """Drafts are seen by their author only; everything else by members and the council."""
    qs = Proposal.objects.filter(cluster=cluster)
    if not (user.is_staff):
        qs = qs.filter(~Q(status=Proposal.Status.DRAFT) | Q(author=user))
    return qs.select_related(
        "author", "author_seat", "sanction_membership__enterprise", "seat_holder", "seat_enterprise"
    ).order_by("-created_at", "-pk")


def proposal_with_votes(*, cluster, pk):
    return (
        Proposal.objects.filter(cluster=cluster, pk=pk)
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.select_related("seat", "voter")))
        .first()
    )


def chain_checkpoints(*, cluster) -> QuerySet[ChainCheckpoint]:
    """The cluster's signed checkpoints of its chain head, newest first."""
    return (
        ChainCheckpoint.objects.filter(cluster_id=_cluster_id(cluster)).select_related("cluster").order_by("-sequence")
    )
