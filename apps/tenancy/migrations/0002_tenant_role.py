"""The tenant role and row-level security on cluster roles (see apps.tenancy.rls)."""

from django.db import migrations

from apps.tenancy.rls import TenantRole, TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
    ]

    operations = [
        TenantRole(),
        TenantRowSecurity("tenancy_clusterrole"),
    ]
