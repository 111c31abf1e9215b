"""Row-level security's partner policies on PostgreSQL (see apps.partnerships.rls): a shared listing
is visible across while a partnership in force covers it; a cross-cluster match or deal is both
clusters'."""

from django.db import migrations

from apps.partnerships.rls import PartnerListingVisibility, PartnerSideVisibility


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0002_row_level_security"),
        ("marketplace", "0015_open_to_partner_clusters"),
    ]

    operations = [
        PartnerListingVisibility("marketplace_order", "order"),
        PartnerListingVisibility("marketplace_capacityoffer", "capacity"),
        PartnerListingVisibility("marketplace_channeloffer", "channel_offer"),
        PartnerListingVisibility("marketplace_channelrequest", "channel_request"),
        PartnerSideVisibility("marketplace_match"),
        PartnerSideVisibility("marketplace_deal"),
    ]
