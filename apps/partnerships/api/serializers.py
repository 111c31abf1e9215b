from rest_framework import serializers

from apps.core.api.fields import DateField
from apps.core.api.serializers import ModelSerializer
from apps.core.dates import PLAN

from .. import selectors
from ..lifecycle import in_force_on
from ..models import LISTING_KINDS, Motion, Partnership


class ClusterRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()


class MotionSerializer(ModelSerializer):
    cluster = serializers.IntegerField(source="cluster_id")

    class Meta:
        model = Motion
        fields = ("id", "cluster", "action", "proposal", "outcome", "decided_at", "created_at")
        read_only_fields = fields


class CouncilStatusSerializer(serializers.Serializer):
    cluster = serializers.IntegerField()
    entered = serializers.BooleanField(help_text="This council has enacted its motion to enter the partnership.")
    open_motion = MotionSerializer(allow_null=True)
    latest = MotionSerializer(allow_null=True)


class PartnershipSerializer(ModelSerializer):
    proposer = ClusterRefSerializer()
    partner = ClusterRefSerializer()
    in_force_today = serializers.SerializerMethodField()
    councils = serializers.SerializerMethodField()

    class Meta:
        model = Partnership
        fields = (
            "id",
            "proposer",
            "partner",
            "shared_kinds",
            "resources_bookable",
            "starts_on",
            "ends_on",
            "governing_rulebook",
            "status",
            "in_force_today",
            "in_force_at",
            "ended_at",
            "councils",
            "created_at",
        )
        read_only_fields = fields

    def get_in_force_today(self, partnership) -> bool:
        return in_force_on(partnership)

    def get_councils(self, partnership) -> list[dict]:
        readable = selectors.own_proposal_statuses(partnership.motions.all())
        statuses = [
            selectors.council_status(partnership, c, readable)
            for c in (partnership.proposer_id, partnership.partner_id)
        ]
        return CouncilStatusSerializer(statuses, many=True).data


class PartnershipProposeSerializer(serializers.Serializer):
    partner = serializers.SlugField(max_length=60, help_text="The slug of the cluster proposed to.")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    shared_kinds = serializers.ListField(child=serializers.ChoiceField(choices=LISTING_KINDS), max_length=4)
    resources_bookable = serializers.BooleanField(default=False)
    starts_on = DateField(span=PLAN)
    ends_on = DateField(span=PLAN)
    governing_rulebook = serializers.ChoiceField(
        choices=Partnership.Rulebook.choices, default=Partnership.Rulebook.DEMAND_SIDE
    )


class MotionCreateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Motion.Action.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
