from celery import shared_task

from . import chain
from .services import voting


@shared_task(name="governance.close_due_proposals")
def close_due_proposals() -> int:
    """Beat: tally and enact every proposal whose window has closed (idempotent)."""
    return voting.proposals_close_due()


@shared_task(name="governance.remind_closing")
def remind_closing() -> int:
    return voting.proposals_remind_closing()


@shared_task(name="governance.checkpoint_chains")
def checkpoint_chains() -> int:
    """Beat, hourly: sign each cluster's chain head where it moved since its last checkpoint (idempotent)."""
    return chain.checkpoint_all()
