"""The ``council`` role, which governance grants: the holder of a seat whose term covers now.
Provided to tenancy's roles query from ``GovernanceConfig.ready()``; the row of a seat whose
term covers now or is still to come carries the term's next boundary, when the answer changes
by itself (``timed``)."""

from collections.abc import Callable

from django.db import connection

from apps.tenancy.access import RoleSource
from apps.tenancy.selectors import COUNCIL

from .models import Seat


def council_role_sql(on_cluster: Callable[[str], str]) -> str:
    seat = connection.ops.quote_name(Seat._meta.db_table)
    return f"""
        SELECT s.cluster_id,
               CASE WHEN s.term_start <= %(now)s THEN '{COUNCIL}' END,
               CASE WHEN s.term_start <= %(now)s THEN s.term_end ELSE s.term_start END
        FROM {seat} s
        WHERE {on_cluster("s.cluster_id")} AND s.holder_id = %(user)s AND s.removed_at IS NULL
          AND s.term_end > %(now)s"""


COUNCIL_ROLE = RoleSource(sql=council_role_sql, cluster_models=(Seat,), timed=True)
