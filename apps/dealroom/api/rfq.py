"""Requests for quotation: ``/api/v1/clusters/<slug>/rfqs/`` (+ ``quotes/``, ``award/``). The buyer
sees every invitation and quote; an invited supplier its own; anyone else gets 404."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import fields
from apps.core.api.serializers import ModelSerializer
from apps.core.dates import PLAN
from apps.membership.api.serializers import EnterpriseSummarySerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import MEMBER

from .. import selectors
from ..models import RequestForQuotation, RfqInvitation
from ..services import rfq as services
from .attachments import AttachedFileSerializer, attached_file
from .documents import DocumentSerializer
from .offers import ERRORS, WITH_DOCUMENT, OfferSerializer, TermsSerializer, TermsWithDocumentSerializer


class RfqCreateSerializer(serializers.Serializer):
    order = serializers.IntegerField(min_value=1, max_value=10**18)
    suppliers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10**18), required=False, default=list, max_length=50
    )
    best = serializers.IntegerField(min_value=1, max_value=50, required=False, allow_null=True, default=None)
    deadline = fields.DateTimeField(span=PLAN)
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AwardLineSerializer(serializers.Serializer):
    quote = serializers.IntegerField(min_value=1, max_value=10**18)
    quantity = serializers.IntegerField(
        min_value=1, max_value=2_000_000_000, required=False, allow_null=True, default=None
    )


class RfqAwardSerializer(serializers.Serializer):
    awards = AwardLineSerializer(many=True, allow_empty=False, max_length=50)


class RfqCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RfqInvitationSerializer(ModelSerializer):
    supplier = EnterpriseSummarySerializer(read_only=True)

    class Meta:
        model = RfqInvitation
        fields = ("id", "supplier", "capacity", "score", "proposed_by_engine", "status")
        read_only_fields = fields


class RfqSerializer(ModelSerializer):
    buyer = EnterpriseSummarySerializer(read_only=True)
    order_title = serializers.CharField(source="order.title", read_only=True)
    invitations = serializers.SerializerMethodField()

    class Meta:
        model = RequestForQuotation
        fields = (
            "id",
            "order",
            "order_title",
            "buyer",
            "quantity",
            "deadline",
            "message",
            "status",
            "awarded_at",
            "cancelled_at",
            "cancel_reason",
            "invitations",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(RfqInvitationSerializer(many=True))
    def get_invitations(self, rfq) -> list[dict]:
        """The buyer sees every invitation; an invited supplier only its own (prefetched: no query per row)."""
        mine = self.context.get("my_enterprises")
        if mine is None:
            mine = self.context["my_enterprises"] = selectors.my_enterprise_ids(self.context["request"].user)
        rows = [i for i in rfq.invitations.all() if rfq.buyer_id in mine or i.supplier_id in mine]
        return RfqInvitationSerializer(rows, many=True).data


class QuoteRevisionSerializer(serializers.Serializer):
    """An earlier version of a quote, superseded by a revision (kept for the history)."""

    id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    delivery_date = fields.DateField(span=PLAN)
    lot_size = serializers.IntegerField()
    payment_terms = serializers.CharField()
    note = serializers.CharField()
    created_at = fields.DateTimeField()


class QuoteSerializer(OfferSerializer):
    """A quote beside the others: its terms, the engine's score of the supplier, its reputation,
    and the earlier versions it revised (newest first)."""

    score = serializers.FloatField(source="invitation.score", read_only=True)
    awarded_quantity = serializers.IntegerField(read_only=True)
    reputation = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()

    class Meta(OfferSerializer.Meta):
        fields = (
            *OfferSerializer.Meta.fields,
            "invitation",
            "revises",
            "score",
            "awarded_quantity",
            "reputation",
            "revisions",
        )
        read_only_fields = fields

    @extend_schema_field(QuoteRevisionSerializer(many=True))
    def get_revisions(self, quote) -> list[dict]:
        return QuoteRevisionSerializer(getattr(quote, "revisions", []), many=True).data

    def get_reputation(self, quote) -> dict | None:
        reputation = self.context.get("reputations", {}).get(quote.enterprise_id)
        if reputation is None:
            return None
        return {
            "deals_completed": reputation.deals_completed,
            "on_time_rate": reputation.on_time_rate,
            "average_score": reputation.average_score,
            "ratings_count": reputation.ratings_count,
        }


@extend_schema_view(
    list=extend_schema(
        summary="Requests for quotation you sent or were invited to",
        responses={200: RfqSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A request for quotation", responses={200: RfqSerializer, **ERRORS}),
    create=extend_schema(
        summary="Send an order to chosen suppliers, or the best N the engine proposes",
        request=RfqCreateSerializer,
        responses={201: RfqSerializer, **ERRORS},
    ),
)
class RfqViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = RfqSerializer
    queryset = RequestForQuotation.objects.all()
    required_roles = {
        "list": {MEMBER},
        "retrieve": {MEMBER},
        "create": {MEMBER},
        "quotes": {MEMBER},
        "revise_quote": {MEMBER},
        "quote_with_document": {MEMBER},
        "revise_quote_with_document": {MEMBER},
        "documents": {MEMBER},
        "award": {MEMBER},
        "cancel": {MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.rfqs_visible(cluster=cluster, user=user).prefetch_related("invitations__supplier")

    def create(self, request, *args, **kwargs):
        serializer = RfqCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rfq = services.rfq_create(
            actor=request.user,
            cluster=self.cluster,
            order_id=data["order"],
            suppliers=data["suppliers"],
            best=data["best"],
            deadline=data["deadline"],
            message=data["message"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=rfq.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The quotes side by side (the buyer: all; a supplier: its own)",
        responses={200: QuoteSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Quote (an invited supplier, once, before the deadline)",
        request=TermsSerializer,
        responses={201: QuoteSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def quotes(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._send(request, services.quote_submit, attached={})
        rfq = self.get_object()
        return Response(self._quotes(selectors.comparison(rfq=rfq, user=request.user)))

    def _quotes(self, rows):
        reputations = {r["quote"].enterprise_id: r["reputation"] for r in rows if r["reputation"] is not None}
        return QuoteSerializer([r["quote"] for r in rows], many=True, context={"reputations": reputations}).data

    def _send(self, request, submit, *, attached: dict | None):
        """A quote or its revision (``submit``), with the document sent with it (``attached`` None:
        read from the multipart body, refused before anything is written)."""
        rfq = self.get_object()
        if attached is None:
            attached = attached_file(request, self.cluster)
        serializer = TermsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms, note = serializer.terms()
        quote = submit(actor=request.user, cluster=self.cluster, rfq_id=rfq.pk, terms=terms, note=note, **attached)
        rows = [r for r in selectors.comparison(rfq=rfq, user=request.user) if r["quote"].pk == quote.pk]
        return Response(self._quotes(rows)[0], status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Quote with a document attached (multipart: the terms, kind, file)",
        description=WITH_DOCUMENT,
        request={"multipart/form-data": TermsWithDocumentSerializer},
        responses={201: QuoteSerializer, **ERRORS},
    )
    @action(
        detail=True, methods=["post"], url_path="quotes/with-document", parser_classes=[MultiPartParser, FormParser]
    )
    def quote_with_document(self, request, *args, **kwargs):
        return self._send(request, services.quote_submit, attached=None)

    @extend_schema(
        summary="Revise your open quote with a document attached (multipart: the terms, kind, file)",
        description=WITH_DOCUMENT,
        request={"multipart/form-data": TermsWithDocumentSerializer},
        responses={201: QuoteSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="quotes/revise-with-document",
        parser_classes=[MultiPartParser, FormParser],
    )
    def revise_quote_with_document(self, request, *args, **kwargs):
        return self._send(request, services.quote_revise, attached=None)

    @extend_schema(
        methods=["GET"],
        summary="The request's documents (the buyer's, and the suppliers': each supplier sees only its own)",
        responses={200: DocumentSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a document (multipart: file, kind): the buyer's reach every invited supplier, "
        "a supplier's only the buyer",
        request={"multipart/form-data": AttachedFileSerializer},
        responses={201: DocumentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, *args, **kwargs):
        rfq = self.get_object()
        if request.method == "POST":
            attached = attached_file(request, self.cluster)
            document = services.rfq_document_upload(actor=request.user, cluster=self.cluster, rfq_id=rfq.pk, **attached)
            return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        rows = selectors.documents_of_rfq(
            cluster=self.cluster, user=request.user, roles=self.cluster_roles, rfq_id=rfq.pk
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        summary="Revise your open quote (an invited supplier, before the deadline; the rulebook caps how often)",
        description=(
            "The quote answered is superseded (kept, listed in the new quote's `revisions`); the buyer's "
            "comparison shows the latest. At most `dealroom.quote_max_revisions` revisions per quote."
        ),
        request=TermsSerializer,
        responses={201: QuoteSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="quotes/revise")
    def revise_quote(self, request, *args, **kwargs):
        return self._send(request, services.quote_revise, attached={})

    @extend_schema(
        summary="Cancel the request (the buyer, while open): its open quotes are closed, the suppliers told",
        request=RfqCancelSerializer,
        responses={200: RfqSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        rfq = self.get_object()
        serializer = RfqCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.rfq_cancel(
            actor=request.user, cluster=self.cluster, rfq_id=rfq.pk, reason=serializer.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=rfq.pk)).data)

    @extend_schema(
        summary="Award one or several quotes (the buyer): a deal on each quote's terms",
        request=RfqAwardSerializer,
        responses={200: RfqSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def award(self, request, *args, **kwargs):
        rfq = self.get_object()
        serializer = RfqAwardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.rfq_award(
            actor=request.user, cluster=self.cluster, rfq_id=rfq.pk, awards=serializer.validated_data["awards"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=rfq.pk)).data)
