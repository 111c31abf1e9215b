from django.http import HttpResponse
from django.utils.translation import get_language
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core import generations
from apps.core.api.schema import ErrorSerializer
from apps.core.cached_views import cached_view
from apps.tenancy.access import ACCESS
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..filters import (
    CapacityFilter,
    ChannelOfferFilter,
    ChannelRequestFilter,
    DealFilter,
    MatchFilter,
    OrderFilter,
    ReputationFilter,
)
from ..models import CapacityOffer, ChannelOffer, ChannelRequest, Deal, Match, Order, Reputation
from ..services import deals as deal_services
from ..services import listings as listing_services
from ..services import matches as match_services
from . import serializers as s

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


JSON = "application/json"
#: seconds a cached market page may live even if no change was signalled (an enterprise renamed)
MARKET_LIST_TTL = 30


class ListingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ClusterScopedViewSet,
):
    """Listings are visible to active members (and administrators); written by the owner's people."""

    kind: str = ""
    http_method_names = ["get", "post", "patch", "head", "options"]
    # ?ordering= is the FilterSet's (price, date, distance, score and the fields named there)
    filter_backends = [filters.DjangoFilterBackend]
    required_roles = {
        "list": {ADMINISTRATOR, MEMBER},
        "retrieve": {ADMINISTRATOR, MEMBER},
        "create": {MEMBER},
        "partial_update": {MEMBER},
        "transition": {MEMBER},
    }
    m2m_fields: tuple[str, ...] = ()
    related_fields: tuple[str, ...] = ()

    def scoped_queryset(self, *, cluster, user):
        qs = selectors.listings_visible(
            cluster=cluster, kind=self.kind, enterprise_ids=selectors.viewer_enterprise_ids(user)
        ).select_related("owner", *self.related_fields)
        if self.m2m_fields:
            qs = qs.prefetch_related(*self.m2m_fields)
        return qs

    def list(self, request, *args, **kwargs):
        return self._cached(request, lambda: super(ListingViewSet, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, lambda: super(ListingViewSet, self).retrieve(request, *args, **kwargs))

    def _cached(self, request, respond):
        """A cluster's market is read far more often than it changes: each page and listing
        is cached, rendered, until a listing of this kind in the cluster changes
        (``market_changed``), and at most ``MARKET_LIST_TTL`` seconds. The permission checks
        have run before this. Errors (404, 400) are not cached."""
        if request.accepted_renderer.format != "json":
            return respond()
        media_type = request.accepted_media_type

        def render():
            return request.accepted_renderer.render(respond().data, media_type, self.get_renderer_context())

        read = self._page_read(request, self.cluster.pk, request.user.pk, media_type)
        page = generations.cached(*read, render, ttl=MARKET_LIST_TTL)
        return HttpResponse(page, content_type=media_type)

    @classmethod
    def _page_read(cls, request, cluster_id: int, user_id: int, media_type: str) -> tuple[tuple[str, ...], str]:
        """The scopes and variant of a cached answer. Besides the cluster's market of this kind,
        the host, language, media type and query, an answer depends on who asks: the viewer's
        enterprises decide which drafts it shows and what ``?mine=true`` means. So the key
        carries the user, and ``ACCESS`` (bumped when people join or leave enterprises)."""
        scopes = (listing_services.market_scope(cluster_id, cls.kind), listing_services.ALL_MARKETS, ACCESS)
        variant = f"{request.get_host()}|{get_language()}|{media_type}|{request.get_full_path()}|viewer:{user_id}"
        return scopes, variant

    @classmethod
    def read_ahead(cls, request, *, cluster_id: int, user_id) -> tuple[str, ...]:
        """The cached page a GET will most likely read (JSON, the usual media type), for
        ``TenantScopeMiddleware`` to fetch with the caller's session and roles."""
        if request.method != "GET":
            return ()
        keys, slot = generations.keys_of(*cls._page_read(request, cluster_id, user_id, JSON))
        return (*keys, slot)

    def filter_queryset(self, queryset):
        # the market's filters narrow lists; a listing is read, edited or moved by its id alone
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _split(self, data):
        data = dict(data)
        data.pop("publish", None)
        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        return data, m2m

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        publish = serializer.validated_data.get("publish", True)
        data, m2m = self._split(serializer.validated_data)
        owner = data.pop("owner")
        listing = listing_services.listing_create(
            actor=request.user,
            cluster=self.cluster,
            listing_kind=self.kind,
            owner=owner,
            publish=publish,
            m2m=m2m,
            **data,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=listing.pk)).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        listing = self.get_object()
        serializer = self.get_serializer(listing, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, m2m = self._split(serializer.validated_data)
        listing_services.listing_update(actor=request.user, listing=listing, m2m=m2m, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=listing.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        summary="Publish (draft → open), close or cancel the listing",
        request=s.ListingTransitionSerializer,
        responses={200: None, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        listing = self.get_object()
        serializer = s.ListingTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = listing_services.listing_transition(
            actor=request.user, listing=listing, to=serializer.validated_data["status"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=listing.pk)).data)


def listing_schema(noun: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=f"{noun}s of the cluster (active members)", responses={200: serializer(many=True), **ERRORS}
        ),
        retrieve=extend_schema(summary=f"A {noun.lower()}", responses={200: serializer, **ERRORS}),
        create=extend_schema(summary=f"Post a {noun.lower()}", responses={201: serializer, **ERRORS}),
        partial_update=extend_schema(summary=f"Edit a {noun.lower()}", responses={200: serializer, **ERRORS}),
        transition=extend_schema(responses={200: serializer, **ERRORS}),
    )


@listing_schema("Production order", s.OrderSerializer)
@cached_view
class OrderViewSet(ListingViewSet):
    kind = "order"
    serializer_class = s.OrderSerializer
    queryset = Order.objects.all()
    filterset_class = OrderFilter
    m2m_fields = ("required_certifications",)
    related_fields = ("capability",)


@listing_schema("Capacity offer", s.CapacityOfferSerializer)
@cached_view
class CapacityOfferViewSet(ListingViewSet):
    kind = "capacity"
    serializer_class = s.CapacityOfferSerializer
    queryset = CapacityOffer.objects.all()
    filterset_class = CapacityFilter
    related_fields = ("capability",)


@listing_schema("Channel offer", s.ChannelOfferSerializer)
@cached_view
class ChannelOfferViewSet(ListingViewSet):
    kind = "channel_offer"
    serializer_class = s.ChannelOfferSerializer
    queryset = ChannelOffer.objects.all()
    filterset_class = ChannelOfferFilter


@listing_schema("Channel request", s.ChannelRequestSerializer)
@cached_view
class ChannelRequestViewSet(ListingViewSet):
    kind = "channel_request"
    serializer_class = s.ChannelRequestSerializer
    queryset = ChannelRequest.objects.all()
    filterset_class = ChannelRequestFilter


@extend_schema_view(
    list=extend_schema(
        summary="My matches (administrators: all of the cluster)",
        responses={200: s.MatchSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A match with its score explanation", responses={200: s.MatchSerializer, **ERRORS}),
)
class MatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = s.MatchSerializer
    queryset = Match.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = MatchFilter
    required_roles = {
        "list": {ADMINISTRATOR, MEMBER},
        "retrieve": {ADMINISTRATOR, MEMBER},
        "accept": {MEMBER},
        "decline": {MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        # only the two sides (and administrators) can even see a match
        return selectors.with_track_records(
            selectors.matches_visible(cluster=cluster, user=user, roles=self.cluster_roles)
            .select_related("demand_owner", "supply_owner", "deal")
            .order_by("-created_at", "-pk"),
            cluster=cluster,
            sides=("demand_owner", "supply_owner"),
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.user.is_authenticated:
            context["my_enterprises"] = selectors.viewer_enterprise_ids(self.request.user)
        return context

    @extend_schema(summary="Accept the match for your side", request=None, responses={200: s.MatchSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        self.get_object()  # only the two sides (and administrators) can even see it
        match = match_services.match_accept(actor=request.user, cluster=self.cluster, match_id=int(kwargs["pk"]))
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data)

    @extend_schema(
        summary="Decline the match", request=s.DeclineSerializer, responses={200: s.MatchSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        match = match_services.match_decline(
            actor=request.user, cluster=self.cluster, match_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="My deals (administrators: all of the cluster)", responses={200: s.DealSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(summary="A deal with its milestone timeline", responses={200: s.DealSerializer, **ERRORS}),
)
class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = s.DealSerializer
    queryset = Deal.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DealFilter
    required_roles = {
        "list": {ADMINISTRATOR, MEMBER},
        "retrieve": {ADMINISTRATOR, MEMBER},
        "advance": {MEMBER},
        "rate": {MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.with_track_records(
            selectors.deals_with_timeline(
                selectors.deals_visible(cluster=cluster, user=user, roles=self.cluster_roles)
            ),
            cluster=cluster,
            sides=("buyer", "supplier"),
        )

    @extend_schema(
        summary="Record the next milestone",
        request=s.DealAdvanceSerializer,
        responses={200: s.DealSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, *args, **kwargs):
        self.get_object()  # a member who is not a party gets 404, as for reading it
        serializer = s.DealAdvanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        deal = deal_services.deal_advance(
            actor=request.user,
            cluster=self.cluster,
            deal_id=int(kwargs["pk"]),
            to=data["status"],
            note=data["note"],
            attachments=data["attachments"],
            documents=data["documents"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=deal.pk)).data)

    @extend_schema(
        summary="Rate the other side (after delivery)",
        request=s.DealRateSerializer,
        responses={201: s.RatingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rate(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.DealRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = deal_services.deal_rate(
            actor=request.user, cluster=self.cluster, deal_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Reputations in this cluster (members and administrators)",
        description=(
            "Each enterprise's track record in this cluster: deals completed, on-time rate, average "
            "rating and how many ratings. Filter with `enterprise=1,2` (the enterprise ids of the "
            "member directory, matches and deals). An enterprise with no row has no record here yet."
        ),
        responses={200: s.ReputationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="An enterprise's reputation in this cluster (by enterprise id)",
        responses={200: s.ReputationSerializer, **ERRORS},
    ),
)
class ReputationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    """Reputation is the marketplace's (membership sits below it and cannot read it), so the
    directory's client asks here for the enterprises it lists."""

    serializer_class = s.ReputationSerializer
    queryset = Reputation.objects.all()
    lookup_field = "enterprise_id"
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReputationFilter
    required_roles = {"list": {ADMINISTRATOR, MEMBER}, "retrieve": {ADMINISTRATOR, MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.reputations(cluster=cluster)
