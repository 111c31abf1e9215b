"""Row-level security on PostgreSQL: defence in depth behind the application's scoping.

Every tenant table carries a policy that shows (and accepts) only the rows of the cluster
named by the transaction-local setting ``app.cluster_id``; child tables without a
``cluster_id`` column (votes, comments, deal events, …) show the rows whose parent is
visible. Security is *forced*, so it binds the table owner too, and it binds the
application's tenant role (``settings.DATABASE_TENANT_ROLE``, ``cluster_app`` by default):
a role that is neither superuser nor owner and has no ``BYPASSRLS``.

A request under ``/clusters/<slug>/…`` (pages) or ``/api/v1/clusters/<slug>/…`` runs in
one transaction that ``tenant_scope`` opens with

    SET LOCAL ROLE cluster_app;  SET LOCAL app.cluster_id = <id>;

so a query that forgets its tenant filter can still only reach that cluster's rows, and
with no cluster set it reaches none. Migrations and system work (beat scans over every
cluster, management commands) run as the login role, which owns the tables and may
bypass the policies (a superuser, or a role with ``BYPASSRLS``).

On SQLite there is no row-level security; the application-level scoping
(``ClusterScopedViewSet.scoped_queryset`` and the page selectors) is the only guard there.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.operations.base import Operation

SETTING = "app.cluster_id"
#: the policy predicate for a table with a ``cluster_id`` column
CLUSTER_PREDICATE = f"cluster_id = NULLIF(current_setting('{SETTING}', true), '')::bigint"


def tenant_role() -> str:
    return getattr(settings, "DATABASE_TENANT_ROLE", "cluster_app")


def enforced(using=None) -> bool:
    """True where the database enforces row-level security (PostgreSQL)."""
    conn = connection if using is None else using
    return conn.vendor == "postgresql"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def tenant_scope(cluster_id: int):
    """Run the block in a transaction bound to one cluster under the tenant role.

    The role and cluster are set just before the block's first statement (an execute
    wrapper), so every statement runs under them, and a request answered from the cache
    does not touch the database at all.

    Nested in an outer transaction (a test, or another scope) it uses a savepoint and
    puts the outer role and cluster back on the way out, so the caller is unaffected.
    The caller marks the transaction for rollback (``transaction.set_rollback``) when
    the work it wraps failed.
    """
    conn = transaction.get_connection()  # this thread's connection (``connection`` is a shared proxy)
    nested = conn.in_atomic_block
    with transaction.atomic():
        if not enforced():
            yield
            return
        scopes = conn.__dict__.setdefault("_tenant_scopes", [])
        outermost = not scopes
        scopes.append((tenant_role(), str(int(cluster_id))))
        try:
            if outermost:
                with conn.execute_wrapper(_bind_to_current_scope):
                    yield
            else:
                yield
        finally:
            scopes.pop()
            applied = conn.__dict__.pop("_tenant_applied", None)
        if nested and not scopes and applied is not None and not transaction.get_rollback():
            # the end of the transaction undoes SET LOCAL, and so does a rolled-back savepoint;
            # a released savepoint does not, so the outer transaction gets its settings back
            # (an enclosing scope's settings are put back by its wrapper, before its next statement)
            _apply(("none", ""))


SET_SCOPE_SQL = "SELECT set_config('role', %s, true), set_config(%s, %s, true)"


def _bind_to_current_scope(execute, sql, params, many, context):
    """Execute wrapper: before a statement, make the innermost scope's role and cluster current."""
    conn = context["connection"]
    wanted = conn._tenant_scopes[-1]
    if conn.__dict__.get("_tenant_applied") != wanted:
        role, cluster_id = wanted
        # a cursor of its own: the statement's may be a named (server-side) cursor, which executes once
        with conn.connection.cursor() as cursor:
            cursor.execute(SET_SCOPE_SQL, [role, SETTING, cluster_id])
        conn._tenant_applied = wanted
    return execute(sql, params, many, context)


def _apply(state: tuple[str, str]) -> None:
    role, cluster_id = state
    with connection.cursor() as cursor:
        cursor.execute(SET_SCOPE_SQL, [role, SETTING, cluster_id])


# --- Migrations ---------------------------------------------------------------------------


class TenantRowSecurity(Operation):
    """Enable and force row-level security on ``table`` with a tenant policy.

    ``parent`` is ``None`` for a table with its own ``cluster_id`` column, or
    ``(fk_column, parent_table)`` for a child table whose rows follow their parent's.
    A no-op on databases other than PostgreSQL.
    """

    reduces_to_sql = True
    reversible = True
    policy = "tenant_isolation"

    def __init__(self, table: str, parent: tuple[str, str] | None = None):
        self.table = table
        self.parent = parent

    def deconstruct(self):
        kwargs = {"table": self.table}
        if self.parent:
            kwargs["parent"] = self.parent
        return (type(self).__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def predicate(self, schema_editor) -> str:
        if self.parent is None:
            return CLUSTER_PREDICATE
        column, parent_table = self.parent
        q = schema_editor.quote_name
        return f"{q(column)} IN (SELECT id FROM {q(parent_table)})"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        q = schema_editor.quote_name
        table, predicate = q(self.table), self.predicate(schema_editor)
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"CREATE POLICY {q(self.policy)} ON {table} USING ({predicate}) WITH CHECK ({predicate})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        q = schema_editor.quote_name
        table = q(self.table)
        schema_editor.execute(f"DROP POLICY IF EXISTS {q(self.policy)} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self):
        return f"Row-level security by cluster on {self.table}"


class TenantRole(Operation):
    """Create the tenant role (if missing) and grant it the data it works on.

    The role cannot log in and has no ``BYPASSRLS``; the login role becomes a member so
    it may ``SET ROLE`` to it. Default privileges grant it every table and sequence that
    later migrations create. Creating a role needs ``CREATEROLE``: where the migration
    role lacks it, a DBA creates the role first and this only grants.
    """

    reduces_to_sql = True
    reversible = True

    def deconstruct(self):
        return (type(self).__qualname__, [], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        role = tenant_role()
        literal = role.replace("'", "''")
        schema_editor.execute(
            f"""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{literal}') THEN
                    CREATE ROLE {_quote(role)} NOLOGIN NOSUPERUSER NOBYPASSRLS;
                END IF;
                IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                    EXECUTE format('GRANT %I TO %I', '{literal}', current_user);
                END IF;
            END
            $$
            """,
            params=None,  # the body has % signs of its own (format())
        )
        r = _quote(role)
        schema_editor.execute(f"GRANT USAGE ON SCHEMA public TO {r}")
        schema_editor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}")
        schema_editor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}")
        schema_editor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}"
        )
        schema_editor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        r = _quote(tenant_role())
        schema_editor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {r}"
        )
        schema_editor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {r}")
        schema_editor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}")
        schema_editor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}")
        schema_editor.execute(f"REVOKE USAGE ON SCHEMA public FROM {r}")

    def describe(self):
        return "Tenant role for row-level security"
