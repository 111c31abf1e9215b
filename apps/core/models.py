from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """One row per Celery process kind ("worker" run by beat): proves the queue is alive.

    ``/health/`` reads the latest beat; the Celery end-to-end test checks a worker wrote it.
    """

    source = models.CharField(_("source"), max_length=64, unique=True)
    beats = models.PositiveBigIntegerField(_("beats"), default=0)
    last_seen_at = models.DateTimeField(_("last seen at"))
    hostname = models.CharField(_("host name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.source} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
