"""The search page: one box over the library, the listings and the members of the cluster."""

from django.shortcuts import render
from rest_framework.exceptions import ValidationError

from apps.tenancy.pages import ADMINISTRATOR, MEMBER, cluster_page

from ..api.search import hit_rows, run_search
from ..filters import SearchPageFilter
from ..models import SearchEntry


@cluster_page(ADMINISTRATOR, MEMBER)
def search_page(request, slug):
    access = request.cluster_access
    filterset = SearchPageFilter(request.GET, queryset=SearchEntry.objects.none())
    results, error = None, None
    if filterset.is_valid() and filterset.form.cleaned_data.get("q"):
        data = filterset.form.cleaned_data
        try:
            hits = run_search(cluster=access.cluster, user=request.user, q=data["q"], kinds=data.get("kind") or ())
            results = hit_rows(hits, slug=access.cluster.slug, cluster_id=access.cluster.pk)
        except ValidationError as exc:
            error = exc.detail["q"][0]
    return render(request, "innovation/search.html", access.context(filter=filterset, results=results, error=error))
