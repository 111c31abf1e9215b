"""Reads of governance, shared by the pages and the API: seats, proposals and their debate,
votes, petitions' signatures, the rulebook's versions and the chain's checkpoints."""

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from apps.membership.models import Enterprise, Membership
from apps.membership.permissions import MANAGERS
from apps.tenancy.rules import rules_in_force

from . import lifecycle
from .models import ChainCheckpoint, Comment, PetitionSignature, Proposal, ProposalRevision, RuleVersion, Seat, Vote

P = Proposal.Status


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


def rule_version_before(*, cluster, number: int) -> RuleVersion | None:
    """The version that ``number`` followed (None for the first)."""
    if number <= 1:
        return None
    return RuleVersion.objects.filter(cluster=cluster, number__lt=number).order_by("-number").first()


def rule_version_enacted_by(*, proposal) -> RuleVersion | None:
    """The rulebook version a passed rule or charter change enacted."""
    return RuleVersion.objects.filter(cluster=proposal.cluster_id, proposal=proposal).order_by("number").first()


def seats(*, cluster, current_only: bool = False) -> QuerySet[Seat]:
    qs = Seat.objects.filter(cluster=cluster, removed_at__isnull=True).select_related("holder", "enterprise")
    if current_only:
        now = timezone.now()
        qs = qs.filter(term_start__lte=now, term_end__gt=now)
    return qs.order_by("chamber", "term_start", "pk")


def council_is_constituted(*, cluster) -> bool:
    """Whether the cluster's council was ever constituted (a seat, even ended or removed, exists)."""
    return Seat.objects.filter(cluster=cluster).exists()


def seats_not_ended(*, cluster) -> QuerySet[Seat]:
    """The seats whose term has not ended (current and upcoming): what a council-seat proposal may remove."""
    return seats(cluster=cluster).filter(term_end__gt=timezone.now())


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
        "author", "author_seat", "sanction_membership__enterprise", "seat_holder", "seat_enterprise", "petitioner"
    ).order_by("-created_at", "-pk")


def in_list_order(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Voting first (closing soonest first), then deliberation, petitions, drafts, and the rest, newest first."""
    return queryset.annotate(
        stage=Case(
            When(status=P.VOTING, then=Value(0)),
            When(status=P.DELIBERATION, then=Value(1)),
            When(status=P.PETITION, then=Value(2)),
            When(status=P.DRAFT, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        closing=Case(When(status=P.VOTING, then=F("voting_closes_at")), default=None),
    ).order_by("stage", F("closing").asc(nulls_last=True), "-created_at", "-pk")


def proposal_visible(*, cluster, user, pk) -> Proposal | None:
    """A proposal of the cluster that ``user`` may see (drafts: their author only)."""
    return proposals(cluster=cluster, user=user).filter(pk=pk).first()


def proposal_page(*, cluster, user, pk) -> Proposal | None:
    """``proposal_visible`` with what its page shows: the seat it names and its amendments."""
    return (
        proposals(cluster=cluster, user=user)
        .select_related("seat__holder")
        .prefetch_related(
            Prefetch("revisions", queryset=ProposalRevision.objects.select_related("author").order_by("number"))
        )
        .filter(pk=pk)
        .first()
    )


def comments(*, proposal) -> QuerySet[Comment]:
    """The debate, oldest first."""
    return Comment.objects.filter(proposal=proposal).select_related("author").order_by("created_at", "pk")


def votes_of_seats(*, proposal, seats: list[Seat]) -> list[Vote]:
    """The votes ``seats`` cast on ``proposal`` (the caller's, for the vote box)."""
    if not seats:
        return []
    return list(Vote.objects.filter(proposal=proposal, seat__in=seats).select_related("seat"))


def roll_call(*, proposal) -> list[Vote]:
    """Every vote with its seat and voter, by chamber (shown once the vote is tallied)."""
    return list(Vote.objects.filter(proposal=proposal).select_related("seat", "voter").order_by("seat__chamber", "pk"))


def vote_progress(*, proposal) -> dict | None:
    """An open vote's turnout and quorum progress, under the charter that will count it (the rules in force
    when the window closes); ``None`` unless the window is open.

    A secret ballot until the tally: how many of the electorate have voted (per chamber too when every
    chamber must reach the quorum), never who voted how nor the running yes / no split. Three queries.
    """
    if not proposal.voting_is_open:
        return None
    rules = rules_in_force(proposal.cluster_id, at=proposal.voting_closes_at)
    electorate = list(electorate_seats(proposal=proposal).values_list("pk", "chamber"))
    voted = set(
        Vote.objects.filter(proposal=proposal, seat_id__in=[pk for pk, _chamber in electorate]).values_list(
            "seat_id", flat=True
        )
    )
    seats, cast, quorum = len(electorate), len(voted), rules["governance.quorum"]
    needed = lifecycle.seats_needed(quorum, seats)
    chambers = {}
    if rules["governance.per_chamber_quorum"]:
        for pk, chamber in electorate:
            counts = chambers.setdefault(chamber, {"seats": 0, "cast": 0})
            counts["seats"] += 1
            counts["cast"] += pk in voted
        for counts in chambers.values():
            counts["needed"] = lifecycle.seats_needed(quorum, counts["seats"])
            counts["missing"] = max(counts["needed"] - counts["cast"], 0)
    if lifecycle.decided_by_all_seats(proposal):
        threshold, basis = rules["governance.charter_threshold"], "seats"
    else:
        threshold, basis = rules["governance.majority_threshold"], "votes_cast"
    return {
        "seats": seats,
        "cast": cast,
        "turnout": cast / seats if seats else 0.0,
        "quorum": quorum,
        "quorum_seats": needed,
        "quorum_missing": max(needed - cast, 0),
        "quorum_met": bool(seats) and cast >= needed and all(not c["missing"] for c in chambers.values()),
        "chambers": chambers,
        "threshold": threshold,
        "threshold_basis": basis,
        # decided by all seats: the yes votes needed, whoever votes (the split itself stays secret)
        "yes_needed": lifecycle.seats_needed(threshold, seats) if basis == "seats" else None,
    }


def votes_visible(*, proposal, user) -> QuerySet[Vote]:
    """The caller's own votes while the vote is being counted; every vote once it has been tallied."""
    qs = Vote.objects.filter(proposal=proposal).select_related("seat").order_by("cast_at", "pk")
    if not proposal.tallied_at:
        qs = qs.filter(voter=user)
    return qs


def signatures(*, proposal) -> QuerySet[PetitionSignature]:
    """A petition's co-signatures, first signed first."""
    return (
        PetitionSignature.objects.filter(proposal=proposal)
        .select_related("enterprise", "signed_by")
        .order_by("created_at", "pk")
    )


def member_enterprises(*, cluster) -> list[Enterprise]:
    """The cluster's active member enterprises (who may be named on a seat)."""
    return list(
        Enterprise.objects.filter(memberships__cluster=cluster, memberships__status=Membership.Status.ACTIVE)
        .distinct()
        .order_by("legal_name_zh")
    )


def enterprises_acted_for(*, user, cluster) -> list[Enterprise]:
    """The active member enterprises of ``cluster`` that ``user`` may act for (as owner or administrator):
    those that may petition the council and co-sign petitions."""
    return list(
        Enterprise.objects.filter(
            memberships__cluster=cluster,
            memberships__status=Membership.Status.ACTIVE,
            people__user=user,
            people__role__in=MANAGERS,
        )
        .distinct()
        .order_by("legal_name_zh", "pk")
    )


def sanctionable_memberships(*, cluster) -> QuerySet[Membership]:
    """The memberships a sanction may be about: active (to suspend) and suspended (to reinstate)."""
    return (
        Membership.objects.filter(cluster=cluster, status__in=[Membership.Status.ACTIVE, Membership.Status.SUSPENDED])
        .select_related("enterprise")
        .order_by("enterprise__legal_name_zh", "pk")
    )


def chain_checkpoints(*, cluster) -> QuerySet[ChainCheckpoint]:
    """The cluster's signed checkpoints of its chain head, newest first."""
    return (
        ChainCheckpoint.objects.filter(cluster_id=_cluster_id(cluster)).select_related("cluster").order_by("-sequence")
    )
