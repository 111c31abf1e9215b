from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.membership.models import Enterprise
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager


class Alert(models.Model):
    """A condition worth someone's attention. The same condition raises one open alert:
    ``key`` is unique among a cluster's open and acknowledged alerts."""

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(_("condition"), max_length=120, help_text=_("e.g. deal-overdue:42"))
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    params = models.JSONField(_("parameters"), null=True, blank=True, default=dict)
    subject = models.CharField(_("about"), max_length=200, help_text=_("In the default language, for search."))
    message = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    enterprises = models.ManyToManyField(Enterprise, blank=True, related_name="+", verbose_name=_("concerns"))
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.OPEN)
    occurrences = models.PositiveIntegerField(_("seen"), default=1)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-last_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "key"], condition=~Q(state="resolved"), name="one_live_alert_per_condition"
            )
        ]
        indexes = [models.Index(fields=["cluster", "state", "-last_seen_at"], name="alert_inbox")]

    def __str__(self):
        return f"{self.key} ({self.get_state_display()})"

    def rendered(self) -> tuple[str, str]:
        """``(subject, message)`` in the active language, from ``params`` (rows from before: the stored text)."""
        from apps.notifications.messages import render

        from .notices import notify_kind

        return render(notify_kind(self.kind), self.params, fallback=(self.subject, self.message))

    @property
    def subject_text(self) -> str:
        return self.rendered()[0]

    @property
    def message_text(self) -> str:
        return self.rendered()[1]


class KpiSnapshot(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="kpi_snapshots")
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now, db_index=True)
    metrics = models.JSONField(_("metrics"))

    objects = tenant_manager()

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["cluster", "-taken_at"], name="kpi_series")]

    def __str__(self):
        return f"{self.cluster_id} @ {self.taken_at:%Y-%m-%d %H:%M}"
