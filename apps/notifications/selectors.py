"""Reads of notifications, shared by the pages and the API: a user reads only their own."""

from django.db.models import QuerySet

from .models import Notification, NotificationPreference


def notifications_of(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("cluster").order_by("-created_at", "-pk")


def notification_exists(*, user, notification_id: int) -> bool:
    return Notification.objects.filter(user=user, pk=notification_id).exists()


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_stored(*, user) -> dict[str, NotificationPreference]:
    """The user's stored preferences by category (a category without one gets everything)."""
    return {p.category: p for p in NotificationPreference.objects.filter(user=user)}


def preferences_of(*, user) -> list[dict]:
    """Every category with its two channels, as the API lists them."""
    stored = preferences_stored(user=user)
    return [
        {
            "category": category,
            "in_app": stored[category].in_app if category in stored else True,
            "email": stored[category].email if category in stored else True,
        }
        for category in NotificationPreference.Category.values
    ]
