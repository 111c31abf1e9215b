"""Row-level security on PostgreSQL for this app's tenant tables (see apps.tenancy.rls)."""

from django.db import migrations

from apps.tenancy.rls import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_tenant_role"),
        ("governance", "0002_proposal_petitioner_alter_proposal_author_seat_and_more"),
    ]

    operations = [
        TenantRowSecurity("governance_seat"),
        TenantRowSecurity("governance_ruleversion"),
        TenantRowSecurity("governance_proposal"),
        TenantRowSecurity("governance_chainentry"),
        TenantRowSecurity("governance_proposalrevision", parent=("proposal_id", "governance_proposal")),
        TenantRowSecurity("governance_petitionsignature", parent=("proposal_id", "governance_proposal")),
        TenantRowSecurity("governance_comment", parent=("proposal_id", "governance_proposal")),
        TenantRowSecurity("governance_vote", parent=("proposal_id", "governance_proposal")),
    ]
