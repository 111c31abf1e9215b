"""Thin deal-room tasks (one section per concern)."""

from celery import shared_task

from .services.offers import offers_expire

# --- offers and requests for quotation ---------------------------------------------------------


@shared_task(name="dealroom.expire_offers")
def expire_offers() -> dict:
    """Beat: offers past their time expire; offers on a match no longer proposed close (idempotent)."""
    return offers_expire()
