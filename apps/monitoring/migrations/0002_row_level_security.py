"""Row-level security on PostgreSQL for this app's tenant tables (see apps.tenancy.rls)."""

from django.db import migrations

from apps.tenancy.rls import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_tenant_role"),
        ("monitoring", "0001_initial"),
    ]

    operations = [
        TenantRowSecurity("monitoring_alert"),
        TenantRowSecurity("monitoring_kpisnapshot"),
    ]
