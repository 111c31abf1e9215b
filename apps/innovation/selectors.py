"""Reads of innovation, always scoped by cluster, shared by the pages and the API."""

from django.db.models import Count, F, Q

from apps.marketplace.selectors import viewer_enterprise_ids

from .models import KnowledgeEntry, KnowledgeUse

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
    return _reuse(qs.select_related("enterprise", "source_deal").prefetch_related("authors", "consents"))


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
