from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.generations import WatchedQuerySet
from apps.core.models import TimeStampedModel

from .scoping import tenant_manager

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. 'yangtze-textile'."),
)


def _reads_chinese() -> bool:
    return (get_language() or "").startswith("zh")


class Cluster(TimeStampedModel):
    """The tenant: a virtual, physical or hybrid industrial cluster (park).

    Every tenant-owned row carries its cluster, and every query for such rows is
    built by a selector that takes the cluster (see ``apps.tenancy.api.base``).
    """

    class Kind(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual cluster")
        PHYSICAL = "physical", _("Physical park")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), max_length=60, unique=True, validators=[slug_validator])
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VIRTUAL)
    # in English (the source), and optionally in Chinese: each reader sees theirs (``*_shown``)
    industry_focus = models.CharField(_("industry focus (English)"), max_length=200)
    industry_focus_zh = models.CharField(_("industry focus (Chinese)"), max_length=200, blank=True)
    region = models.CharField(_("region (English)"), max_length=120, help_text=_("e.g. Yangtze River Delta"))
    region_zh = models.CharField(_("region (Chinese)"), max_length=120, blank=True, help_text=_("e.g. 长三角"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)

    objects = WatchedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese for zh-*, English otherwise)."""
        return self.name_zh if _reads_chinese() else self.name_en

    @property
    def industry_focus_shown(self) -> str:
        """The industry focus in the active language (the English one when no Chinese is given)."""
        return (self.industry_focus_zh if _reads_chinese() else "") or self.industry_focus

    @property
    def region_shown(self) -> str:
        return (self.region_zh if _reads_chinese() else "") or self.region

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class ClusterRole(models.Model):
    """A user's role in one cluster. Roles are data, checked per cluster and per object."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="roles", verbose_name=_("cluster"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cluster_roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = tenant_manager(WatchedQuerySet)

    class Meta:
        verbose_name = _("cluster role")
        verbose_name_plural = _("cluster roles")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "user", "role"], name="uniq_cluster_user_role"),
        ]
        indexes = [models.Index(fields=["user", "cluster"], name="clusterrole_user_cluster")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} @ {self.cluster.slug}"
