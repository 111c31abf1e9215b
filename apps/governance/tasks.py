from celery import shared_task

from . import services


@shared_task(name="governance.close_due_proposals")
def close_due_proposals() -> int:
    """Beat: tally and enact every proposal whose window has closed (idempotent)."""
    return services.proposals_close_due()


@shared_task(name="governance.remind_closing")
def remind_closing() -> int:
    return services.proposals_remind_closing()
