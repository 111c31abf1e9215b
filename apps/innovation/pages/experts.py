"""The cluster's experts and institutions, with their fields of expertise."""

from django.shortcuts import render

from apps.core.forms import PageQuery

from .. import selectors
from ..filters import ExpertFilter
from .challenges import PARTICIPANTS, _viewer, cluster_page

PAGE_SIZE = 50


@cluster_page(*PARTICIPANTS)
def expert_list(request, slug):
    access, _viewer_of = _viewer(request)
    experts = selectors.experts_of(access.cluster)
    filterset = ExpertFilter(request.GET, queryset=experts)
    rows = filterset.qs if filterset.is_valid() else experts
    page = PageQuery(request.GET).page_of(rows, PAGE_SIZE)
    return render(request, "innovation/experts.html", access.context(page=page, form=filterset.form))
