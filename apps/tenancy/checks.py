"""System checks for row-level security on PostgreSQL (run by ``migrate`` and ``check --database``)."""

from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database)
def login_role_may_bypass_row_security(app_configs=None, databases=None, **kwargs):
    """System work (beat scans over every cluster, commands, migrations) runs as the login role
    with no cluster set. Row-level security is forced on the tenant tables, so unless that role
    is a superuser or has BYPASSRLS it would see no rows at all, silently."""
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
            role, may_bypass = cursor.fetchone()
        if not may_bypass:
            errors.append(
                Error(
                    f"The database role {role!r} can neither bypass row-level security nor act as superuser.",
                    hint=f"ALTER ROLE {role} BYPASSRLS; (as a superuser). Tenant requests switch to the "
                    "DATABASE_TENANT_ROLE, which stays bound by the policies.",
                    id="tenancy.E001",
                )
            )
    return errors
