from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import FieldsBuiltOnceModelSerializer, ModelSerializer
from apps.membership.api.serializers import EnterpriseSummarySerializer, TrackRecordSerializer
from apps.membership.models import Enterprise
from apps.membership.validators import validate_region_code
from apps.reference import coordinates
from apps.reference.models import Capability, CertificationScheme

from ..factors import explain
from ..models import (
    DEAL_STEP_TARGETS,
    LISTING_TRANSITION_TARGETS,
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Deal,
    DealEvent,
    Match,
    Order,
    Rating,
    Reputation,
)

LISTING_READ_ONLY = ("status", "published_at", "created_at", "updated_at")


def checked_region_code(value: str) -> str:
    try:
        validate_region_code(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None
    return value


class ListingSerializer(FieldsBuiltOnceModelSerializer):
    """Common to every listing: the owner is chosen at creation and never changes."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text="The enterprise you post for (an active member)."
    )
    owner_detail = EnterpriseSummarySerializer(source="owner", read_only=True)
    publish = serializers.BooleanField(
        write_only=True, required=False, default=True, help_text="Open it at once (default) or keep it a draft."
    )

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # updates: the owner is fixed
            fields["owner"].read_only = True
        return fields


class OrderSerializer(ListingSerializer):
    capability = serializers.SlugRelatedField(slug_field="code", queryset=Capability.objects.all())
    required_certifications = serializers.SlugRelatedField(
        slug_field="code", queryset=CertificationScheme.objects.all(), many=True, required=False
    )
    open_quantity = serializers.IntegerField(read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "owner",
            "owner_detail",
            "publish",
            "title",
            "description",
            "status",
            "capability",
            "product_category",
            "quantity",
            "unit",
            "filled_quantity",
            "open_quantity",
            "target_unit_price",
            "currency",
            "need_by",
            "delivery_region_code",
            "delivery_latitude",
            "delivery_longitude",
            "required_certifications",
            "splittable",
            "min_lot",
            "published_at",
            "shared_with_partners",
            "created_at",
            "updated_at",
        )
        read_only_fields = (*LISTING_READ_ONLY, "filled_quantity")

    def validate_need_by(self, value):
        if value <= timezone.localdate():
            raise serializers.ValidationError("The need-by date must be in the future.")
        return value

    def validate_delivery_region_code(self, value):
        return checked_region_code(value)


class CapacityOfferSerializer(ListingSerializer):
    capability = serializers.SlugRelatedField(slug_field="code", queryset=Capability.objects.all())
    remaining_quantity = serializers.IntegerField(read_only=True)
    region_code = serializers.CharField(max_length=6, required=False, help_text="Defaults to the enterprise's region.")
    latitude = coordinates.serializer_field(
        "latitude",
        required=False,
        help_text="Blank: the centre of the region (the enterprise's exact point stays private).",
    )
    longitude = coordinates.serializer_field("longitude", required=False, help_text="Blank: the centre of the region.")

    class Meta:
        model = CapacityOffer
        fields = (
            "id",
            "owner",
            "owner_detail",
            "publish",
            "title",
            "description",
            "status",
            "capability",
            "quantity_per_period",
            "period",
            "unit",
            "available_from",
            "available_until",
            "total_quantity",
            "reserved_quantity",
            "remaining_quantity",
            "unit_price",
            "currency",
            "min_order_quantity",
            "lead_time_days",
            "region_code",
            "latitude",
            "longitude",
            "published_at",
            "shared_with_partners",
            "created_at",
            "updated_at",
        )
        read_only_fields = (*LISTING_READ_ONLY, "total_quantity", "reserved_quantity")

    def validate_region_code(self, value):
        return checked_region_code(value)

    def validate(self, attrs):
        start = attrs.get("available_from", getattr(self.instance, "available_from", None))
        end = attrs.get("available_until", getattr(self.instance, "available_until", None))
        if start and end and end < start:
            raise serializers.ValidationError({"available_until": ["The window must end on or after its start."]})
        return attrs


class ChannelOfferSerializer(ListingSerializer):
    markets = serializers.ListField(child=serializers.CharField(max_length=10), min_length=1, max_length=100)
    product_categories = serializers.ListField(child=serializers.CharField(max_length=80), min_length=1, max_length=100)
    remaining_quantity = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChannelOffer
        fields = (
            "id",
            "owner",
            "owner_detail",
            "publish",
            "title",
            "description",
            "status",
            "kind",
            "markets",
            "product_categories",
            "monthly_volume",
            "reserved_volume",
            "remaining_quantity",
            "commission_percent",
            "fixed_fee",
            "currency",
            "available_from",
            "published_at",
            "shared_with_partners",
            "created_at",
            "updated_at",
        )
        read_only_fields = (*LISTING_READ_ONLY, "reserved_volume")


class ChannelRequestSerializer(ListingSerializer):
    markets = serializers.ListField(child=serializers.CharField(max_length=10), min_length=1, max_length=100)
    open_quantity = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChannelRequest
        fields = (
            "id",
            "owner",
            "owner_detail",
            "publish",
            "title",
            "description",
            "status",
            "product_category",
            "markets",
            "monthly_volume",
            "filled_volume",
            "open_quantity",
            "max_commission_percent",
            "start_by",
            "published_at",
            "shared_with_partners",
            "created_at",
            "updated_at",
        )
        read_only_fields = (*LISTING_READ_ONLY, "filled_volume")

    def validate_start_by(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError("The start date must not be in the past.")
        return value


class ListingTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LISTING_TRANSITION_TARGETS)


class FactorSerializer(serializers.Serializer):
    """One factor of a score as the match page explains it (percentages)."""

    name = serializers.CharField(help_text="The factor's key in `breakdown`.")
    label = serializers.CharField(help_text="Its name, in the reader's language.")
    hint = serializers.CharField(help_text="What it measures, in the reader's language.")
    value = serializers.IntegerField(help_text="How well the pair does on it (0-100).")
    weight = serializers.IntegerField(help_text="Its share of the score under the rulebook version (0-100).")
    points = serializers.FloatField(help_text="What it adds to the score (value x weight, 0-100).")


def _track_record(enterprise):
    """The enterprise's reputation in the match's or deal's cluster, prefetched by the selector
    (``cluster_reputation``); None while it has none."""
    records = getattr(enterprise, "cluster_reputation", None)
    return TrackRecordSerializer(records[0]).data if records else None


class TrackRecordField(serializers.SerializerMethodField):
    def __init__(self, side: str, who: str, **kwargs):
        super().__init__(
            method_name=f"get_{side}_reputation",
            help_text=f"The {who}'s track record in this cluster (as `reputation/` answers it); null while it has none.",
            **kwargs,
        )


class MatchSerializer(ModelSerializer):
    demand_owner = EnterpriseSummarySerializer(read_only=True)
    supply_owner = EnterpriseSummarySerializer(read_only=True)
    demand_owner_reputation = TrackRecordField("demand_owner", "demand side (buyer)")
    supply_owner_reputation = TrackRecordField("supply_owner", "supply side (supplier)")
    my_side = serializers.SerializerMethodField()
    deal = serializers.SerializerMethodField()
    rulebook_version = serializers.IntegerField(
        read_only=True,
        help_text="The cluster's rulebook version whose weights produced the score (0: the defaults).",
    )
    explanation = serializers.SerializerMethodField(
        help_text="The score's factors in plain language, in the order the match page lists them."
    )

    class Meta:
        model = Match
        fields = (
            "id",
            "kind",
            "order",
            "capacity",
            "channel_request",
            "channel_offer",
            "demand_owner",
            "supply_owner",
            "demand_owner_reputation",
            "supply_owner_reputation",
            "quantity",
            "score",
            "breakdown",
            "explanation",
            "rulebook_version",
            "status",
            "demand_accepted_at",
            "supply_accepted_at",
            "decline_reason",
            "expires_at",
            "my_side",
            "deal",
            "created_at",
        )
        read_only_fields = fields

    def get_my_side(self, match) -> str | None:
        mine = self.context.get("my_enterprises", set())
        if match.demand_owner_id in mine:
            return "demand"
        if match.supply_owner_id in mine:
            return "supply"
        return None

    def get_deal(self, match) -> int | None:
        deal = getattr(match, "deal", None) if match.status == Match.Status.ACCEPTED else None
        return deal.pk if deal else None

    @extend_schema_field(FactorSerializer(many=True))
    def get_explanation(self, match):
        return FactorSerializer(explain(match), many=True).data

    @extend_schema_field(TrackRecordSerializer(allow_null=True))
    def get_demand_owner_reputation(self, match):
        return _track_record(match.demand_owner)

    @extend_schema_field(TrackRecordSerializer(allow_null=True))
    def get_supply_owner_reputation(self, match):
        return _track_record(match.supply_owner)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DealEventSerializer(ModelSerializer):
    system_note = serializers.CharField(
        read_only=True, help_text="The platform's note on this step, in the language of the request."
    )

    class Meta:
        model = DealEvent
        fields = ("status", "side", "note", "code", "params", "system_note", "attachments", "created_at")
        read_only_fields = fields


class RatingSerializer(ModelSerializer):
    class Meta:
        model = Rating
        fields = ("rater", "ratee", "quality", "on_time", "communication", "comment", "published_at", "created_at")
        read_only_fields = fields


class DealSerializer(ModelSerializer):
    buyer = EnterpriseSummarySerializer(read_only=True)
    supplier = EnterpriseSummarySerializer(read_only=True)
    buyer_reputation = TrackRecordField("buyer", "buyer")
    supplier_reputation = TrackRecordField("supplier", "supplier")
    events = DealEventSerializer(many=True, read_only=True)
    ratings = serializers.SerializerMethodField()

    class Meta:
        model = Deal
        fields = (
            "id",
            "kind",
            "match",
            "buyer",
            "supplier",
            "buyer_reputation",
            "supplier_reputation",
            "quantity",
            "unit_price",
            "currency",
            "due_date",
            "status",
            "delivered_at",
            "closed_at",
            "reason",
            "events",
            "ratings",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(TrackRecordSerializer(allow_null=True))
    def get_buyer_reputation(self, deal):
        return _track_record(deal.buyer)

    @extend_schema_field(TrackRecordSerializer(allow_null=True))
    def get_supplier_reputation(self, deal):
        return _track_record(deal.supplier)

    @extend_schema_field(RatingSerializer(many=True))
    def get_ratings(self, deal):
        published = [r for r in deal.ratings.all() if r.published_at]
        return RatingSerializer(published, many=True).data


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    size = serializers.IntegerField(min_value=0, max_value=100 * 1024 * 1024)
    content_type = serializers.RegexField(r"^[\w.+-]+/[\w.+-]+$", max_length=100)
    reference = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DealAdvanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DEAL_STEP_TARGETS)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    attachments = AttachmentSerializer(many=True, required=False, default=list)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=20,
        required=False,
        default=list,
        help_text="Ids of deal-room documents given as the milestone's evidence.",
    )


class DealRateSerializer(serializers.Serializer):
    quality = serializers.IntegerField(min_value=1, max_value=5)
    on_time = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReputationSerializer(ModelSerializer):
    """An enterprise's track record in this cluster (recomputed as its deals close and ratings publish)."""

    enterprise = EnterpriseSummarySerializer(read_only=True)
    on_time_rate = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Share of completed deals delivered by the due date (0-1)."
    )
    average_score = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Average of the published ratings received (1-5)."
    )

    class Meta:
        model = Reputation
        fields = (
            "enterprise",
            "deals_completed",
            "on_time_rate",
            "average_score",
            "ratings_count",
            "disputes_lost",
            "updated_at",
        )
        read_only_fields = fields
