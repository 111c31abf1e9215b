"""Platform staff read the deal rooms' documents (metadata only: the files are served to the
parties alone) and disputes here; disputes are decided on the cluster's pages, through ``services``."""

from django.contrib import admin

from apps.core.admin import ReadOnlyModelAdmin

from .models import Dispute, Document

# --- documents and disputes ---


@admin.register(Document)
class DocumentAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "cluster", "enterprise", "milestone", "size", "created_at")
    list_filter = ("cluster", "kind")
    search_fields = ("name", "sha256")
    list_select_related = ("cluster", "enterprise")
    date_hierarchy = "created_at"
    exclude = ("storage_key",)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", "cluster", "status", "side", "outcome", "against", "created_at", "decided_at")
    list_filter = ("cluster", "status", "outcome")
    search_fields = ("reason", "decision_reason")
    list_select_related = ("cluster",)
    date_hierarchy = "created_at"
