"""Thin Celery tasks of the core app: each takes plain values and calls one service."""

from celery import shared_task

from . import services


@shared_task(name="core.record_heartbeat", ignore_result=True)
def record_heartbeat(source: str = "worker") -> int:
    return services.heartbeat_record(source=source).beats


@shared_task(name="core.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Beat: deliver tasks recorded while the broker was away, and forget long-sent ones."""
    from .outbox import purge_sent, relay_pending

    sent = relay_pending()
    purge_sent()
    return sent


@shared_task(name="core.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Beat: forget the Idempotency-Keys past their 24 hours."""
    from .idempotency import purge_expired

    return purge_expired()
