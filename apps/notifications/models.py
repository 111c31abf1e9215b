from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message to one user: what happened (``kind`` and ``params``), rendered when read.

    The text is rendered in the reader's language from the kind's registered template
    (``messages.render``). ``title`` and ``body`` hold only the text of rows stored before
    templates existed (``params`` is NULL), read as they were written.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    cluster = models.ForeignKey(
        "tenancy.Cluster", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("cluster")
    )
    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, null=True, blank=True)
    title = models.CharField(_("title (legacy text)"), max_length=200, blank=True)
    body = models.TextField(_("message (legacy text)"), blank=True)
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
        return self.rendered()[0]

    def rendered(self) -> tuple[str, str]:
        """``(title, body)`` in the active language (once per language for this instance)."""
        from django.utils import translation

        from .messages import render

        language = translation.get_language()
        cache = self.__dict__.setdefault("_rendered", {})
        if language not in cache:
            cache[language] = render(self.kind, self.params, fallback=(self.title, self.body))
        return cache[language]

    @property
    def rendered_title(self) -> str:
        return self.rendered()[0]

    @property
    def rendered_body(self) -> str:
        return self.rendered()[1]


class NotificationPreference(models.Model):
    """Per user and category: whether to get the in-app message and the e-mail (default: both)."""

    class Category(models.TextChoices):
        MEMBERSHIP = "membership", _("Membership decisions")
        REPORT = "report", _("Reports and warnings")
        MARKETPLACE = "marketplace", _("Matches and deals")
        DEALROOM = "dealroom", _("Deal room: messages, offers, quotes and disputes")
        PARKS = "parks", _("Park bookings: requests, confirmations and cancellations")
        INNOVATION = "innovation", _("Innovation challenges: proposals, solutions, questions and awards")
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
    """'membership.approve' -> 'membership'; unknown prefixes fall back to 'alert'.

    Every kind an app registers has a category of its own prefix (``tests/notifications/test_categories.py``):
    a kind that fell back to 'alert' could only be switched off with the monitoring alerts.
    """
    prefix = kind.split(".", 1)[0]
    return prefix if prefix in NotificationPreference.Category.values else "alert"
