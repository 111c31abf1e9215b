"""Row-level security on PostgreSQL for this app's tenant tables (see apps.tenancy.rls)."""

from django.db import migrations

from apps.tenancy.rls import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_tenant_role"),
        ("marketplace", "0003_deal_next_milestone_due_deal_planned"),
    ]

    operations = [
        TenantRowSecurity("marketplace_order"),
        TenantRowSecurity("marketplace_capacityoffer"),
        TenantRowSecurity("marketplace_channeloffer"),
        TenantRowSecurity("marketplace_channelrequest"),
        TenantRowSecurity("marketplace_matchingrun"),
        TenantRowSecurity("marketplace_match"),
        TenantRowSecurity("marketplace_deal"),
        TenantRowSecurity("marketplace_reputation"),
        TenantRowSecurity("marketplace_dealevent", parent=("deal_id", "marketplace_deal")),
        TenantRowSecurity("marketplace_rating", parent=("deal_id", "marketplace_deal")),
    ]
