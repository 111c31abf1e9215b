"""One search over the cluster: ``GET /api/v1/clusters/{slug}/search/?q=…&kind=…``.

``q`` is required (at most 100 characters) and must hold a searchable word; ``kind`` (repeatable)
narrows the kinds. Members and administrators search; each finds what it may see (drafts are
their owner's alone, another cluster's rows never appear)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.api.schema import AutoSchema, ErrorSerializer
from apps.partnerships.selectors import partners_in_force
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
    partner = serializers.BooleanField(help_text="A partner cluster's challenge shared with partners.")
    rank = serializers.FloatField()


class SearchAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


#: the kinds another cluster may share with partners (found across a partnership in force)
PARTNER_KINDS = ("challenge",)


def _url(hit, source, *, slug: str, cluster_id) -> str:
    if source is None:
        return ""
    if cluster_id is not None and hit.cluster_id not in (None, cluster_id):
        return reverse("partner-challenge-page", args=[slug, hit.id])  # the partner's public summary
    return source.url(slug, hit.object_id)


def hit_rows(hits, *, slug: str, cluster_id=None) -> list[dict]:
    """What a page and the API show of each hit (its kind's label and page; a partner cluster's
    shared challenge: its summary page in the reader's cluster)."""
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
                "url": _url(hit, source, slug=slug, cluster_id=cluster_id),
                "partner": cluster_id is not None and hit.cluster_id not in (None, cluster_id),
                "rank": hit.rank,
            }
        )
    return rows


def run_search(*, cluster, user, q: str, kinds) -> list:
    """The search a page or the API asks for, as the viewer (a query with no searchable word is a
    400 naming ``q``)."""
    if not query_terms(q):
        raise ValidationError({"q": [_("Enter a word or at least one Chinese character.")]})
    kinds = list(kinds)
    shared = not kinds or bool(set(kinds) & set(PARTNER_KINDS))
    return backends.search(
        q,
        cluster=cluster,
        enterprise_ids=selectors.viewer_enterprise_ids(user),
        kinds=kinds,
        partner_ids=partners_in_force(cluster) if shared else (),
        limit=SEARCH_LIMIT,
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
        summary="Search the cluster (library, listings, challenges, members)",
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
        rows = hit_rows(hits, slug=self.cluster.slug, cluster_id=self.cluster.pk)
        return Response(SearchAnswerSerializer({"count": len(rows), "results": rows}).data)
