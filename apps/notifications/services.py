"""Raising notifications: in-app rows now, an e-mail through Celery after commit."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone, translation

from apps.core import outbox

from .models import Notification, NotificationPreference, category_of


def notify_users(
    *,
    users: Iterable,
    kind: str,
    render: Callable[[], tuple[str, str]],
    link: str = "",
    cluster=None,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per user, rendered in that user's language.

    ``render`` returns ``(title, body)`` and is called with each user's language active,
    so translated strings come out in Chinese for a Chinese-speaking user. E-mails are
    sent by a Celery task enqueued once the surrounding transaction commits.
    """
    users = list(users)
    category = category_of(kind)
    preferences = {
        p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users], category=category)
    }
    created = []
    for user in users:
        preference = preferences.get(user.pk)
        if preference is not None and not preference.in_app and not preference.email:
            continue
        with translation.override(user.preferred_language or translation.get_language() or "en"):
            title, body = render()
        created.append(
            Notification(user=user, cluster=cluster, kind=kind, title=str(title)[:200], body=str(body), link=link)
        )
    created = Notification.objects.bulk_create(created)
    for notification in created:
        preference = preferences.get(notification.user_id)
        if email and (preference is None or preference.email):
            outbox.enqueue("notifications.send_email", notification.pk)
        if preference is not None and not preference.in_app:
            # e-mail only: the row exists for the e-mail task, already read in the app
            Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
    return created


def notification_mark_read(*, user, notification_id: int) -> int:
    return Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of one notification once; a rerun after success sends nothing."""
    from django.conf import settings
    from django.core.mail import send_mail

    notification = Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
    send_mail(
        subject=f"[{settings.SITE_NAME}] {notification.title}",
        message=body,
        from_email=None,
        recipient_list=[notification.user.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
