"""Row-level security on PostgreSQL for this app's tenant tables (see apps.tenancy.rls)."""

from django.db import migrations

from apps.tenancy.rls import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_tenant_role"),
        ("membership", "0002_audit_append_only"),
    ]

    operations = [
        TenantRowSecurity("membership_membership"),
        TenantRowSecurity("membership_report"),
        TenantRowSecurity("membership_auditevent"),
    ]
