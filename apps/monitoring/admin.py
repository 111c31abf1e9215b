"""Platform staff read alerts and KPI snapshots here; an alert is acknowledged or resolved on
the cluster's pages, through ``services``."""

from django.contrib import admin

from apps.core.admin import ReadOnlyModelAdmin

from .models import Alert, KpiSnapshot


@admin.register(Alert)
class AlertAdmin(ReadOnlyModelAdmin):
    list_display = ("subject", "cluster", "kind", "severity", "state", "first_seen_at", "last_seen_at")
    list_filter = ("cluster", "state", "severity", "kind")
    search_fields = ("key", "kind", "subject")
    list_select_related = ("cluster",)
    date_hierarchy = "last_seen_at"


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ("taken_at", "cluster")
    list_filter = ("cluster",)
    search_fields = ("cluster__slug",)
    list_select_related = ("cluster",)
    date_hierarchy = "taken_at"
