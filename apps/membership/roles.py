"""The ``member`` role, which membership grants: a person of an enterprise that is an active
member of the cluster. Provided to tenancy's roles query from ``MembershipConfig.ready()``."""

from django.db import connection

from apps.tenancy.access import RoleSource
from apps.tenancy.selectors import MEMBER

from .models import EnterpriseMember, Membership


def member_role_sql() -> str:
    q = connection.ops.quote_name
    membership, person = q(Membership._meta.db_table), q(EnterpriseMember._meta.db_table)
    return f"""
        SELECT '{MEMBER}', NULL WHERE EXISTS (
            SELECT 1 FROM {membership} m JOIN {person} p ON p.enterprise_id = m.enterprise_id
            WHERE m.cluster_id = %(cluster)s AND p.user_id = %(user)s AND m.status = '{Membership.Status.ACTIVE}'
        )"""


#: a membership changes its cluster's access; a person joining or leaving an enterprise, every cluster's
MEMBER_ROLE = RoleSource(sql=member_role_sql, cluster_models=(Membership,), shared_models=(EnterpriseMember,))
