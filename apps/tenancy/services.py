"""Writes of the tenancy app: each validates, writes atomically and refuses illegal moves."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError

from .models import Cluster, ClusterRole

CLUSTER_EDITABLE_FIELDS = (
    "name_zh",
    "name_en",
    "kind",
    "industry_focus",
    "industry_focus_zh",
    "region",
    "region_zh",
    "status",
    "description",
)


def _require_staff(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDeniedError(_("Only platform staff may do this."))


@transaction.atomic
def cluster_create(*, actor, slug: str, **fields) -> Cluster:
    _require_staff(actor)
    unknown = set(fields) - set(CLUSTER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    cluster = Cluster(slug=slug, **fields)
    cluster.full_clean()
    cluster.save()
    return cluster


@transaction.atomic
def cluster_update(*, actor, cluster: Cluster, **fields) -> Cluster:
    _require_staff(actor)
    unknown = set(fields) - set(CLUSTER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("This field cannot be changed."), field=sorted(unknown)[0])
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    for name, value in fields.items():
        setattr(cluster, name, value)
    cluster.full_clean()
    cluster.save(update_fields=[*fields, "updated_at"])
    return cluster


@transaction.atomic
def cluster_administrator_appoint(*, actor, cluster: Cluster, email: str) -> ClusterRole:
    """Make the user with ``email`` an administrator of ``cluster`` (platform staff only)."""
    _require_staff(actor)
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise DomainError(_("No active user has this e-mail address."), field="email", code="unknown_user")
    try:
        with transaction.atomic():
            return ClusterRole.objects.create(
                cluster=cluster, user=user, role=ClusterRole.Role.ADMINISTRATOR, appointed_by=actor
            )
    except IntegrityError:
        raise ConflictError(
            _("This user is already an administrator of the cluster."), field="email", code="already_administrator"
        ) from None


@transaction.atomic
def cluster_administrator_remove(*, actor, cluster: Cluster, user_id: int) -> None:
    _require_staff(actor)
    deleted, _rows = ClusterRole.objects.filter(
        cluster=cluster, user_id=user_id, role=ClusterRole.Role.ADMINISTRATOR
    ).delete()
    if not deleted:
        raise NotFoundError(_("This user is not an administrator of the cluster."))
