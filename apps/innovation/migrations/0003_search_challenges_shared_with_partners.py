"""A search entry may be found across a partnership in force (a challenge shared with partners):
the field, and on PostgreSQL the row-level policy that lets the partner cluster read such rows
(read only; the tenant policy still binds every write)."""

from importlib import import_module

from django.conf import settings
from django.db import migrations, models

from apps.partnerships.rls import CURRENT

_FTS = import_module("apps.innovation.migrations.0002_knowledge")

#: today as the application reckons it (``timezone.localdate``), not the session's UTC date
TODAY = f"(now() AT TIME ZONE '{settings.TIME_ZONE}')::date"
PARTNER_SEARCH = (
    "CREATE POLICY partner_search ON innovation_searchentry FOR SELECT USING ("
    "shared_with_partners AND visibility = 'members' AND cluster_id IN ("
    f" SELECT CASE WHEN p.proposer_id = {CURRENT} THEN p.partner_id ELSE p.proposer_id END"
    " FROM partnerships_partnership p"
    f" WHERE {CURRENT} IN (p.proposer_id, p.partner_id) AND p.status = 'in_force'"
    f" AND p.starts_on <= {TODAY} AND {TODAY} <= p.ends_on))"
)
PARTNER_SEARCH_REVERSE = "DROP POLICY IF EXISTS partner_search ON innovation_searchentry"


#: SQLite adds the column by remaking the table, which drops its FTS5 triggers: made again, and
#: the FTS5 table rebuilt from the content table
SQLITE_AGAIN = (
    *_FTS.SQLITE_FTS_REVERSE[:3],
    *_FTS.SQLITE_FTS[1:],
    "INSERT INTO innovation_searchentry_fts(innovation_searchentry_fts) VALUES ('rebuild')",
)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("innovation", "0002_knowledge"),
        ("partnerships", "0002_row_level_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="shared_with_partners",
            field=models.BooleanField(default=False, verbose_name="found by partner clusters"),
        ),
        migrations.RunPython(
            _run({"postgresql": [PARTNER_SEARCH], "sqlite": SQLITE_AGAIN}),
            _run({"postgresql": [PARTNER_SEARCH_REVERSE], "sqlite": SQLITE_AGAIN}),
        ),
    ]
