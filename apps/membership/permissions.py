"""Who may act for an enterprise or moderate a cluster (checks raise domain errors)."""

from django.utils.translation import gettext as _

from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import ClusterRole

from .models import EnterpriseMember

MANAGERS = (EnterpriseMember.Role.OWNER, EnterpriseMember.Role.ADMIN)


def enterprise_role(*, user, enterprise) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return EnterpriseMember.objects.filter(enterprise=enterprise, user=user).values_list("role", flat=True).first()


def require_enterprise_role(*, user, enterprise, roles=MANAGERS) -> str:
    """The caller's role in ``enterprise`` if it is one of ``roles``; otherwise 403."""
    role = enterprise_role(user=user, enterprise=enterprise)
    if role not in roles:
        raise PermissionDeniedError(_("You cannot act for this enterprise in this way."))
    return role


def is_cluster_administrator(*, user, cluster) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return ClusterRole.objects.filter(cluster=cluster, user=user, role=ClusterRole.Role.ADMINISTRATOR).exists()


def require_cluster_administrator(*, user, cluster) -> None:
    if not is_cluster_administrator(user=user, cluster=cluster):
        raise PermissionDeniedError(_("Only the cluster's administrators may do this."))
