"""Redis away while members keep posting: every post succeeds, and matching catches up after."""

import pytest

from apps.core.models import OutboxMessage
from apps.core.outbox import relay_pending
from apps.marketplace.models import Match
from cluster_platform.celery import app
from tests.marketplace.conftest import capacity_body, market, order_body  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_posts_succeed_while_the_broker_is_away_and_matching_catches_up(
    as_user,
    market,  # noqa: F811  (the fixture imported above)
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):  # what kombu raises when Redis does not answer
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(type(app), "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        capacity = as_user(market.supplier_owner).post(
            market.url("capacities/"), capacity_body(market.supplier), format="json"
        )
        order = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    assert (capacity.status_code, order.status_code) == (201, 201)
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert pending.count() == 2 and {m.task for m in pending} == {"matching.match_listing"}
    assert all(m.attempts == 1 and "Error" in m.last_error for m in pending)
    assert not Match.objects.exists()

    # the broker is back (in-process here): the relay delivers the backlog in order
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):  # what the matching enqueues in turn (its e-mails)
        assert relay_pending() == 2
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert Match.objects.filter(status="proposed").count() == 1
    assert relay_pending() == 0


def test_the_relay_forgets_messages_sent_a_week_ago_and_keeps_the_rest():
    import datetime

    from django.utils import timezone

    from apps.core.tasks import relay_outbox

    now = timezone.now()
    old = OutboxMessage.objects.create(task="core.record_heartbeat", sent_at=now - datetime.timedelta(days=8))
    recent = OutboxMessage.objects.create(task="core.record_heartbeat", sent_at=now - datetime.timedelta(days=6))
    pending = OutboxMessage.objects.create(task="core.record_heartbeat")
    relay_outbox()  # eager in tests: sends the pending one, then purges
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    assert OutboxMessage.objects.filter(pk=recent.pk).exists()
    pending.refresh_from_db()
    assert pending.sent_at is not None


def test_a_process_that_failed_a_send_relays_its_backlog_at_its_next_success_and_only_then(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from kombu.exceptions import OperationalError

    from apps.core import outbox

    sent, down = [], [True]

    def send_task(self, name, args=None, **options):
        if down[0]:
            raise OperationalError("Connection refused.")
        sent.append(args)

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(type(app), "send_task", send_task)
    monkeypatch.setattr(outbox, "_behind", False)

    def post(n):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox.enqueue("core.record_heartbeat", n)

    post(1)  # the broker is away: kept
    assert outbox._behind and OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
    down[0] = False
    post(2)  # back: this one, then the backlog
    assert sent == [[2], [1]] and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert not outbox._behind
    with CaptureQueriesContext(connection) as queries:
        post(3)  # nothing failed since: no look for a backlog
    assert sent[-1] == [3]
    assert not [q for q in queries if "SELECT" in q["sql"] and "core_outboxmessage" in q["sql"]]
