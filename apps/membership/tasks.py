from celery import shared_task

from . import emails


@shared_task(name="membership.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    return emails.invitation_email_send(invitation_id=invitation_id)
