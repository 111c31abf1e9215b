"""A matching run's page follows it live (issue 15, item 5): each run still in progress carries the
address of its row, which the page fetches again until the run is done; the row says what started
the run and how the solver worked in words (translated), how long it really took (started ->
finished) and its counts. The real browser version is tests/browser/test_matching_runs.py."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.marketplace.models import MatchingRun
from apps.matching import leases, planner
from apps.matching.describe import duration_text, method_text
from tests.factories.marketplace import MatchingRunFactory

from .conftest import capacity_fields, order_fields

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def row_url(market, run) -> str:
    return reverse("matching-run-row", args=[market.cluster.slug, run.pk])


def runs_url(market) -> str:
    return reverse("matching-runs", args=[market.cluster.slug])


def test_a_run_row_goes_from_queued_to_running_to_done(client, market):
    run = MatchingRunFactory(
        cluster=market.cluster, requested_by=market.admin, lease_expires_at=leases.lease_until(timezone.now())
    )
    client.force_login(market.admin)
    page = client.get(runs_url(market), **EN).content.decode()
    assert f'data-run-live="{row_url(market, run)}"' in page
    assert "js/matching_runs.js" in page  # the script that polls (a file: the CSP allows no inline script)
    assert "Full re-plan, started by" in page

    queued = client.get(row_url(market, run), **EN)
    assert queued.status_code == 200 and queued["Cache-Control"] == "no-store"
    body = queued.content.decode()
    assert 'data-run-status="queued"' in body and "Queued" in body and 'data-run-busy="1"' in body
    assert "data-run-duration" not in body and 'data-testid="run-duration"' not in body

    lease = leases.claim(run.pk)
    MatchingRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=3))
    lease.update(progress=55, counts={"production_demands": 4, "production_supplies": 2})
    body = client.get(row_url(market, run), **EN).content.decode()
    assert 'data-run-status="running"' in body and "Running" in body and "55 %" in body
    assert re.search(r'data-testid="run-duration">running for 3\.\d s<', body)
    assert "<dt>Demands</dt><dd>4</dd>" in body and 'data-run-live="' in body

    planner.run_full(MatchingRun.objects.select_related("cluster").get(pk=run.pk), lease=lease)
    run.refresh_from_db()
    body = client.get(row_url(market, run), **EN).content.decode()
    assert 'data-run-status="succeeded"' in body and "Succeeded" in body and "100 %" in body
    assert "data-run-live" not in body and 'data-run-busy="0"' in body  # the polling stops, the button returns
    seconds = (run.finished_at - run.started_at).total_seconds()
    assert seconds > 3 and f"took {seconds:.1f} s" in body  # started -> finished, not created -> created
    assert "default rules" in body  # the rulebook the run scored with
    assert "<dt>Proposals created</dt>" in body


def test_triggers_and_methods_read_as_words(client, market, post_listing, django_capture_on_commit_callbacks):
    post_listing(
        "capacity", actor=market.supplier_owner, owner=market.supplier, cluster=market.cluster, **capacity_fields()
    )
    post_listing(
        "order",
        actor=market.buyer_owner,
        owner=market.buyer,
        cluster=market.cluster,
        **order_fields(title="Combed cotton yarn"),
    )
    MatchingRunFactory(cluster=market.cluster, trigger="rules:3", status="succeeded")
    MatchingRunFactory(cluster=market.cluster, status="succeeded")  # beat's periodic re-plan
    MatchingRunFactory(cluster=market.cluster, kind="incremental", trigger="replan:order:2", status="succeeded")
    MatchingRunFactory(cluster=market.cluster, kind="incremental", trigger="replan order x1", status="succeeded")
    client.force_login(market.admin)
    page = client.get(runs_url(market), **EN).content.decode()
    triggers = re.findall(r'data-testid="run-trigger">([^<]*)<', page)
    assert "New order: Combed cotton yarn" in triggers
    assert "New capacity offer: " + capacity_fields()["title"] in triggers
    assert "Rule change: rulebook version 3" in triggers and "Scheduled full re-plan" in triggers
    assert "Re-matching 2 orders that lost their proposals" in triggers
    assert "Re-matching 1 order that lost its proposals" in triggers
    assert not any(":" in t.split(": ")[0] for t in triggers)  # no raw code like order:42
    assert "exact optimum (mixed-integer programming)" in page  # the solver's method, in words
    assert method_text("flow+repair/greedy").endswith("the greedy baseline was better")

    chinese = client.get(runs_url(market), **ZH).content.decode()
    assert "运行中" in chinese or "已成功" in chinese  # the statuses, in the reader's language


@translation.override("en")  # a page read before may have left another language active
def test_short_and_long_durations_read_naturally():
    start = timezone.now()
    run = MatchingRun(started_at=start, finished_at=start + datetime.timedelta(milliseconds=42))
    assert duration_text(run, start) == "took 42 ms"  # not "took 0.0 s"
    run.finished_at = start + datetime.timedelta(seconds=200)
    assert duration_text(run, start) == "took 3 min 20 s"
    assert duration_text(MatchingRun(started_at=None), start) == ""


def test_only_this_clusters_administrators_read_a_run_row(client, market):
    run = MatchingRunFactory(cluster=market.cluster)
    client.force_login(market.buyer_owner)  # a member
    assert client.get(row_url(market, run)).status_code == 403
    client.force_login(market.outsider_admin)  # an administrator of another cluster
    assert client.get(row_url(market, run)).status_code in (403, 404)
    other = MatchingRunFactory()  # another cluster's run, asked for under this cluster
    client.force_login(market.admin)
    assert client.get(reverse("matching-run-row", args=[market.cluster.slug, other.pk])).status_code == 404
    client.logout()
    assert client.get(row_url(market, run)).status_code in (302, 403)


def test_the_run_api_says_the_same_in_words(as_user, market, post_listing, django_assert_max_num_queries):
    post_listing(
        "order",
        actor=market.buyer_owner,
        owner=market.buyer,
        cluster=market.cluster,
        **order_fields(title="Combed cotton yarn"),
    )
    start = timezone.now()
    MatchingRunFactory(cluster=market.cluster, trigger="rules:2", started_at=start, status="running")
    client = as_user(market.admin)
    client.get(market.url("matching-runs/"))  # warm the access caches
    with django_assert_max_num_queries(10):
        body = client.get(market.url("matching-runs/"), HTTP_ACCEPT_LANGUAGE="en").json()
    runs = body["results"] if isinstance(body, dict) else body
    by_trigger = {run["trigger"].split(":")[0]: run for run in runs}
    assert by_trigger["order"]["trigger_text"] == "New order: Combed cotton yarn"
    assert by_trigger["order"]["duration_seconds"] >= 0 and by_trigger["order"]["status"] == "succeeded"
    assert by_trigger["rules"]["trigger_text"] == "Rule change: rulebook version 2"
    assert by_trigger["rules"]["duration_seconds"] > 0  # running: so far
    one = client.get(market.url(f"matching-runs/{by_trigger['order']['id']}/"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert one["trigger_text"] == "New order: Combed cotton yarn"
