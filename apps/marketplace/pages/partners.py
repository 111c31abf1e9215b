"""The partner view as a page: what partner clusters' members opened to this cluster's members
(``selectors.partner_listings``), never anything else of theirs."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from apps.core.forms import PageQuery
from apps.tenancy.pages import ADMINISTRATOR, MEMBER, cluster_page

from .. import selectors

PAGE_SIZE = 50


@cluster_page(
    ADMINISTRATOR, MEMBER, refusal=gettext_lazy("Only members and administrators of the cluster see partner listings.")
)
def partner_market(request, slug):
    access = request.cluster_access
    query = PageQuery(request.GET)
    page = query.page_of(selectors.partner_listings(cluster=access.cluster), PAGE_SIZE)
    return render(request, "marketplace/partner_market.html", access.context(page=page, rows=list(page.object_list)))
