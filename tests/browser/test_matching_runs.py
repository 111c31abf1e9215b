"""Real-browser journey of the matching runs page (issue 15, item 5): a run goes queued -> running ->
done on the administrator's screen without a reload, with what started it in words, its real
duration and its counts; static/js/matching_runs.js polls the run's row under the site's Content
Security Policy (no console error). In English on a desktop, in Chinese on a phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.marketplace.models import MatchingRun
from apps.matching import leases, planner
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.marketplace import CapacityOfferFactory, MatchingRunFactory, OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.marketplace.conftest import capacity_fields, order_fields


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en="Yangtze Delta Textile & Apparel Cluster")
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory(email="admin@yangtze.cn", name="Li Ming")).user
    buyer, weaver = (
        EnterpriseFactory(legal_name_en="Hangzhou Apparel"),
        EnterpriseFactory(legal_name_en="Keqiao Weaving"),
    )
    for firm in (buyer, weaver):
        MembershipFactory(cluster=cluster, enterprise=firm)
    now = timezone.now()
    order = OrderFactory(
        cluster=cluster, owner=buyer, status="open", published_at=now, **order_fields(title="Combed cotton yarn")
    )
    CapacityOfferFactory(cluster=cluster, owner=weaver, status="open", published_at=now, **capacity_fields())
    MatchingRunFactory(
        cluster=cluster,
        kind="incremental",
        trigger=f"order:{order.pk}:new",
        status="succeeded",
        progress=100,
        started_at=now,
        finished_at=now,
    )
    return {"cluster": cluster, "admin": admin}


def queued_run(scene) -> MatchingRun:
    return MatchingRunFactory(
        cluster=scene["cluster"], requested_by=scene["admin"], lease_expires_at=leases.lease_until(timezone.now())
    )


def work_through(run: MatchingRun) -> leases.Lease:
    """What a worker does: claim the run, report a phase; the caller lets it finish."""
    lease = leases.claim(run.pk)
    lease.update(progress=55, counts={"production_demands": 1, "production_supplies": 1})
    return lease


def finish(run: MatchingRun, lease: leases.Lease) -> None:
    planner.run_full(MatchingRun.objects.select_related("cluster").get(pk=run.pk), lease=lease)


@pytest.mark.browser
def test_a_run_goes_from_queued_to_done_on_screen_without_a_reload(scene, new_context):  # noqa: F811
    runs = f"/clusters/{scene['cluster'].slug}/matching-runs/"
    run = queued_run(scene)
    page = log_in(new_context(), scene["admin"].email, next_path=runs)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.evaluate("window.__sameDocument = true")

    row = page.get_by_test_id(f"run-{run.pk}")
    expect(row.get_by_test_id("run-status")).to_have_text("Queued")
    expect(row.get_by_test_id("run-progress")).to_have_text("0 %")
    expect(row.get_by_test_id("run-trigger")).to_have_text("Full re-plan, started by Li Ming")
    expect(page.get_by_role("button", name="Run full re-plan")).to_be_disabled()
    # the earlier run, started by a new order, says so in words
    expect(page.get_by_test_id("matching-runs")).to_contain_text("New order: Combed cotton yarn")

    lease = work_through(run)
    expect(row.get_by_test_id("run-status")).to_have_text("Running")
    expect(row.get_by_test_id("run-progress")).to_have_text("55 %")
    expect(row.get_by_test_id("run-duration")).to_contain_text("running for")
    page.screenshot(path="/tmp/matching-run-running.png", full_page=True)

    finish(run, lease)
    expect(row.get_by_test_id("run-status")).to_have_text("Succeeded")
    expect(row.get_by_test_id("run-progress")).to_have_text("100 %")
    expect(row.get_by_test_id("run-duration")).to_have_text(re.compile(r"^took \d"))
    expect(row).to_contain_text("Proposals created")
    expect(page.get_by_role("button", name="Run full re-plan")).to_be_enabled()
    page.screenshot(path="/tmp/matching-run-done.png", full_page=True)
    assert page.evaluate("window.__sameDocument === true")  # never reloaded
    assert not row.get_attribute("data-run-live")
    assert errors == []


@pytest.mark.browser
def test_the_same_in_chinese_on_a_phone(scene, new_context):  # noqa: F811
    runs = f"/clusters/{scene['cluster'].slug}/matching-runs/"
    run = queued_run(scene)
    page = log_in(new_context(locale="zh-CN", viewport=PHONE), scene["admin"].email, next_path=runs)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    row = page.get_by_test_id(f"run-{run.pk}")
    expect(row.get_by_test_id("run-status")).to_have_text("排队中")

    lease = work_through(run)
    expect(row.get_by_test_id("run-status")).to_have_text("运行中")
    finish(run, lease)
    expect(row.get_by_test_id("run-status")).to_have_text("已成功")
    expect(row.get_by_test_id("run-progress")).to_have_text("100%")
    page.screenshot(path="/tmp/matching-run-done-zh-phone.png", full_page=True)
    assert errors == []
