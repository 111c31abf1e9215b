"""Pages of the tenancy app: the cluster directory (home) and a cluster's page."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from apps.core.errors import NotFoundError

from . import selectors
from .models import Cluster


def home(request):
    clusters = selectors.cluster_list()
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if query:
        clusters = clusters.filter(
            Q(name_zh__icontains=query)
            | Q(name_en__icontains=query)
            | Q(industry_focus__icontains=query)
            | Q(region__icontains=query)
        )
    if kind in Cluster.Kind.values:
        clusters = clusters.filter(kind=kind)
    page = Paginator(clusters.order_by("name_en"), 24).get_page(request.GET.get("page"))
    return render(
        request,
        "tenancy/home.html",
        {"page": page, "query": query, "kind": kind, "kinds": Cluster.Kind.choices},
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
