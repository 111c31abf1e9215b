"""Thin Celery tasks of the core app: each takes plain values and calls one service."""

from celery import shared_task

from . import services


@shared_task(name="core.record_heartbeat", ignore_result=True)
def record_heartbeat(source: str = "worker") -> int:
    return services.heartbeat_record(source=source).beats
