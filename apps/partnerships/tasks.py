"""Thin tasks of partnerships: re-read state and call a service."""

from celery import shared_task

from . import services


@shared_task(name="partnerships.end_due")
def end_due() -> int:
    return services.partnerships_end_due()
