"""Platform staff read seats, proposals, rule versions and the audit chain here; a proposal is
drafted, voted on and enacted on the cluster's pages, through ``services``. When beat lags, staff
may tally a vote whose window has closed: an action that runs beat's own service."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline, service_action

from . import lifecycle
from .models import ChainCheckpoint, ChainEntry, Comment, Proposal, RuleVersion, Seat, Vote
from .services.voting import proposal_close


def _tally(*, request, row, reason):
    lifecycle.check_tally_due(row)
    proposal_close(proposal_id=row.pk)


@admin.register(Seat)
class SeatAdmin(ReadOnlyModelAdmin):
    list_display = ("holder", "chamber", "cluster", "enterprise", "term_start", "term_end", "removed_at")
    list_filter = ("cluster", "chamber", "removal")
    search_fields = ("holder__email", "holder__name", "enterprise__legal_name_zh", "enterprise__legal_name_en")
    list_select_related = ("holder", "cluster", "enterprise")
    date_hierarchy = "term_start"


class VoteInline(ReadOnlyTabularInline):
    model = Vote
    fields = ("seat", "voter", "choice", "cast_at", "updated_at")
    list_select_related = ("seat__holder", "voter")


class CommentInline(ReadOnlyTabularInline):
    model = Comment
    fields = ("author", "body", "created_at")
    list_select_related = ("author",)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyModelAdmin):
    actions = [
        service_action(
            "tally",
            description=_("Tally the selected votes whose window has closed (and enact what passed)"),
            call=_tally,
            done=_("%(row)s: tallied."),
        )
    ]
    list_display = ("title", "cluster", "kind", "status", "author", "voting_closes_at", "created_at")
    list_filter = ("cluster", "status", "kind")
    search_fields = ("title", "author__email")
    list_select_related = ("cluster", "author")
    date_hierarchy = "created_at"
    inlines = [VoteInline, CommentInline]


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyModelAdmin):
    list_display = ("cluster", "number", "proposal", "effective_at")
    list_filter = ("cluster",)
    search_fields = ("cluster__slug", "proposal__title")
    list_select_related = ("cluster", "proposal")
    date_hierarchy = "effective_at"


@admin.register(ChainEntry)
class ChainEntryAdmin(ReadOnlyModelAdmin):
    list_display = ("cluster", "sequence", "kind", "created_at", "hash")
    list_filter = ("cluster", "kind")
    search_fields = ("kind", "hash")
    list_select_related = ("cluster",)
    date_hierarchy = "created_at"


@admin.register(ChainCheckpoint)
class ChainCheckpointAdmin(ReadOnlyModelAdmin):
    list_display = ("cluster", "sequence", "head_hash", "created_at")
    list_filter = ("cluster",)
    search_fields = ("head_hash",)
    list_select_related = ("cluster",)
    date_hierarchy = "created_at"
