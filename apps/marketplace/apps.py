from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "apps.marketplace"
    label = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from apps.tenancy.rules import provide_rules

        from .rules import MARKETPLACE_RULES

        provide_rules(*MARKETPLACE_RULES, order=30)

        from . import notices

        notices.register()  # how its notifications read, rendered when read

        # membership's reports may name a listing: it declares what it needs, the marketplace provides it
        from django.urls import reverse

        from apps.membership import report_targets, track_records

        from . import selectors
        from .lifecycle import REMOVABLE
        from .models import ListingStatus
        from .services.listings import listing_remove_by_moderator

        track_records.register(selectors.reputations_of)
        report_targets.register(
            report_targets.ListingProvider(
                get=selectors.listing_get,
                summaries=selectors.listing_summaries,
                status_label=lambda *, status: ListingStatus(status).label,
                removable=lambda *, status: status in REMOVABLE,
                remove=listing_remove_by_moderator,
                url=lambda *, cluster, kind, listing_id: reverse(
                    "listing-detail", args=[cluster.slug, kind, listing_id]
                ),
            )
        )
