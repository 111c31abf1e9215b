"""The unread notification count for the navigation bar."""

from functools import cache

from .models import Notification


def unread_notifications(request):
    """``unread_notification_count``: one COUNT query, run only when a template reads it (then cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}

    @cache
    def count() -> int:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notification_count": count}
