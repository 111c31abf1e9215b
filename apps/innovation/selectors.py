"""Every read of innovation, shared by the pages and the API; each takes the cluster.

Who sees what is decided here once: a challenge's public summary is the cluster's participants'
(members, administrators, the council, the cluster's experts), its draft the seeker's alone;
its confidential details the seeker's and the solvers' who accepted its terms; a solution its
authors' and the seeker's.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q

from apps.core.errors import NotFoundError
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.membership.models import EnterpriseMember, Membership
from apps.tenancy.selectors import ADMINISTRATOR, COUNCIL, MEMBER, cluster_roles_for

from .lifecycle import PUBLISHED
from .models import (
    Award,
    Challenge,
    ExpertProfile,
    KnowledgeEntry,
    KnowledgeUse,
    SearchEntry,
    Solution,
    SolutionDocument,
    SolutionQuestion,
    SolutionShare,
    TermsAcceptance,
)

# --- challenges and solutions ---


@dataclass(frozen=True)
class Viewer:
    """Who reads, in one cluster: the user, the member enterprises they are a person of, their roles."""

    user: object
    enterprise_ids: frozenset
    roles: frozenset
    is_staff: bool = False
    is_expert: bool = False

    @property
    def is_admin(self) -> bool:
        return ADMINISTRATOR in self.roles or self.is_staff

    @property
    def participates(self) -> bool:
        return self.is_admin or self.is_expert or bool(self.roles & {MEMBER, COUNCIL})


def viewer_of(access_or_user, cluster, *, user=None, roles=None) -> Viewer:
    """The viewer from a page's ``ClusterAccess`` (with ``user=``), a view's roles, or a user alone."""
    roles = getattr(access_or_user, "roles", roles)
    user = user or (access_or_user if roles is None or not hasattr(access_or_user, "roles") else None)
    if user is None or not user.is_authenticated:
        return Viewer(user=None, enterprise_ids=frozenset(), roles=frozenset())
    if roles is None:
        roles = cluster_roles_for(user=user, cluster=cluster)
    enterprise_ids = frozenset(
        EnterpriseMember.objects.filter(
            user=user,
            enterprise__memberships__cluster=cluster,
            enterprise__memberships__status=Membership.Status.ACTIVE,
        ).values_list("enterprise_id", flat=True)
    )
    return Viewer(
        user=user,
        enterprise_ids=enterprise_ids,
        roles=frozenset(roles),
        is_staff=bool(user.is_staff),
        is_expert=ExpertProfile.objects.filter(cluster=cluster, user=user).exists(),
    )


def is_seeker(challenge, viewer: Viewer) -> bool:
    if challenge.seeker_id is None:
        return viewer.is_admin
    return challenge.seeker_id in viewer.enterprise_ids


def _seeker_q(viewer: Viewer) -> Q:
    q = Q(seeker_id__in=list(viewer.enterprise_ids))
    if viewer.is_admin:
        q |= Q(seeker__isnull=True)
    return q


def challenges_for(viewer: Viewer, cluster):
    """The challenges ``viewer`` may see in ``cluster`` (summaries; details are read apart)."""
    if not viewer.participates:
        return Challenge.objects.none()
    return (
        Challenge.objects.filter(cluster=cluster)
        .filter(Q(opened_at__isnull=False) | _seeker_q(viewer))  # once opened, it stays in view
        .select_related("seeker", "production_capability")
        .prefetch_related("capabilities")
        .annotate(
            solution_count=Count("solutions", distinct=True),
            terms_accepted=Exists(
                TermsAcceptance.objects.filter(
                    challenge=OuterRef("pk"), user=viewer.user, terms_version=OuterRef("terms_version")
                )
            ),
        )
        .order_by("-created_at", "-pk")  # pages and the API paginate it
    )


def challenges_visible_to(access_or_user, cluster):
    """For the search: the challenges a caller may find, public summary only (no details, no terms)."""
    return challenges_for(viewer_of(access_or_user, cluster), cluster).defer("details", "terms")


def challenge_get(viewer: Viewer, cluster, challenge_id: int):
    challenge = challenges_for(viewer, cluster).filter(pk=challenge_id).first()
    if challenge is None:
        raise NotFoundError()
    return challenge


def partner_challenge_entry(cluster, entry_id: int):
    """A partner cluster's challenge shared with partners, as its search entry (public summary
    alone), while a partnership in force joins the two clusters; None otherwise. The base manager
    because the entry is another cluster's (PostgreSQL's ``partner_search`` policy allows the read)."""
    from apps.partnerships.selectors import partners_in_force

    partners = partners_in_force(cluster)
    if not partners:
        return None
    return (
        SearchEntry._base_manager.filter(
            pk=entry_id, kind="challenge", shared_with_partners=True, visibility="members", cluster_id__in=partners
        )
        .select_related("cluster")
        .first()
    )


def has_accepted(challenge, user) -> bool:
    return TermsAcceptance.objects.filter(
        challenge=challenge, user=user, terms_version=challenge.terms_version
    ).exists()


def is_author(solution, viewer: Viewer) -> bool:
    if viewer.user is not None and solution.submitted_by_id == viewer.user.pk:
        return True
    return any(share.enterprise_id in viewer.enterprise_ids for share in solution.shares.all())


def solutions_for(viewer: Viewer, challenge):
    """The submissions to ``challenge`` ``viewer`` may read: all for the seeker, their own otherwise."""
    qs = Solution.objects.filter(cluster_id=challenge.cluster_id, challenge=challenge)
    if not is_seeker(challenge, viewer):
        if viewer.user is None:
            return qs.none()
        authored = SolutionShare.objects.filter(solution=OuterRef("pk"), enterprise_id__in=list(viewer.enterprise_ids))
        qs = qs.filter(Q(submitted_by=viewer.user) | Exists(authored))
    return qs.select_related("submitted_by", "award").prefetch_related(
        Prefetch("shares", queryset=SolutionShare.objects.select_related("enterprise").order_by("-percent", "pk")),
        Prefetch("questions", queryset=SolutionQuestion.objects.order_by("asked_at", "pk")),
        Prefetch("files", queryset=SolutionDocument.objects.order_by("created_at", "pk")),
    )


def solution_document_get(viewer: Viewer, challenge, *, solution_id: int, document_id: int):
    """A document of a solution of ``challenge`` (one ``challenge_get`` gave ``viewer``) that ``viewer`` may
    read now (its authors', the seeker's), else ``NotFoundError``: the same answer whether the document or
    the solution is out of reach or missing."""
    readable = solutions_for(viewer, challenge).filter(pk=solution_id)
    # one query: the solutions the viewer may read as a subquery (their prefetches are not run)
    document = SolutionDocument.objects.filter(
        cluster_id=challenge.cluster_id, solution__in=readable, pk=document_id
    ).first()
    if document is None:
        raise NotFoundError()
    return document


def awards_of(cluster):
    return Award.objects.filter(challenge__cluster=cluster).select_related("challenge", "solution", "winner")


def experts_of(cluster):
    return ExpertProfile.objects.filter(cluster=cluster).select_related("user").prefetch_related("capabilities")


def innovation_links(cluster) -> list[tuple[int, int]]:
    """The collaboration network's innovation edges: seeker–solver (each awarded or submitted
    solution's enterprises) and consortium partners (each pair within one solution)."""
    edges = set()
    rows = SolutionShare.objects.filter(
        solution__cluster=cluster, solution__challenge__seeker__isnull=False
    ).values_list("solution_id", "solution__challenge__seeker_id", "enterprise_id")
    partners: dict[int, set] = {}
    for solution_id, seeker_id, enterprise_id in rows:
        if seeker_id != enterprise_id:
            edges.add(tuple(sorted((seeker_id, enterprise_id))))
        partners.setdefault(solution_id, set()).add(enterprise_id)
    for members in partners.values():
        ordered = sorted(members)
        edges.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return sorted(edges)


def innovation_figures(cluster) -> dict:
    """Challenges posted and solved, the median days from opening to award (the dashboard's; the
    library's reuse is ``knowledge_reuse_figures``)."""
    import statistics

    posted = Challenge.objects.filter(cluster=cluster, status__in=PUBLISHED).count()
    solved = list(
        Challenge.objects.filter(cluster=cluster, status="awarded", opened_at__isnull=False).values_list(
            "opened_at", "decided_at"
        )
    )
    days = [(decided - opened).total_seconds() / 86400 for opened, decided in solved if decided]
    return {
        "challenges_posted": posted,
        "challenges_solved": len(solved),
        "median_days_to_solution": round(statistics.median(days), 1) if days else None,
    }


# --- knowledge library and search ---

__all__ = ["knowledge_entries_visible", "knowledge_entry_get", "knowledge_reuse_figures", "viewer_enterprise_ids"]


def _reuse(qs):
    """Each entry's reuse: distinct enterprises that read, bookmarked or found it helpful."""
    return qs.annotate(
        reuse_count=Count("uses__enterprise", distinct=True),
        helped_count=Count("uses__enterprise", filter=Q(uses__kind=KnowledgeUse.Kind.HELPED), distinct=True),
    )


def knowledge_entries_visible(*, cluster, enterprise_ids=(), is_admin: bool = False):
    """The library entries of ``cluster`` a viewer may read: every published one, and the others of
    their own enterprises (the administrators: all of them; the parties of a lesson's deal: that lesson)."""
    qs = KnowledgeEntry.objects.filter(cluster=cluster)
    if not is_admin:
        ids = list(enterprise_ids)
        qs = qs.filter(
            Q(status=KnowledgeEntry.Status.PUBLISHED)
            | Q(enterprise_id__in=ids)
            | Q(source_deal__buyer_id__in=ids)
            | Q(source_deal__supplier_id__in=ids)
        )
    qs = qs.select_related("enterprise", "source_deal").prefetch_related("authors", "consents")
    # explicit: the reuse counts group the rows, and a grouped query drops Meta.ordering (pages paginate it)
    return _reuse(qs).order_by("-published_at", "-pk")


def knowledge_entry_get(*, cluster, entry_id: int, enterprise_ids=(), is_admin: bool = False):
    return (
        knowledge_entries_visible(cluster=cluster, enterprise_ids=enterprise_ids, is_admin=is_admin)
        .filter(pk=entry_id)
        .first()
    )


def knowledge_reuse_figures(*, cluster) -> dict[str, int]:
    """The library's figures for the dashboard: entries published, those reused by an enterprise
    other than their author, and the distinct enterprises that reused any."""
    published = KnowledgeEntry.objects.filter(cluster=cluster, status=KnowledgeEntry.Status.PUBLISHED)
    reused = KnowledgeUse.objects.filter(entry__in=published).exclude(enterprise_id=F("entry__enterprise_id"))
    return {
        "library_entries": published.count(),
        "library_entries_reused": reused.values("entry_id").distinct().count(),
        "library_reusing_enterprises": reused.values("enterprise_id").distinct().count(),
    }
