"""Writes of the core app."""

import socket

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, source: str) -> Heartbeat:
    """Count one beat for ``source``; safe under concurrent workers (atomic increment)."""
    now = timezone.now()
    with transaction.atomic():
        heartbeat, created = Heartbeat.objects.get_or_create(
            source=source,
            defaults={"beats": 1, "last_seen_at": now, "hostname": socket.gethostname()[:255]},
        )
        if not created:
            Heartbeat.objects.filter(pk=heartbeat.pk).update(
                beats=F("beats") + 1, last_seen_at=now, hostname=socket.gethostname()[:255]
            )
            heartbeat.refresh_from_db()
    return heartbeat
