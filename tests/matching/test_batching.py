"""A burst of posted orders is matched in one pass (apps/matching/batching.py), on Redis: fewer
runs than orders, every order matched, and nothing lost when the worker of a pass dies."""

import os

import pytest
from django.core.cache import cache

from apps.marketplace.models import Match, MatchingRun
from apps.matching import batching, tasks
from tests.marketplace.conftest import capacity_body, market, order_body  # noqa: F401

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def on_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
            "KEY_PREFIX": f"batching-test-{os.getpid()}",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def armed(monkeypatch):
    """The passes armed, recorded instead of run (as a worker would see them, later)."""
    calls = []
    monkeypatch.setattr(tasks, "_arm", lambda cluster_id, kind, countdown: calls.append((cluster_id, kind)))
    return calls


def _post_orders(as_user, market, count):  # noqa: F811
    client = as_user(market.buyer_owner)
    ids = []
    for i in range(count):
        response = client.post(
            market.url("orders/"), order_body(market, quantity=300, title=f"order {i}", min_lot=100), format="json"
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    return ids


def _matched(ids):
    return set(Match.objects.filter(order_id__in=ids, status="proposed").values_list("order_id", flat=True))


def test_a_burst_of_orders_is_matched_in_one_pass(
    on_redis,
    armed,
    as_user,
    market,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    assert armed == [(market.cluster.pk, "capacity")]
    assert tasks.match_pending(market.cluster.pk, "capacity")  # the capacity's own pass (no orders yet)
    armed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ids = _post_orders(as_user, market, 5)
    assert armed == [(market.cluster.pk, "order")]  # one pass armed for the whole burst
    assert not _matched(ids) and not MatchingRun.objects.filter(kind="incremental", trigger__startswith="order")

    run = MatchingRun.objects.get(pk=tasks.match_pending(market.cluster.pk, "order"))

    assert (run.status, run.trigger, run.counts["demands"]) == ("succeeded", "batch:order:5", 5)
    assert _matched(ids) == set(ids)
    assert tasks.match_pending(market.cluster.pk, "order") is None  # a rerun finds nothing
    assert MatchingRun.objects.filter(kind="incremental").count() == 2  # the capacity's pass and this one
    runs = as_user(market.admin).get(market.url("matching-runs/"), HTTP_ACCEPT_LANGUAGE="en").json()
    texts = [r["trigger_text"] for r in runs.get("results", runs)]
    assert "One pass over 5 new or changed listings (orders)" in texts


def test_a_pass_whose_worker_died_leaves_its_orders_to_the_next(
    on_redis,
    armed,
    as_user,
    market,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    tasks.match_pending(market.cluster.pk, "capacity")
    with django_capture_on_commit_callbacks(execute=True):
        ids = _post_orders(as_user, market, 3)
    _token, taken = batching.take(market.cluster.pk, "order")  # the worker took them, then died
    assert [listing_id for listing_id, _event in taken] == sorted(ids)
    armed.clear()
    assert tasks.match_pending(market.cluster.pk, "order") is None  # its lock still holds: nothing twice
    assert tasks.reap_lapsed_runs() == {"requeued": 0, "failed": 0} and armed == []

    cache.delete(f"matching:lock:{market.cluster.pk}:order")  # its lock lapsed
    tasks.reap_lapsed_runs()
    assert armed == [(market.cluster.pk, "order")]  # beat arms a pass for what waits
    run = MatchingRun.objects.get(pk=tasks.match_pending(market.cluster.pk, "order"))
    assert run.status == "succeeded" and _matched(ids) == set(ids)
    assert batching.waiting() == []


@pytest.fixture
def broker(monkeypatch):
    """A worker's broker, not the tests' in-process run: the task names sent, recorded."""
    from cluster_platform.celery import app

    sent = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(type(app), "send_task", lambda self, name, args=None, **options: sent.append((name, args)))
    return sent


def test_a_posted_order_joins_its_pass_from_the_posting_process_with_no_task_per_order(
    on_redis,
    armed,
    broker,
    as_user,
    market,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from apps.core.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=True):
        ids = _post_orders(as_user, market, 3)
    assert not [name for name, _args in broker if name == "matching.match_listing"]  # no worker round trip
    assert armed == [(market.cluster.pk, "order")]  # one pass armed for the three
    assert not OutboxMessage.objects.filter(task="matching.match_listing", sent_at__isnull=True).exists()
    _token, taken = batching.take(market.cluster.pk, "order")
    assert sorted(listing_id for listing_id, _event in taken) == sorted(ids)


def test_orders_that_arrive_during_a_pass_get_the_next_a_window_after_it_started(
    on_redis,
    monkeypatch,
    as_user,
    market,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Under a steady flow, passes gather a window's orders each instead of running back to
    back with a handful each; a pass that took the most it may take arms the next at once."""
    armed = []
    monkeypatch.setattr(tasks, "_arm", lambda cluster_id, kind, countdown: armed.append(countdown))
    with django_capture_on_commit_callbacks(execute=True):
        _post_orders(as_user, market, 2)
    planned = tasks.planner.run_incremental

    def run_while_more_arrive(run, kind, ids, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            _post_orders(as_user, market, 1)  # arrives while the pass plans
        return planned(run, kind, ids, **kwargs)

    monkeypatch.setattr(tasks.planner, "run_incremental", run_while_more_arrive)
    armed.clear()
    tasks.match_pending(market.cluster.pk, "order")
    # the arrival armed a pass a window on (the pass had taken the armed flag), and the pass's end one
    # a window after the pass started, not at once
    assert armed[0] == batching.WINDOW and len(armed) == 2 and 0 < armed[1] < batching.WINDOW

    monkeypatch.setattr(batching, "LIMIT", 2)  # a full pass: the rest at once
    with django_capture_on_commit_callbacks(execute=True):
        _post_orders(as_user, market, 2)
    armed.clear()
    tasks.match_pending(market.cluster.pk, "order")
    assert armed[-1] == 0.0
