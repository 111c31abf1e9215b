"""The ``auditor`` role, which parks grants: a person the cluster's administrators appoint to visit
members on site. Provided to tenancy's roles query from ``ParksConfig.ready()``."""

from collections.abc import Callable

from django.db import connection

from apps.tenancy.access import RoleSource

from .models import Auditor

AUDITOR = "auditor"


def auditor_role_sql(on_cluster: Callable[[str], str]) -> str:
    table = connection.ops.quote_name(Auditor._meta.db_table)
    return f"""
        SELECT a.cluster_id, '{AUDITOR}', NULL FROM {table} a
        WHERE {on_cluster("a.cluster_id")} AND a.user_id = %(user)s"""


AUDITOR_ROLE = RoleSource(sql=auditor_role_sql, cluster_models=(Auditor,))
