"""No double booking, enforced by PostgreSQL, and row-level security on this app's tenant tables.

Two live exclusive bookings (those of a capacity-1 resource) of one resource may not overlap:
an exclusion constraint over ``(resource_id WITH =, tstzrange(starts_at, ends_at) WITH &&)``,
which needs ``btree_gist`` for the equality on an integer. Capacity above 1 is guarded by the
service (the resource's row locked, the overlapping quantities swept: ``services/bookings.py``).
SQLite has neither: the operations below do nothing there, and the service's check is the guard.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from apps.tenancy.rls import TenantRowSecurity

CONSTRAINT = "booking_no_overlap_exclusive"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""ALTER TABLE parks_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist (
            resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
        ) WHERE (exclusive AND status IN ('pending', 'confirmed'))"""
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE parks_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_tenant_role"),
        ("parks", "0001_initial"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint, elidable=False),
        TenantRowSecurity("parks_resource"),
        TenantRowSecurity("parks_booking"),
        TenantRowSecurity("parks_auditor"),
        TenantRowSecurity("parks_visit"),
    ]
