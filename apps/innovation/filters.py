"""The declared query parameters of innovation, pages and API alike."""

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import Challenge, ChallengeStatus, ExpertProfile, KnowledgeEntry, SearchEntry
from .search.tokens import MAX_QUERY_LENGTH

# --- challenges and solutions ---


class ChallengeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ChallengeStatus.choices)
    capability = filters.CharFilter(field_name="capabilities__code", max_length=60, distinct=True)

    class Meta:
        model = Challenge
        fields = ["status", "capability"]


class ExpertFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ExpertProfile.Kind.choices)
    capability = filters.CharFilter(field_name="capabilities__code", max_length=60, distinct=True)

    class Meta:
        model = ExpertProfile
        fields = ["kind", "capability"]


# --- knowledge library and search ---

#: the kinds one may search for (``?kind=``): the sources registered in ``search.sources``
SEARCH_KINDS = (
    ("knowledge", _("Library")),
    ("member", _("Members")),
    ("order", _("Orders")),
    ("capacity", _("Capacities")),
    ("channel_offer", _("Channel offers")),
    ("channel_request", _("Channel requests")),
    ("challenge", _("Challenges")),
)


def _unfiltered(queryset, name, value):
    return queryset  # the search backend reads the cleaned values, not the ORM


class SearchFilter(filters.FilterSet):
    """``?q=`` (required, at most ``MAX_QUERY_LENGTH`` characters) and ``?kind=`` (repeatable)."""

    q = filters.CharFilter(
        label=_("Search"), required=True, max_length=MAX_QUERY_LENGTH, strip=True, method=_unfiltered
    )
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=SEARCH_KINDS, method=_unfiltered)

    class Meta:
        model = SearchEntry
        fields = ["q", "kind"]


class SearchPageFilter(SearchFilter):
    """The search page: an empty query shows the form, not an error."""

    q = filters.CharFilter(
        label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH, strip=True, method=_unfiltered
    )


class KnowledgeFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(label=_("Kind"), choices=KnowledgeEntry.Kind.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=KnowledgeEntry.Status.choices)
    language = filters.ChoiceFilter(label=_("Language"), choices=KnowledgeEntry.Language.choices)
    tag = filters.CharFilter(label=_("Tag"), max_length=40, method="filter_tag")

    class Meta:
        model = KnowledgeEntry
        fields = ["kind", "status", "language", "tag"]

    def filter_tag(self, queryset, name, value):
        """Entries whose tags hold ``value`` exactly: JSON containment where the database has it
        (PostgreSQL), else SQLite's ``json_each`` (its JSONField has no ``contains`` lookup)."""
        if not value:
            return queryset
        if connection.features.supports_json_field_contains:
            return queryset.filter(tags__contains=[value])
        table = queryset.model._meta.db_table
        tagged = RawSQL(f'EXISTS (SELECT 1 FROM json_each("{table}"."tags") WHERE json_each.value = %s)', [value])
        return queryset.alias(tagged=ExpressionWrapper(tagged, output_field=BooleanField())).filter(tagged=True)
