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


class OutboxMessage(models.Model):
    """A task to send to the broker, written in the same transaction as the change behind it.

    If the broker is away when the transaction commits, the row stays pending and a relay
    sends it once the broker is back: nothing a member did is lost to an outage.
    """

    task = models.CharField(_("task"), max_length=120)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["sent_at", "id"], name="outbox_pending")]

    def __str__(self):
        return f"{self.task}{tuple(self.args)} {'sent' if self.sent_at else 'pending'}"


class IdempotencyKey(models.Model):
    """A POST's ``Idempotency-Key`` and the answer it got (``apps.core.idempotency``).

    One per caller and key. ``status`` is null while the first request runs; once it
    succeeded, its status and body are kept for ``IDEMPOTENCY_KEY_HOURS`` and answered again
    to a retry. The caller is the user's id (core knows no user model).
    """

    user_id = models.PositiveBigIntegerField(_("user"))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=1000)
    status = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True)
    content_type = models.CharField(_("answer content type"), max_length=100, blank=True)
    body = models.BinaryField(_("answer body"), default=b"")
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="one_idempotency_key_per_user")]

    def __str__(self):
        return f"{self.user_id}:{self.key} {self.method} {self.path} -> {self.status or 'running'}"
