"""The ``member`` role, which membership grants: a person of an enterprise that is an active
member of the cluster. Provided to tenancy's roles query from ``MembershipConfig.ready()``."""

from collections.abc import Callable

from django.db import connection

from apps.tenancy.access import RoleSource
from apps.tenancy.models import Cluster
from apps.tenancy.selectors import MEMBER

from .models import EnterpriseMember, Membership


def member_role_sql(on_cluster: Callable[[str], str]) -> str:
    """One row per cluster (however many of the user's enterprises are members there)."""
    q = connection.ops.quote_name
    membership, person = q(Membership._meta.db_table), q(EnterpriseMember._meta.db_table)
    cluster = q(Cluster._meta.db_table)
    return f"""
        SELECT c.id, '{MEMBER}', NULL FROM {cluster} c WHERE {on_cluster("c.id")} AND c.id IN (
            SELECT m.cluster_id FROM {membership} m JOIN {person} p ON p.enterprise_id = m.enterprise_id
            WHERE {on_cluster("m.cluster_id")} AND p.user_id = %(user)s AND m.status = '{Membership.Status.ACTIVE}'
        )"""


#: a membership changes its cluster's access; a person joining or leaving an enterprise, every cluster's
MEMBER_ROLE = RoleSource(sql=member_role_sql, cluster_models=(Membership,), shared_models=(EnterpriseMember,))
