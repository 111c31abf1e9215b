"""Pages of the tenancy app: the cluster directory (home) and a cluster's page."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from apps.core.errors import NotFoundError
from apps.core.forms import SearchPageQuery

from . import selectors
from .models import Cluster


def home(request):
    clusters = selectors.cluster_list()
    search = SearchPageQuery(request.GET, kind=(Cluster.Kind.values, ""))
    query, kind = search.value("q"), search.value("kind")
    if query:
        clusters = clusters.filter(
            Q(name_zh__icontains=query)
            | Q(name_en__icontains=query)
            | Q(industry_focus__icontains=query)
            | Q(region__icontains=query)
        )
    if kind:
        clusters = clusters.filter(kind=kind)
    page = search.page_of(clusters.order_by("name_en"), 24)
    return render(
        request,
        "tenancy/home.html",
        {
            "page": page,
            "query": query,
            "query_errors": search["q"].errors,
            "kind": kind,
            "kinds": Cluster.Kind.choices,
        },
    )


def cluster_detail(request, slug):
    try:
        cluster = selectors.cluster_get(slug=slug, user=request.user)
    except NotFoundError:
        raise Http404 from None
    roles = selectors.cluster_roles_for(user=request.user, cluster=cluster)
    from apps.monitoring.views import public_figures  # monitoring builds on tenancy, not the other way

    return render(
        request,
        "tenancy/cluster_detail.html",
        {
            "cluster": cluster,
            "roles": roles,
            "is_administrator": "administrator" in roles,
            "is_member": selectors.MEMBER in roles,
            "can_moderate": selectors.ADMINISTRATOR in roles or request.user.is_staff,
            "figures": public_figures(cluster),
            "administrators": (
                selectors.cluster_administrators(cluster=cluster)
                if roles & {selectors.ADMINISTRATOR, selectors.MEMBER} or request.user.is_staff
                else None
            ),
        },
    )
