from apps.core.api.serializers import ModelSerializer
from apps.marketplace.models import MatchingRun


class MatchingRunSerializer(ModelSerializer):
    class Meta:
        model = MatchingRun
        fields = (
            "id",
            "kind",
            "status",
            "trigger",
            "progress",
            "counts",
            "error",
            "attempt",
            "lease_expires_at",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields
