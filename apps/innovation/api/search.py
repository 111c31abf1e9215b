"""One search over the cluster: ``GET /api/v1/clusters/{slug}/search/?q=…&kind=…``.

``q`` is required (at most 100 characters) and must hold a searchable word; ``kind`` (repeatable)
narrows the kinds. Members and administrators search; each finds what it may see (drafts are
their owner's alone, another cluster's rows never appear)."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.api.schema import AutoSchema, ErrorSerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..filters import SearchFilter
from ..models import SearchEntry
from ..search import backends, sources
from ..search.tokens import query_terms

#: results answered at most (the best first)
SEARCH_LIMIT = 50


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    id = serializers.IntegerField(source="object_id")
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField()
    rank = serializers.FloatField()


class SearchAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


def hit_rows(hits, *, slug: str) -> list[dict]:
    """What a page and the API show of each hit (its kind's label and page)."""
    rows = []
    for hit in hits:
        source = sources.SOURCES.get(hit.kind)
        rows.append(
            {
                "kind": hit.kind,
                "kind_label": str(source.label) if source else hit.kind,
                "object_id": hit.object_id,
                "title": hit.title,
                "summary": hit.summary,
                "url": source.url(slug, hit.object_id) if source else "",
                "rank": hit.rank,
            }
        )
    return rows


def run_search(*, cluster, user, q: str, kinds) -> list:
    """The search a page or the API asks for, as the viewer (a query with no searchable word is a
    400 naming ``q``)."""
    if not query_terms(q):
        raise ValidationError({"q": [_("Enter a word or at least one Chinese character.")]})
    return backends.search(
        q, cluster=cluster, enterprise_ids=selectors.viewer_enterprise_ids(user), kinds=kinds, limit=SEARCH_LIMIT
    )


class OneAnswerSchema(AutoSchema):
    """The search answers one object (``count`` and the best ``results``), not a paginated list."""

    def _is_list_view(self, serializer=None):
        return False


class SearchViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    schema = OneAnswerSchema()
    queryset = SearchEntry.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = SearchFilter
    pagination_class = None
    required_roles = {"list": {ADMINISTRATOR, MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return SearchEntry.objects.filter(cluster=cluster)

    @extend_schema(
        summary="Search the cluster (library, listings, members)",
        responses={
            200: SearchAnswerSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def list(self, request, *args, **kwargs):
        query = SearchFilter(data=request.query_params, queryset=self.get_queryset(), request=request)
        if not query.is_valid():
            raise ValidationError(query.errors)
        data = query.form.cleaned_data
        hits = run_search(cluster=self.cluster, user=request.user, q=data["q"], kinds=data.get("kind") or ())
        rows = hit_rows(hits, slug=self.cluster.slug)
        return Response(SearchAnswerSerializer({"count": len(rows), "results": rows}).data)
