"""The transactional outbox: tasks are recorded with the change, then relayed to the broker.

``enqueue(task, *args)`` writes a row inside the caller's transaction and, once it commits,
tries to send it at once. A broker outage leaves the row pending (the request still
succeeds); ``relay_pending`` — run by beat, and by a process whose send failed at its next
successful one — delivers the backlog when the broker is back. Tasks are idempotent, so a message
sent twice (a crash between sending and marking) is harmless.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
RELAY_BATCH = 200
#: task name -> ``step(*args) -> bool``: what the task would do, done by the process that sends it
#: (True), or declined (False: the task is sent as usual). For a task whose work is one Redis write,
#: a worker's round trip per message costs more than the work: apps/matching registers one.
LOCAL: dict = {}
#: sent messages are kept this long (to look into a problem), then deleted
KEEP_SENT_DAYS = 7
#: this process may have left a backlog (a send failed, or it has just started and another one
#: may have died with messages pending): its next successful send relays it. Otherwise a send
#: does not look for a backlog (a query per message, a tenth of a posted order's round trips):
#: beat's relay finds what other processes left
_behind = True


def _send(message_id: int, task_name: str, args: list) -> bool:
    global _behind
    from cluster_platform.celery import app

    if app.conf.task_always_eager:  # tests and scripts: run in process, let failures surface
        # claimed before it runs: a task run in process may enqueue others, whose relay would
        # otherwise find this one still pending and run it again, without end
        claimed = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1
        )
        if not claimed:
            return True
        if task_name not in app.tasks:  # enqueued by name: the tasks modules load as a worker's would
            app.loader.import_default_modules()
        app.tasks[task_name].apply(args=args, throw=True)
        return True
    else:
        try:
            if not _done_locally(task_name, args):
                app.send_task(task_name, args=args, retry=False)
        except Exception as exc:  # any broker failure: keep the message for the relay
            _behind = True
            OutboxMessage.objects.filter(pk=message_id).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
            )
            logger.warning("broker unavailable, %s kept in the outbox: %s", task_name, exc)
            return False
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    return True


def _done_locally(task_name: str, args: list) -> bool:
    step = LOCAL.get(task_name)
    if step is None:
        return False
    try:
        return bool(step(*args))
    except Exception:  # the step failed: the task is sent, and a worker does it
        logger.exception("the local step of %s failed; the task is sent instead", task_name)
        return False


def enqueue(task: str, *args) -> OutboxMessage:
    """Record the task named ``task`` (``"apps.matching.tasks.match_listing"``) with ``args`` in the
    current transaction; send it after commit (or later). A name, not the task object, so that a
    service never imports the tasks module that imports it back."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args))
    transaction.on_commit(lambda: _send(message.pk, message.task, message.args) and _catch_up())
    return message


def _catch_up(limit: int = 20) -> None:
    """After a successful send: the backlog this process may have left, ``limit`` at a time."""
    global _behind
    if _behind:
        _behind = False
        if relay_pending(limit=limit) == limit:  # more may wait (a failure sets it again itself)
            _behind = True


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Send pending messages oldest first; stop at the first failure (the broker is still away)."""
    sent = 0
    for message_id, task_name, args in (
        OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", "task", "args")[:limit]
    ):
        if not _send(message_id, task_name, args):
            break
        sent += 1
    return sent


def purge_sent(*, now=None) -> int:
    """Delete messages sent more than ``KEEP_SENT_DAYS`` ago: the table holds the backlog, not history."""
    import datetime

    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEEP_SENT_DAYS)
    return OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()[0]
