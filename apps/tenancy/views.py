"""Pages of the tenancy app: the cluster directory (home) and a cluster's page."""

from django.shortcuts import render

from apps.core.forms import PageQuery

from . import selectors
from .figures import public_figures
from .filters import ClusterDirectoryFilter
from .joining import joining_state
from .models import Cluster
from .pages import ANYONE, cluster_page


def home(request):
    filters = ClusterDirectoryFilter(request.GET, queryset=selectors.cluster_list())
    return render(
        request,
        "tenancy/home.html",
        {
            "page": PageQuery(request.GET).page_of(filters.qs.order_by("name_en"), 24),
            "query": filters.form.cleaned_data.get("q") or "",
            "query_errors": filters.form["q"].errors,
            "kind": filters.tab("kind"),
            "kinds": Cluster.Kind.choices,
        },
    )


@cluster_page(ANYONE)
def cluster_detail(request, slug):
    access = request.cluster_access
    roles, user = access.roles, request.user
    return render(
        request,
        "tenancy/cluster_detail.html",
        {
            "cluster": access.cluster,
            "roles": roles,
            "is_administrator": selectors.ADMINISTRATOR in roles,
            "is_member": access.is_member,
            "can_moderate": access.is_admin,
            "figures": public_figures(access.cluster),
            "joining": joining_state(cluster=access.cluster, user=user, is_admin=access.is_admin),
            "administrators": (
                selectors.cluster_administrators(cluster=access.cluster)
                if roles & {selectors.ADMINISTRATOR, selectors.MEMBER} or user.is_staff
                else None
            ),
        },
    )
