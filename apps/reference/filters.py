"""The declared query parameters of the reference API: each answers 400 naming itself when wrong."""

from django_filters import rest_framework as filters

from .models import Capability, IndustryCode, Region


class CapabilityFilter(filters.FilterSet):
    category = filters.CharFilter(max_length=30, help_text="Only this category, e.g. machining.")

    class Meta:
        model = Capability
        fields = []


class IndustryCodeFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=IndustryCode.Level.choices, help_text="Sections or divisions only.")
    parent = filters.CharFilter(field_name="parent_id", max_length=4, help_text="The divisions of this section.")

    class Meta:
        model = IndustryCode
        fields = []


class RegionFilter(filters.FilterSet):
    province = filters.CharFilter(
        method="in_province",
        max_length=2,
        min_length=2,
        help_text="The cities of one province, by the first two digits of their code, e.g. 33 (Zhejiang).",
    )

    class Meta:
        model = Region
        fields = []

    def in_province(self, queryset, name, value):
        return queryset.filter(code__startswith=value)
