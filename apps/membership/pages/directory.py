"""The member directory of a cluster, for its members and administrators."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import ADMINISTRATOR, MEMBER, cluster_page

from .. import selectors
from ..filters import DirectoryPageFilter


@cluster_page(
    ADMINISTRATOR,
    MEMBER,
    refusal=gettext_lazy("The member directory is open to the cluster's members and administrators."),
)
def member_directory(request, slug):
    access = request.cluster_access
    filters = DirectoryPageFilter(request.GET, queryset=selectors.member_directory(cluster=access.cluster))
    page = PageQuery(request.GET).page_of(filters.qs, 24)
    page.object_list = selectors.with_verification_levels(page.object_list, cluster=access.cluster)
    return render(
        request,
        "membership/member_directory.html",
        {
            "cluster": access.cluster,
            "form": filters.form,  # invalid filters are shown with their error and left out
            "page": page,
            "paging_query": query_string(filters.form),
            "can_report": access.is_member,
            "mine": selectors.user_enterprise_ids(user=request.user) if access.is_member else set(),
        },
    )
