"""Thin deal-room tasks (enqueued by name through the outbox, or run by beat)."""

from celery import shared_task

from .services.conversation import message_digests_send
from .services.offers import offers_expire


@shared_task(name="dealroom.send_message_digests")
def send_message_digests() -> int:
    """Beat, every few minutes: each person's unread messages since their last digest, one mail."""
    return message_digests_send()


# --- offers and requests for quotation ---------------------------------------------------------


@shared_task(name="dealroom.expire_offers")
def expire_offers() -> dict:
    """Beat: offers past their time expire; offers on a match no longer proposed close (idempotent)."""
    return offers_expire()
