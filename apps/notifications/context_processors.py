"""The unread notification count for the navigation bar."""

from functools import cache

from .selectors import unread_count


def unread_notifications(request):
    """``unread_notification_count``: one COUNT query, run only when a template reads it (then cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}

    @cache
    def count() -> int:
        return unread_count(user=user)

    return {"unread_notification_count": count}
