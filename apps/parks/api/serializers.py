from rest_framework import serializers

from apps.core.api.fields import DateField, DateTimeField
from apps.core.api.serializers import ModelSerializer
from apps.core.dates import PLAN
from apps.membership.api.serializers import EnterpriseSummarySerializer, UserBriefSerializer

from ..lifecycle import CHECKLIST
from ..models import Auditor, Booking, Level, Resource, Visit
from ..services.resources import EDITABLE


class ResourceSerializer(ModelSerializer):
    opening_hours = serializers.JSONField(
        required=False,
        help_text='Per weekday, opening then closing time: {"mon": ["08:00", "18:00"], …}; a day absent is closed.',
    )

    class Meta:
        model = Resource
        fields = ("id", *EDITABLE, "created_at")
        read_only_fields = ("id", "created_at")


class ResourceWriteSerializer(ResourceSerializer):
    """A partial update: every field optional."""

    class Meta(ResourceSerializer.Meta):
        extra_kwargs = {name: {"required": False} for name in EDITABLE}


class BookingSerializer(ModelSerializer):
    enterprise = EnterpriseSummarySerializer(read_only=True)
    resource_name = serializers.CharField(source="resource.name_zh", read_only=True)

    class Meta:
        model = Booking
        fields = (
            "id",
            "resource",
            "resource_name",
            "enterprise",
            "starts_at",
            "ends_at",
            "quantity",
            "status",
            "note",
            "cancelled_late",
            "created_at",
        )
        read_only_fields = fields


class BookingCreateSerializer(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1)
    enterprise = serializers.IntegerField(min_value=1, help_text="The booking enterprise (one you belong to).")
    starts_at = DateTimeField(span=PLAN)
    ends_at = DateTimeField(span=PLAN)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class AuditorSerializer(ModelSerializer):
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = Auditor
        fields = ("id", "user", "created_at")
        read_only_fields = fields


class AuditorAppointSerializer(serializers.Serializer):
    email = serializers.EmailField()


class VisitSerializer(ModelSerializer):
    enterprise = EnterpriseSummarySerializer(read_only=True)
    auditor = UserBriefSerializer(read_only=True, allow_null=True)
    level_in_force = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = (
            "id",
            "enterprise",
            "auditor",
            "scheduled_for",
            "status",
            "findings",
            "photos",
            "level",
            "level_in_force",
            "granted_at",
            "expires_at",
            "withdrawn_at",
            "withdrawn_reason",
        )
        read_only_fields = fields

    def get_level_in_force(self, visit) -> str:
        return visit.level_in_force()


class VisitScheduleSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(min_value=1)
    scheduled_for = DateTimeField(span=PLAN)
    auditor = serializers.EmailField(required=False, help_text="The visitor's e-mail (default: you).")


class FindingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class PhotoSerializer(serializers.Serializer):
    caption = serializers.CharField(max_length=200)
    taken_at = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class VisitRecordSerializer(serializers.Serializer):
    findings = serializers.DictField(
        child=FindingSerializer(), help_text="Per checklist item: " + ", ".join(CHECKLIST) + "."
    )
    photos = PhotoSerializer(many=True, required=False, default=list, max_length=50)
    level = serializers.ChoiceField(choices=Level.choices)
    expires_at = DateTimeField(span=PLAN, required=False)


class ClusterBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()


class PartnerResourceSerializer(ResourceSerializer):
    """A partner's resource as a partner cluster's members see it: with the park it belongs to."""

    cluster = ClusterBriefSerializer(read_only=True)

    class Meta(ResourceSerializer.Meta):
        fields = ("id", "cluster", *EDITABLE)
        read_only_fields = fields


class PartnerBookingSerializer(BookingSerializer):
    cluster = ClusterBriefSerializer(read_only=True)

    class Meta(BookingSerializer.Meta):
        fields = ("cluster", *BookingSerializer.Meta.fields)
        read_only_fields = fields


class CalendarSlotSerializer(serializers.Serializer):
    hour = serializers.IntegerField()
    used = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["closed", "free", "part", "full"])


class CalendarDaySerializer(serializers.Serializer):
    date = DateField(span=PLAN)
    slots = CalendarSlotSerializer(many=True)


class CalendarSerializer(serializers.Serializer):
    week_start = DateField(span=PLAN)
    days = CalendarDaySerializer(many=True)
