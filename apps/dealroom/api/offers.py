"""Offers on a match: ``/api/v1/clusters/<slug>/matches/<match_pk>/offers/`` (+ accept, decline,
counter). Only the two sides of the match see or make them; anyone else gets 404."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import fields
from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.core.dates import PLAN
from apps.membership.api.serializers import EnterpriseSummarySerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import MEMBER

from .. import selectors
from ..models import Offer
from ..services import offers as services
from .attachments import AttachedFileSerializer, AttachmentSerializer, attached_file

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class TermsSerializer(serializers.Serializer):
    """The terms of an offer or a quote (the service checks them against the rulebook and the listings)."""

    quantity = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("9999999999.99")
    )
    delivery_date = fields.DateField(span=PLAN)
    lot_size = serializers.IntegerField(min_value=1, max_value=2_000_000_000, required=False, default=1)
    payment_terms = serializers.CharField(max_length=20)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def terms(self) -> tuple[dict, str]:
        data = dict(self.validated_data)
        return {k: data[k] for k in services.TERM_FIELDS}, data["note"]


class TermsWithDocumentSerializer(TermsSerializer, AttachedFileSerializer):
    """Terms and the document sent with them (multipart): one write, the file refused -> no offer."""


WITH_DOCUMENT = (
    "One write: the file is checked (its content against the kind, its size against the rulebook's "
    "`dealroom.max_document_mb`) before the offer is written, and a file refused leaves no offer."
)


class OfferSerializer(ModelSerializer):
    enterprise = EnterpriseSummarySerializer(read_only=True)
    payment_terms_label = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Offer
        fields = (
            "id",
            "match",
            "answers",
            "side",
            "enterprise",
            "quantity",
            "unit_price",
            "delivery_date",
            "lot_size",
            "payment_terms",
            "payment_terms_label",
            "note",
            "status",
            "expires_at",
            "answered_at",
            "deal",
            "attachments",
            "created_at",
        )
        read_only_fields = fields

    def get_payment_terms_label(self, offer) -> str:
        from ..rules import PAYMENT_TERMS

        return str(PAYMENT_TERMS.get(offer.payment_terms, offer.payment_terms))


@extend_schema_view(
    list=extend_schema(
        summary="The offers on a match, newest first (its two sides)",
        responses={200: OfferSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="An offer", responses={200: OfferSerializer, **ERRORS}),
    create=extend_schema(
        summary="Propose terms that differ from the match",
        request=TermsSerializer,
        responses={201: OfferSerializer, **ERRORS},
    ),
)
class OfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = OfferSerializer
    queryset = Offer.objects.all()
    required_roles = {
        "list": {MEMBER},
        "retrieve": {MEMBER},
        "create": {MEMBER},
        "accept": {MEMBER},
        "decline": {MEMBER},
        "counter": {MEMBER},
        "withdraw": {MEMBER},
        "with_document": {MEMBER},
        "counter_with_document": {MEMBER},
    }

    def match(self):
        """The match of the URL, if the caller is one of its sides (404 otherwise)."""
        return selectors.match_for_offers(
            cluster=self.cluster, user=self.request.user, match_id=int(self.kwargs["match_pk"])
        )

    def scoped_queryset(self, *, cluster, user):
        match = self.match()
        return selectors.offers_of_match(cluster=cluster, match_id=match.pk)

    def _answer(self, offer):
        return Response(OfferSerializer(self.get_queryset().get(pk=offer.pk)).data)

    def create(self, request, *args, **kwargs):
        return self._make(request, attached={})

    def _make(self, request, *, attached: dict | None):
        match = self.match()
        if attached is None:
            attached = attached_file(request, self.cluster)
        serializer = TermsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms, note = serializer.terms()
        offer = services.offer_make(
            actor=request.user, cluster=self.cluster, match_id=match.pk, terms=terms, note=note, **attached
        )
        return Response(OfferSerializer(self.get_queryset().get(pk=offer.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Propose terms with a document attached (multipart: the terms, kind, file)",
        description=WITH_DOCUMENT,
        request={"multipart/form-data": TermsWithDocumentSerializer},
        responses={201: OfferSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="with-document", parser_classes=[MultiPartParser, FormParser])
    def with_document(self, request, *args, **kwargs):
        return self._make(request, attached=None)

    @extend_schema(
        summary="Accept the offer: the deal on its terms", request=None, responses={200: OfferSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        offer = self.get_object()
        offer = services.offer_accept(
            actor=request.user, cluster=self.cluster, match_id=offer.match_id, offer_id=offer.pk
        )
        return self._answer(offer)

    @extend_schema(
        summary="Decline the offer (the match stays open)", request=None, responses={200: OfferSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        offer = self.get_object()
        offer = services.offer_decline(
            actor=request.user, cluster=self.cluster, match_id=offer.match_id, offer_id=offer.pk
        )
        return self._answer(offer)

    @extend_schema(
        summary="Withdraw your open offer (it stays in the history; the other side is told)",
        request=None,
        responses={200: OfferSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        offer = self.get_object()
        offer = services.offer_withdraw(
            actor=request.user, cluster=self.cluster, match_id=offer.match_id, offer_id=offer.pk
        )
        return self._answer(offer)

    @extend_schema(
        summary="Counter the offer with your terms (it supersedes the offer)",
        request=TermsSerializer,
        responses={201: OfferSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def counter(self, request, *args, **kwargs):
        return self._counter(request, attached={})

    @extend_schema(
        summary="Counter the offer with your terms and a document (multipart: the terms, kind, file)",
        description=WITH_DOCUMENT,
        request={"multipart/form-data": TermsWithDocumentSerializer},
        responses={201: OfferSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="counter-with-document",
        parser_classes=[MultiPartParser, FormParser],
    )
    def counter_with_document(self, request, *args, **kwargs):
        return self._counter(request, attached=None)

    def _counter(self, request, *, attached: dict | None):
        offer = self.get_object()
        if attached is None:
            attached = attached_file(request, self.cluster)
        serializer = TermsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms, note = serializer.terms()
        counter = services.offer_counter(
            actor=request.user,
            cluster=self.cluster,
            match_id=offer.match_id,
            offer_id=offer.pk,
            terms=terms,
            note=note,
            **attached,
        )
        return Response(OfferSerializer(self.get_queryset().get(pk=counter.pk)).data, status=status.HTTP_201_CREATED)
