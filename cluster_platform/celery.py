"""The Celery application: configured from Django settings (CELERY_* names)."""

import os
from pathlib import Path

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.utils.time import get_exponential_backoff_interval
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")
# filesystem:// (the embedded broker) writes each message whole (apps/core/broker.py)
TRANSPORT_ALIASES["filesystem"] = "apps.core.broker:Transport"


class PlatformTask(DjangoTask):
    """The base of every task (Django's, with ``delay_on_commit``): one that meets a transient database error (SQLite's "database is
    locked", a PostgreSQL deadlock, serialization failure or lost connection) is retried later,
    with exponential backoff and full jitter, at most ``database_retries`` times, never dropped.
    Every task is idempotent, so running it again is safe; a task's own ``autoretry_for`` still applies."""

    #: how many times a transient database error is retried before the task fails with it
    database_retries = 8
    #: the backoff: 1 s, 2 s, 4 s … at most 60 s, each drawn at random below that (full jitter)
    database_retry_backoff = 1
    database_retry_backoff_max = 60

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            from apps.core.db.transient import transient_database_error

            if self.request.called_directly or not transient_database_error(exc):
                raise
            countdown = get_exponential_backoff_interval(
                factor=self.database_retry_backoff,
                retries=self.request.retries,
                maximum=self.database_retry_backoff_max,
                full_jitter=True,
            )
            raise self.retry(exc=exc, countdown=countdown, max_retries=self.database_retries) from exc


#: heavy matching work, sent to ``CELERY_MATCHING_QUEUE`` ("matching"): full re-plans and the
#: parts of a distributed plan. Incremental matching of one listing stays on the default queue.
MATCHING_QUEUE_TASKS = frozenset(
    {
        "matching.replan_cluster",
        "matching.plan_chunk",
        "matching.solve_stage",
        "matching.solve_blocks",
        "matching.merge_plan",
    }
)


def route_task(name, args, kwargs, options, task=None, **kw):
    """``CELERY_TASK_ROUTES``: read at each send, so a test may point the queue elsewhere."""
    if name in MATCHING_QUEUE_TASKS:
        return {"queue": app.conf.matching_queue}
    return None


app = Celery("cluster_platform", task_cls=PlatformTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if str(app.conf.broker_url).startswith("filesystem://"):
    # The embedded broker (no Redis): kombu's filesystem transport needs its folders.
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
