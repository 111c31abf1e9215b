"""The declared query parameters of the tenancy API and pages."""

from django.db.models import Q
from django_filters import rest_framework as filters

from apps.core.api.filters import PageFilterSet, TabFilter

from .models import Cluster


class ClusterFilter(filters.FilterSet):
    """The API's cluster list."""

    class Meta:
        model = Cluster
        fields = {"kind": ["exact"], "status": ["exact"], "region": ["exact", "icontains"]}


class ClusterDirectoryFilter(PageFilterSet):
    """The home page's directory: a search box and a tab per kind of cluster (every kind by default)."""

    q = filters.CharFilter(max_length=100, method="filter_q")
    kind = TabFilter(tabs=Cluster.Kind.values, default="", every=None)

    class Meta:
        model = Cluster
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name_zh__icontains=value)
            | Q(name_en__icontains=value)
            | Q(industry_focus__icontains=value)
            | Q(industry_focus_zh__icontains=value)
            | Q(region__icontains=value)
            | Q(region_zh__icontains=value)
        )
