"""Without Redis to gather a burst in, a posted order is not pended by the posting process
(apps/matching/tasks.pend_listing declines): its matching task goes to the worker, as before."""

import pytest

from apps.matching import tasks
from tests.marketplace.conftest import market, order_body  # noqa: F401

pytestmark = pytest.mark.django_db


def test_without_redis_the_posted_orders_matching_task_is_sent_to_a_worker(
    settings,
    monkeypatch,
    as_user,
    market,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from apps.core.models import OutboxMessage
    from cluster_platform.celery import app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    sent = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(type(app), "send_task", lambda self, name, args=None, **options: sent.append((name, args)))
    monkeypatch.setattr(tasks, "_arm", lambda *args: pytest.fail("no pass is armed without Redis"))
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(market.buyer_owner).post(
            market.url("orders/"), order_body(market, quantity=300, min_lot=100), format="json"
        )
    assert response.status_code == 201, response.content
    assert ("matching.match_listing", ["order", response.json()["id"], "new", market.cluster.pk]) in sent
    assert not OutboxMessage.objects.filter(task="matching.match_listing", sent_at__isnull=True).exists()


def test_a_message_of_old_without_the_cluster_finds_it(market, monkeypatch):  # noqa: F811
    """Messages left in the outbox by a release before the cluster rode along still pend their listing."""
    from tests.factories.marketplace import OrderFactory

    order = OrderFactory(cluster=market.cluster, owner=market.buyer, status="open")
    pended = []
    monkeypatch.setattr(tasks, "_pend", lambda *args: pended.append(args) or True)
    assert tasks.pend_listing("order", order.pk, "new")
    assert tasks.pend_listing("order", order.pk, "changed", market.cluster.pk)
    assert pended == [(market.cluster.pk, "order", order.pk, "new"), (market.cluster.pk, "order", order.pk, "changed")]
