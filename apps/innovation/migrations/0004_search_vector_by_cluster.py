"""PostgreSQL: the search entries' ``tsvector`` stored (a generated column) and indexed together
with the cluster (``btree_gin``), so a query reads one cluster's matching rows from one index and
ranks them without re-tokenising: over 1,000,000 entries a common word went from about 250 ms to
about 30 ms (``benchmarks/search.py``). SQLite keeps its FTS5 table; nothing changes there."""

from django.db import migrations

POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "ALTER TABLE innovation_searchentry ADD COLUMN IF NOT EXISTS vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    "CREATE INDEX IF NOT EXISTS search_entry_cluster_vector ON innovation_searchentry USING gin (cluster_id, vector)",
    "DROP INDEX IF EXISTS search_entry_fts",
)
POSTGRES_REVERSE = (
    "CREATE INDEX IF NOT EXISTS search_entry_fts ON innovation_searchentry USING gin (to_tsvector('simple', tokens))",
    "DROP INDEX IF EXISTS search_entry_cluster_vector",
    "ALTER TABLE innovation_searchentry DROP COLUMN IF EXISTS vector",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("innovation", "0003_search_challenges_shared_with_partners")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
