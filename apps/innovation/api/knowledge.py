"""The knowledge library's API: ``/api/v1/clusters/{slug}/knowledge/``.

Members read what is published (and their own enterprises' drafts); a member writes for one of
its enterprises; administrators review. Every write goes through ``services.knowledge``.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..filters import KnowledgeFilter
from ..markup import render_markup
from ..models import KnowledgeEntry, KnowledgeUse
from ..services import knowledge as services

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
READERS = {ADMINISTRATOR, MEMBER}


class KnowledgeEntrySerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.legal_name_zh", read_only=True)
    authors = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    reuse_count = serializers.IntegerField(read_only=True)
    helped_count = serializers.IntegerField(read_only=True)
    consents = serializers.SerializerMethodField()
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=12)

    class Meta:
        model = KnowledgeEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "title",
            "body",
            "body_html",
            "tags",
            "language",
            "authors",
            "status",
            "source_deal",
            "consents",
            "published_at",
            "reuse_count",
            "helped_count",
            "created_at",
        ]
        read_only_fields = ["status", "published_at", "created_at"]

    def get_authors(self, entry) -> list[str]:
        return [user.name or user.email.split("@")[0] for user in entry.authors.all()]

    def get_body_html(self, entry) -> str:
        return str(render_markup(entry.body))

    def get_consents(self, entry) -> list[int]:
        return sorted(consent.enterprise_id for consent in entry.consents.all())


class KnowledgeEditSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KnowledgeEntry.Kind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=50000, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=12)
    language = serializers.ChoiceField(choices=KnowledgeEntry.Language.choices, required=False)


class KnowledgeCreateSerializer(KnowledgeEditSerializer):
    enterprise = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=KnowledgeEntry.Kind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=50000)
    source_deal = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class ConsentSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(min_value=1)


class UseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KnowledgeUse.Kind.choices)
    enterprise = serializers.IntegerField(min_value=1, required=False)


@extend_schema_view(
    list=extend_schema(summary="The cluster's library", responses={200: KnowledgeEntrySerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A library entry", responses={200: KnowledgeEntrySerializer, **ERRORS}),
    create=extend_schema(
        summary="Draft a library entry",
        request=KnowledgeCreateSerializer,
        responses={201: KnowledgeEntrySerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit a draft", request=KnowledgeEditSerializer, responses={200: KnowledgeEntrySerializer, **ERRORS}
    ),
)
class KnowledgeEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet
):
    serializer_class = KnowledgeEntrySerializer
    queryset = KnowledgeEntry.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = KnowledgeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_roles = {
        "list": READERS,
        "retrieve": READERS,
        "create": {MEMBER},
        "partial_update": {MEMBER},
        "submit": {MEMBER},
        "consent": {MEMBER},
        "review": {ADMINISTRATOR},
        "withdraw": READERS,
        "use": {MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.knowledge_entries_visible(
            cluster=cluster,
            enterprise_ids=selectors.viewer_enterprise_ids(user),
            is_admin=ADMINISTRATOR in self.cluster_roles or user.is_staff,
        )

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _answer(self, entry, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = KnowledgeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        entry = services.knowledge_create(
            actor=request.user,
            cluster=self.cluster,
            enterprise_id=values.pop("enterprise"),
            source_deal_id=values.pop("source_deal", None),
            **values,
        )
        return self._answer(entry, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        data = KnowledgeEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.knowledge_update(
            actor=request.user, cluster=self.cluster, entry_id=entry.pk, **data.validated_data
        )
        return self._answer(entry)

    @extend_schema(
        summary="Submit a draft (consent, review or publication)",
        request=None,
        responses={200: KnowledgeEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        entry = services.knowledge_submit(actor=request.user, cluster=self.cluster, entry_id=self.get_object().pk)
        return self._answer(entry)

    @extend_schema(
        summary="A party of the deal consents to its lesson",
        request=ConsentSerializer,
        responses={200: KnowledgeEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def consent(self, request, *args, **kwargs):
        entry = self.get_object()
        data = ConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.knowledge_consent(
            actor=request.user, cluster=self.cluster, entry_id=entry.pk, enterprise_id=data.validated_data["enterprise"]
        )
        return self._answer(entry)

    @extend_schema(
        summary="Publish or send back an entry awaiting review",
        request=ReviewSerializer,
        responses={200: KnowledgeEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        entry = self.get_object()
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.knowledge_review(
            actor=request.user, cluster=self.cluster, entry_id=entry.pk, approve=data.validated_data["approve"]
        )
        return self._answer(entry)

    @extend_schema(
        summary="Withdraw a published entry", request=None, responses={200: KnowledgeEntrySerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        entry = services.knowledge_withdraw(actor=request.user, cluster=self.cluster, entry_id=self.get_object().pk)
        return self._answer(entry)

    @extend_schema(
        summary="Record a view, a bookmark or 'this helped'",
        request=UseSerializer,
        responses={200: KnowledgeEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def use(self, request, *args, **kwargs):
        entry = self.get_object()
        data = UseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.knowledge_use(
            actor=request.user,
            cluster=self.cluster,
            entry_id=entry.pk,
            kind=data.validated_data["kind"],
            enterprise_id=data.validated_data.get("enterprise"),
        )
        return self._answer(entry)
