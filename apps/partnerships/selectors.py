"""Every read of partnerships, shared by the pages, the API and the apps above (parks,
marketplace, matching): which clusters are partners in force, and what a partnership covers."""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from apps.core.errors import NotFoundError
from apps.governance.models import Proposal

from .models import Motion, Partnership

S = Partnership.Status
#: what ``covers`` answers besides a listing kind
RESOURCES = "resources"


def _in_force(day: datetime.date | None = None) -> QuerySet[Partnership]:
    day = day or timezone.localdate()
    return Partnership.objects.filter(status=S.IN_FORCE, starts_on__lte=day, ends_on__gte=day)


def in_force_between(cluster_a, cluster_b, *, day=None) -> Partnership | None:
    a, b = _id(cluster_a), _id(cluster_b)
    return (
        _in_force(day)
        .filter(Q(proposer_id=a, partner_id=b) | Q(proposer_id=b, partner_id=a))
        .order_by("-in_force_at", "-pk")
        .first()
    )


def _id(cluster) -> int:
    return cluster if isinstance(cluster, int) else cluster.pk


def partners_in_force(cluster, *, kind: str | None = None, day=None) -> set[int]:
    """The ids of the clusters with a partnership in force with ``cluster`` today (sharing ``kind``
    of listing, or park resources for ``kind="resources"``, when given)."""
    cluster_id = _id(cluster)
    rows = (
        _in_force(day)
        .involving(cluster_id)
        .values_list("proposer_id", "partner_id", "shared_kinds", "resources_bookable")
    )
    found = set()
    for proposer_id, partner_id, kinds, bookable in rows:
        if kind is None or (bookable if kind == RESOURCES else kind in kinds):
            found.add(partner_id if proposer_id == cluster_id else proposer_id)
    return found


def partners_by_kind(cluster, *, day=None) -> dict[str, set[int]]:
    """listing kind (and ``"resources"``) -> the clusters partnered in force with ``cluster`` sharing it (one query)."""
    cluster_id = _id(cluster)
    found: dict[str, set[int]] = {}
    rows = (
        _in_force(day)
        .involving(cluster_id)
        .values_list("proposer_id", "partner_id", "shared_kinds", "resources_bookable")
    )
    for proposer_id, partner_id, kinds, bookable in rows:
        other = partner_id if proposer_id == cluster_id else proposer_id
        for kind in [*kinds, *([RESOURCES] if bookable else [])]:
            found.setdefault(kind, set()).add(other)
    return found


def covers(cluster_a, cluster_b, what: str, *, day=None) -> bool:
    """Whether a partnership in force between the two covers ``what``: a listing kind
    (``order``, ``capacity``, ``channel_offer``, ``channel_request``) or ``"resources"``."""
    partnership = in_force_between(cluster_a, cluster_b, day=day)
    if partnership is None:
        return False
    return partnership.resources_bookable if what == RESOURCES else what in partnership.shared_kinds


def partnerships(*, cluster) -> QuerySet[Partnership]:
    """The partnerships ``cluster`` is a party to, with both clusters and every motion."""
    motions = Motion.objects.order_by("created_at", "pk")
    return (
        Partnership.objects.involving(cluster.pk)
        .select_related("proposer", "partner")
        .prefetch_related(Prefetch("motions", queryset=motions))
    )


def partnership_get(*, cluster, pk) -> Partnership:
    found = partnerships(cluster=cluster).filter(pk=pk).first()
    if found is None:
        raise NotFoundError()
    return found


#: a motion's proposal that is still before its council
UNDECIDED = (Proposal.Status.DRAFT, Proposal.Status.DELIBERATION, Proposal.Status.VOTING, Proposal.Status.PASSED)


def own_proposal_statuses(motions) -> dict[int, str]:
    """proposal id -> status, of the motions' proposals the current cluster may read (its own)."""
    ids = [m.proposal_id for m in motions]
    return dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "status")) if ids else {}


def council_status(partnership: Partnership, cluster_id: int, statuses: dict[int, str] | None = None) -> dict:
    """Where ``cluster_id``'s council stands on the partnership (from the prefetched motions).
    ``statuses``: the readable proposals' statuses (``own_proposal_statuses``); a motion whose
    proposal was withdrawn or has lapsed is no longer open."""
    statuses = statuses or {}
    motions = [m for m in partnership.motions.all() if m.cluster_id == cluster_id]
    entered = any(m.action == Motion.Action.ESTABLISH and m.outcome == Motion.Outcome.ENACTED for m in motions)
    pending = [
        m
        for m in motions
        if m.outcome == Motion.Outcome.PENDING and statuses.get(m.proposal_id, Proposal.Status.DRAFT) in UNDECIDED
    ]
    return {
        "cluster": cluster_id,
        "entered": entered,
        "open_motion": pending[-1] if pending else None,
        "latest": motions[-1] if motions else None,
    }


def partnerships_in_force(cluster, *, day=None) -> list[Partnership]:
    """The partnerships in force today that ``cluster`` is a party to, with both clusters."""
    return list(_in_force(day).involving(_id(cluster)).select_related("proposer", "partner").order_by("pk"))
