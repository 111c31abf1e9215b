from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message to one user, written in the user's language when it was raised."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    cluster = models.ForeignKey(
        "tenancy.Cluster", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("cluster")
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """Per user and category: whether to get the in-app message and the e-mail (default: both)."""

    class Category(models.TextChoices):
        MEMBERSHIP = "membership", _("Membership decisions")
        REPORT = "report", _("Reports and warnings")
        MARKETPLACE = "marketplace", _("Matches and deals")
        GOVERNANCE = "governance", _("Council and rules")
        ALERT = "alert", _("Monitoring alerts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_preference_per_category")]

    def __str__(self):
        return f"{self.user_id} {self.get_category_display()}: app={self.in_app} email={self.email}"


def category_of(kind: str) -> str:
    """'membership.approve' -> 'membership'; unknown prefixes fall back to 'alert'."""
    prefix = kind.split(".", 1)[0]
    return prefix if prefix in NotificationPreference.Category.values else "alert"
