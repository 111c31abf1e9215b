"""Raising notifications: in-app rows now, e-mails through Celery after commit.

A notification stores what happened (``kind`` and ``params``); its text is rendered when
read, in the reader's language (``messages``). Raising is bulk: one query for the
recipients' preferences, one ``bulk_create``, one outbox message for all the e-mails.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.core import outbox

from .models import Notification, NotificationPreference, category_of


@dataclass(frozen=True)
class Notice:
    """One notification to raise: for ``user``, of ``kind``, with ``params`` (JSON-serialisable)."""

    user: object
    kind: str
    params: dict = field(default_factory=dict)
    link: str = ""
    cluster: object = None
    email: bool = True


def notify_users(
    *,
    users: Iterable,
    kind: str,
    params: dict | None = None,
    link: str = "",
    cluster=None,
    email: bool = True,
) -> list[Notification]:
    """One notification of ``kind`` per distinct user (its text rendered when read)."""
    distinct = {user.pk: user for user in users}.values()
    return notify_many(
        [Notice(user=u, kind=kind, params=params or {}, link=link, cluster=cluster, email=email) for u in distinct]
    )


def notify_many(notices: Iterable[Notice]) -> list[Notification]:
    """Raise many notifications at once, honouring each recipient's preference per category."""
    notices = list(notices)
    if not notices:
        return []
    categories = {category_of(n.kind) for n in notices}
    preferences = {
        (p.user_id, p.category): p
        for p in NotificationPreference.objects.filter(user__in={n.user.pk for n in notices}, category__in=categories)
    }
    now = timezone.now()
    rows, wants_email = [], []
    for notice in notices:
        preference = preferences.get((notice.user.pk, category_of(notice.kind)))
        in_app = preference is None or preference.in_app
        by_email = notice.email and (preference is None or preference.email)
        if not in_app and not by_email:
            continue
        rows.append(
            Notification(
                user=notice.user,
                cluster=notice.cluster,
                kind=notice.kind,
                params=notice.params,
                link=notice.link,
                # e-mail only: the row exists for the e-mail task, already read in the app
                read_at=None if in_app else now,
            )
        )
        wants_email.append(by_email)
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n, mail in zip(created, wants_email, strict=True) if mail]
    if ids:
        outbox.enqueue("notifications.send_emails", ids)
    return created


def notification_mark_read(*, user, notification_id: int) -> int:
    return Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def language_of(user) -> str:
    """The language a user reads e-mails in: their preferred one, else the site's default."""
    return user.preferred_language or settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    """A link into the platform for an e-mail: ``SITE_URL`` (the address it serves on) + path."""
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path.startswith("/") else path


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of one notification once, in the recipient's language; a rerun sends nothing."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    notification = Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    user = notification.user
    with translation.override(language_of(user)):
        title, body = notification.rendered()
        context = {
            "site_name": gettext(settings.SITE_NAME),
            "user": user,
            "title": title,
            "body": body,
            "link": absolute_url(notification.link) if notification.link else "",
            "preferences_url": absolute_url(reverse("notification-preferences")),
        }
        subject = render_to_string("notifications/email/notification_subject.txt", context).strip()
        message = render_to_string("notifications/email/notification_message.txt", context)
    send_mail(subject=" ".join(subject.split()), message=message, from_email=None, recipient_list=[user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def notifications_send_emails(*, notification_ids: list[int]) -> int:
    """Send the e-mails of several notifications (each once; idempotent)."""
    return sum(notification_send_email(notification_id=pk) for pk in notification_ids)
