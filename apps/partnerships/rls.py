"""Row-level security's partner policies on PostgreSQL (see ``apps.tenancy.rls``).

The tenant policy shows a table's rows of the cluster in ``app.cluster_id`` only. Policies are
permissive, so each one here *adds* rows, and only these:

- ``partnerships_partnership``: the partnerships the cluster is a party to (either side), and their
  motions;
- a listing table (``PartnerListingVisibility``): another cluster's listing that is **shared**
  (``shared_with_partners``), not a draft, and of a kind that a partnership **in force today**
  between the two clusters shares. It may be read, and updated only under the same condition
  (accepting a cross-cluster match reserves its quantity); nothing is inserted or deleted
  across;
- a match or deal table (``PartnerSideVisibility``): the rows whose ``partner_cluster_id`` is the
  cluster (a cross-cluster match or deal is both clusters'), and, through the parent, their
  events and ratings.
"""

from django.db.migrations.operations.base import Operation

from apps.tenancy.rls import SETTING

CURRENT = f"NULLIF(current_setting('{SETTING}', true), '')::bigint"
PARTIES = f"{CURRENT} IN (proposer_id, partner_id)"


def local_today() -> str:
    """Today in the platform's time zone: partnerships run by local days (``timezone.localdate``), while the
    database session keeps UTC, whose ``CURRENT_DATE`` is yesterday in Shanghai each morning until 08:00."""
    from django.conf import settings

    return f"(CURRENT_TIMESTAMP AT TIME ZONE '{settings.TIME_ZONE}')::date"


def partner_in_force_predicate(kind: str) -> str:
    """A listing row visible across: shared, published, and covered by a partnership in force today."""
    return (
        "shared_with_partners AND status <> 'draft' AND cluster_id IN ("
        f" SELECT CASE WHEN p.proposer_id = {CURRENT} THEN p.partner_id ELSE p.proposer_id END"
        " FROM partnerships_partnership p"
        f" WHERE {CURRENT} IN (p.proposer_id, p.partner_id) AND p.status = 'in_force'"
        f" AND p.starts_on <= {local_today()} AND {local_today()} <= p.ends_on"
        f" AND p.shared_kinds::jsonb ? '{kind}')"
    )


class _PolicyOperation(Operation):
    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def statements(self, q) -> list[str]:
        raise NotImplementedError

    def reverse_statements(self, q) -> list[str]:
        raise NotImplementedError

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for sql in self.statements(schema_editor.quote_name):
                schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for sql in self.reverse_statements(schema_editor.quote_name):
                schema_editor.execute(sql)


class PartnershipRowSecurity(_PolicyOperation):
    """A partnership is visible to (and written by) its two clusters; a motion follows its partnership."""

    def deconstruct(self):
        return (type(self).__qualname__, [], {})

    def statements(self, q):
        out = []
        for table, predicate in (
            ("partnerships_partnership", PARTIES),
            ("partnerships_motion", "partnership_id IN (SELECT id FROM partnerships_partnership)"),
        ):
            out += [
                f"ALTER TABLE {q(table)} ENABLE ROW LEVEL SECURITY",
                f"ALTER TABLE {q(table)} FORCE ROW LEVEL SECURITY",
                f"CREATE POLICY partner_parties ON {q(table)} USING ({predicate}) WITH CHECK ({predicate})",
            ]
        return out

    def reverse_statements(self, q):
        out = []
        for table in ("partnerships_partnership", "partnerships_motion"):
            out += [
                f"DROP POLICY IF EXISTS partner_parties ON {q(table)}",
                f"ALTER TABLE {q(table)} NO FORCE ROW LEVEL SECURITY",
                f"ALTER TABLE {q(table)} DISABLE ROW LEVEL SECURITY",
            ]
        return out

    def describe(self):
        return "Row-level security of partnerships: visible to their two clusters"


class PartnerListingVisibility(_PolicyOperation):
    """A listing table's partner policies (read and reserve), beside its tenant policy."""

    def __init__(self, table: str, kind: str):
        self.table, self.kind = table, kind

    def deconstruct(self):
        return (type(self).__qualname__, [], {"table": self.table, "kind": self.kind})

    def statements(self, q):
        table, predicate = q(self.table), partner_in_force_predicate(self.kind)
        return [
            f"CREATE POLICY partner_visibility ON {table} FOR SELECT USING ({predicate})",
            f"CREATE POLICY partner_reservation ON {table} FOR UPDATE USING ({predicate}) WITH CHECK ({predicate})",
        ]

    def reverse_statements(self, q):
        table = q(self.table)
        return [
            f"DROP POLICY IF EXISTS partner_visibility ON {table}",
            f"DROP POLICY IF EXISTS partner_reservation ON {table}",
        ]

    def describe(self):
        return f"Partner visibility of shared {self.kind} listings on {self.table}"


class PartnerSideVisibility(_PolicyOperation):
    """A match or deal table: a cross-cluster row is its partner cluster's too."""

    def __init__(self, table: str):
        self.table = table

    def deconstruct(self):
        return (type(self).__qualname__, [], {"table": self.table})

    def statements(self, q):
        predicate = f"partner_cluster_id = {CURRENT}"
        return [f"CREATE POLICY partner_side ON {q(self.table)} USING ({predicate}) WITH CHECK ({predicate})"]

    def reverse_statements(self, q):
        return [f"DROP POLICY IF EXISTS partner_side ON {q(self.table)}"]

    def describe(self):
        return f"Cross-cluster rows of {self.table} visible to the partner cluster"
