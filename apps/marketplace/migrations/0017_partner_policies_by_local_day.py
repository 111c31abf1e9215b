"""The listing tables' partner policies count a partnership's days in the platform's time zone
(``apps.partnerships.rls.local_today``): with ``CURRENT_DATE`` (the session's UTC day) a partnership
that starts today was not yet in force, for the database, until 08:00 in Shanghai. Re-created here for
databases migrated before; on a fresh one 0016 already wrote them so and this changes nothing."""

from django.db import migrations

from apps.partnerships.rls import PartnerListingVisibility

TABLES = {
    "marketplace_order": "order",
    "marketplace_capacityoffer": "capacity",
    "marketplace_channeloffer": "channel_offer",
    "marketplace_channelrequest": "channel_request",
}


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, kind in TABLES.items():
        operation = PartnerListingVisibility(table, kind)
        for sql in [*operation.reverse_statements(schema_editor.quote_name), *operation.statements(schema_editor.quote_name)]:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0016_partner_row_security")]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop, elidable=True)]
