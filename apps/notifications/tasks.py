from celery import shared_task

from . import services


@shared_task(name="notifications.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)


@shared_task(name="notifications.send_emails", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """The e-mails of one raise; each is sent once, so a retry after a partial failure sends the rest."""
    return services.notifications_send_emails(notification_ids=notification_ids)
