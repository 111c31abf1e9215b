from django.utils import timezone
from rest_framework import serializers

from apps.core.api.serializers import ModelSerializer
from apps.marketplace.models import MatchingRun

from ..describe import duration_seconds, listing_titles, trigger_text


class MatchingRunSerializer(ModelSerializer):
    trigger_text = serializers.SerializerMethodField(
        help_text='What started the run, in the reader\'s language (e.g. "New order: combed cotton yarn", '
        '"Rule change: rulebook version 3"); `trigger` is the code it is written from.'
    )
    duration_seconds = serializers.SerializerMethodField(
        help_text="Seconds from the start to the finish (while running: so far); null while queued."
    )

    class Meta:
        model = MatchingRun
        fields = (
            "id",
            "kind",
            "status",
            "trigger",
            "trigger_text",
            "progress",
            "counts",
            "error",
            "attempt",
            "lease_expires_at",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        )
        read_only_fields = fields

    def get_trigger_text(self, run) -> str:
        titles = self.context.get("listing_titles")
        if titles is None:  # one run alone
            titles = listing_titles([run])
        return trigger_text(run, titles)

    def get_duration_seconds(self, run) -> float | None:
        seconds = duration_seconds(run, timezone.now())
        return None if seconds is None else round(seconds, 3)
