"""Every task retries a transient database error with backoff instead of dropping it."""

from unittest import mock

import pytest
from django.db import OperationalError

from apps.core.db.transient import transient_database_error
from apps.core.models import Heartbeat
from cluster_platform.celery import PlatformTask, app


def platform_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_registered_task_has_the_database_retry_policy():
    tasks = platform_tasks()
    assert {"notifications.send_email", "core.record_heartbeat", "governance.close_due_proposals"} <= set(tasks)
    for name, task in tasks.items():
        assert isinstance(task, PlatformTask), f"{name} is not a PlatformTask: it would drop a 'database is locked'"
        assert 0 < task.database_retries <= 10, name
        assert task.database_retry_backoff_max <= 300, name


def _cause(pgcode):
    error = OperationalError("failed")
    error.__cause__ = type("Cause", (Exception,), {"pgcode": pgcode})()
    return error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked"), True),
        (_cause("40001"), True),  # serialization failure
        (_cause("40P01"), True),  # deadlock
        (_cause("08006"), True),  # connection failure
        (_cause("42P01"), False),  # undefined table: a bug, not worth retrying
        (OperationalError("no such table: foo"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_transient_errors_are_told_from_bugs(error, transient):
    assert transient_database_error(error) is transient


@pytest.fixture
def not_propagating():
    """Eager tasks that keep their failures in the result (a worker's view), so retries run in place."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


@pytest.mark.django_db
@pytest.mark.usefixtures("not_propagating")
def test_a_locked_database_is_retried_not_dropped():
    from apps.core import services, tasks

    real = services.heartbeat_record
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return real(**kwargs)

    with mock.patch.object(services, "heartbeat_record", flaky):
        # throw=False: eagerly, each retry then runs at once in place (a worker waits the backoff)
        result = tasks.record_heartbeat.apply(args=["retry-test"], throw=False)
    assert len(calls) == 3
    assert result.successful()
    assert Heartbeat.objects.get(source="retry-test").beats == 1


@pytest.mark.django_db
def test_a_bug_is_not_retried():
    from apps.core import services, tasks

    with (
        mock.patch.object(services, "heartbeat_record", side_effect=OperationalError("no such table: x")) as call,
        pytest.raises(OperationalError),
    ):
        tasks.record_heartbeat.apply(args=["bug-test"], throw=True)
    assert call.call_count == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("not_propagating")
def test_retries_are_bounded():
    from apps.core import services, tasks

    with mock.patch.object(services, "heartbeat_record", side_effect=OperationalError("database is locked")) as call:
        result = tasks.record_heartbeat.apply(args=["locked-test"], throw=False)
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert call.call_count == tasks.record_heartbeat.database_retries + 1
