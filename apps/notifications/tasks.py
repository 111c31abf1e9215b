from celery import shared_task

from . import services


@shared_task(name="notifications.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)
