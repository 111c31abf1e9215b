"""The library's pages: the list (with its filters) and one entry (its body rendered safely)."""

from django.http import Http404
from django.shortcuts import render

from apps.tenancy.pages import ADMINISTRATOR, MEMBER, cluster_page

from .. import selectors
from ..filters import KnowledgeFilter
from ..markup import render_markup
from ..services import knowledge as services

READERS = (ADMINISTRATOR, MEMBER)


def _viewer(request):
    access = request.cluster_access
    return access, selectors.viewer_enterprise_ids(request.user), access.is_admin


@cluster_page(*READERS)
def knowledge_list(request, slug):
    access, enterprise_ids, is_admin = _viewer(request)
    entries = selectors.knowledge_entries_visible(
        cluster=access.cluster, enterprise_ids=enterprise_ids, is_admin=is_admin
    )
    filterset = KnowledgeFilter(request.GET, queryset=entries)
    shown = filterset.qs if filterset.is_valid() else entries
    return render(
        request,
        "innovation/knowledge_list.html",
        access.context(filter=filterset, entries=list(shown[:100])),
    )


@cluster_page(*READERS)
def knowledge_detail(request, slug, pk):
    access, enterprise_ids, is_admin = _viewer(request)
    entry = selectors.knowledge_entry_get(
        cluster=access.cluster, entry_id=pk, enterprise_ids=enterprise_ids, is_admin=is_admin
    )
    if entry is None:
        raise Http404
    if entry.status == entry.Status.PUBLISHED and access.is_member:
        services.knowledge_use(actor=request.user, cluster=access.cluster, entry_id=entry.pk, kind="view")
    return render(
        request,
        "innovation/knowledge_detail.html",
        access.context(entry=entry, body=render_markup(entry.body)),
    )
