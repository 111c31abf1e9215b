"""Partner clusters' members book a park's resources (``sharing``).

A booking made across records the booker's cluster (``partner_cluster``): the booking is that
cluster's too, so its people see it through their own cluster's partner view, even after the
partnership ended (``PartnerSideVisibility``). A resource bookable by partners is visible to a
partner cluster while a partnership in force covers resources (``partner_bookable``, read only:
the booking itself is written in the park's own scope).
"""

import django.db.models.deletion
from django.db import migrations, models

from apps.parks.sharing import partner_bookable_predicate
from apps.partnerships.rls import PartnerSideVisibility


def add_policy(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE POLICY partner_bookable ON parks_resource FOR SELECT USING ({partner_bookable_predicate()})"
        )


def drop_policy(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP POLICY IF EXISTS partner_bookable ON parks_resource")


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0003_resource_coordinates_in_range"),
        ("partnerships", "0002_row_level_security"),
        ("tenancy", "0003_cluster_region_and_focus_in_chinese"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="partner_cluster",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="partner_bookings",
                to="tenancy.cluster",
            ),
        ),
        migrations.RunPython(add_policy, drop_policy, elidable=False),
        PartnerSideVisibility("parks_booking"),
    ]
