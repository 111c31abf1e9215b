"""Thin marketplace tasks: the periodic housekeeping of proposals, listings and ratings (beat)."""

from celery import shared_task

from .services.deals import ratings_publish_due
from .services.listings import listings_expire
from .services.matches import matches_expire


@shared_task(name="marketplace.housekeeping")
def housekeeping() -> dict:
    """Expire proposals and listings past their dates; publish ratings that are due."""
    return {
        "matches_expired": matches_expire(),
        "listings_expired": listings_expire(),
        "ratings_published": ratings_publish_due(),
    }
