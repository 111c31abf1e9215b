"""Real-browser journey of the cluster dashboard: the charts are drawn and redrawn without a reload.

A cluster with five member enterprises that trade with each other (deals between them make the
collaboration network), capacity offered in three capabilities, one open alert and two KPI
snapshots a day apart. Its administrator logs in through the login page, opens the dashboard
from the cluster's page and sees the trend lines, the capacity bars and the network graph drawn
as SVG by static/js/dashboard.js under the site's Content Security Policy (no console error).
New deals are recorded: a snapshot taken by the beat job shows up at the next minute's refresh
(the page's clock is moved), and "Take a snapshot now" posts to the API and redraws at once,
both without a page reload. The alert is acknowledged through its button. The page is checked on a
desktop and on a phone.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.marketplace.models import CapacityOffer, Deal
from apps.monitoring import services
from apps.monitoring.models import Alert, KpiSnapshot
from tests.browser.test_governance_flow import fits_the_phone
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.marketplace import CapacityOfferFactory, DealFactory, MatchFactory, OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.monitoring import AlertFactory
from tests.marketplace.conftest import capacity_fields, order_fields

NAMES = [
    "Hangzhou Huafang Apparel",
    "Shaoxing Keqiao Weaving",
    "Jiaxing Dyeing Works",
    "Ningbo Sportswear",
    "Huzhou Garment Sewing",
]


def capacity(cluster, owner, capability: str, total: int, reserved: int) -> CapacityOffer:
    return CapacityOfferFactory(
        cluster=cluster,
        owner=owner,
        status="partially_filled" if reserved else "open",
        published_at=timezone.now(),
        total_quantity=total,
        reserved_quantity=reserved,
        **capacity_fields(title=f"{capability} capacity", capability_id=capability),
    )


def deal(cluster, buyer, supply: CapacityOffer, *, status="in_production", due_in=20) -> Deal:
    """A deal between ``buyer`` and the owner of ``supply``, written directly (its match accepted)."""
    order = OrderFactory(
        cluster=cluster,
        owner=buyer,
        status="filled",
        published_at=timezone.now() - datetime.timedelta(days=3),
        **order_fields(title=f"Order of {buyer.legal_name_en}", quantity=500, filled_quantity=500),
    )
    match = MatchFactory(
        cluster=cluster,
        order=order,
        capacity=supply,
        quantity=500,
        score=0.8,
        status="accepted",
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    return DealFactory(
        match=match,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in),
        status=status,
        delivered_at=timezone.now() if status in ("delivered", "closed") else None,
    )


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en="Yangtze Delta Textile & Apparel Cluster")
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory(email="admin@yangtze.cn", name="Li Ming")).user
    firms = [
        EnterpriseFactory(legal_name_en=name, region_code="330100" if i < 3 else "330200")
        for i, name in enumerate(NAMES)
    ]
    for firm in firms:
        MembershipFactory(cluster=cluster, enterprise=firm)
    apparel, weaving, dyeing, sportswear, sewing = firms
    looms = capacity(cluster, weaving, "weaving", 6000, 4500)
    vats = capacity(cluster, dyeing, "dyeing-finishing", 4000, 1000)
    lines = capacity(cluster, sewing, "garment-sewing", 3000, 2400)

    # a day ago: two deals (one delivered on time)
    deal(cluster, apparel, looms, status="delivered", due_in=2)
    deal(cluster, apparel, vats)
    services.kpi_snapshot_take(cluster, now=timezone.now() - datetime.timedelta(days=1))
    # since then: two more
    deal(cluster, sportswear, looms, status="closed", due_in=1)
    deal(cluster, sportswear, lines)
    services.kpi_snapshot_take(cluster)
    alert = AlertFactory(
        cluster=cluster,
        key="deal-overdue:demo",
        kind="deal_overdue",
        severity="critical",
        subject="Deal 7 is 4 days past its due date",
        message="Huzhou Garment Sewing has not delivered 500 to Ningbo Sportswear.",
        enterprises=[sewing, sportswear],
    )
    return {"cluster": cluster, "admin": admin, "firms": firms, "vats": vats, "alert": alert}


def chart(page, name: str):
    return page.get_by_test_id(f"{name}-chart")


@pytest.mark.browser
def test_administrator_sees_the_charts_drawn_and_refreshed_without_a_reload(scene, new_context):  # noqa: F811
    cluster, firms = scene["cluster"], scene["firms"]
    dashboard = f"/clusters/{cluster.slug}/dashboard/"

    # The administrator logs in and opens the dashboard from the cluster's page.
    page = log_in(new_context(), scene["admin"].email, next_path=f"/clusters/{cluster.slug}/")
    errors = []  # the script runs under the site's Content Security Policy, without errors
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect(page.get_by_test_id("figure-active-members")).to_have_text("5")  # the public figures
    expect(page.get_by_test_id("figure-deals-done")).to_have_text("2")
    page.screenshot(path="/tmp/cluster-page-desktop.png", full_page=True)
    page.clock.install()  # the page's timers run on a clock the test moves
    page.get_by_test_id("dashboard-link").click()
    expect(page).to_have_url(re.compile(re.escape(dashboard) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cluster dashboard")

    # Headline figures, written by the server and rewritten by the script the same way.
    expect(page.get_by_test_id("kpi-members.active")).to_have_text("5")
    expect(page.get_by_test_id("kpi-on_time_rate")).to_have_text("100.0 %")
    expect(page.get_by_test_id("kpi-deals.delivered")).to_have_text("2")

    # The trend: one line per share and per count over the two snapshots.
    trend = chart(page, "trend")
    expect(trend.locator("svg polyline.trend-line")).to_have_count(3)
    expect(trend.locator("svg circle.trend-point")).to_have_count(6)
    expect(trend.locator(".chart-legend li")).to_have_text(
        ["Demand matched", "On-time delivery", "Capacity utilisation"]
    )
    members = chart(page, "members")
    expect(members.locator("svg polyline.trend-line")).to_have_count(2)
    points = members.locator("[data-series='network.members_with_partner'] polyline").get_attribute("points")
    heights = [float(pair.split(",")[1]) for pair in points.split()]
    assert heights[1] < heights[0]  # more members with a partner today than yesterday: the line rises

    # Capacity by capability: one bar per capability, as long as its utilisation.
    bars = chart(page, "capacity").locator("svg rect.bar")
    expect(bars).to_have_count(3)
    widths = {bars.nth(i).get_attribute("data-capability"): float(bars.nth(i).get_attribute("width")) for i in range(3)}
    assert widths["garment-sewing"] > widths["weaving"] > widths["dyeing-finishing"] > 0  # 80 %, 75 %, 25 %
    expect(chart(page, "capacity")).to_contain_text("Weaving")

    # The collaboration network: five partners, four links.
    network = chart(page, "network")
    expect(network.locator("svg circle.node")).to_have_count(5)
    expect(network.locator("svg line.edge")).to_have_count(4)
    expect(network.locator("svg")).to_contain_text("Shaoxing Keqiao Weaving")
    expect(page.get_by_test_id("network-facts")).to_contain_text("Partner links")
    page.screenshot(path="/tmp/dashboard-desktop.png", full_page=True)

    # The beat job takes a snapshot after a new deal; a minute later the charts follow, no reload.
    page.evaluate("window.__sameDocument = true")
    deal(cluster, firms[3], scene["vats"])  # the sportswear maker buys from the dyeing works
    services.kpi_snapshot_take(cluster)
    page.clock.fast_forward(61_000)
    expect(network.locator("svg line.edge")).to_have_count(5)
    expect(trend.locator("svg circle.trend-point")).to_have_count(9)
    expect(page.get_by_test_id("kpi-network.links")).to_have_text("5")
    expect(page.get_by_test_id("dashboard-status")).to_contain_text("Updated")

    # Another deal; "take a snapshot now" posts to the API and redraws at once.
    deal(cluster, firms[4], scene["vats"])  # the sewing works buy from the dyeing works too
    page.get_by_test_id("take-snapshot").click()
    expect(page.get_by_test_id("dashboard-status")).to_have_text("A snapshot was taken; the charts are up to date.")
    expect(network.locator("svg line.edge")).to_have_count(6)
    expect(trend.locator("svg circle.trend-point")).to_have_count(12)
    assert page.evaluate("window.__sameDocument === true")  # the page was never reloaded
    assert KpiSnapshot.objects.filter(cluster=cluster).count() == 4

    # The open alert is acknowledged through its button.
    row = page.get_by_test_id(f"alert-{scene['alert'].pk}")
    expect(row).to_contain_text("Deal 7 is 4 days past its due date")
    row.get_by_test_id(f"acknowledge-{scene['alert'].pk}").click()
    expect(page.locator(".message-success")).to_have_text("The alert is acknowledged.")
    expect(page.get_by_test_id(f"alert-state-{scene['alert'].pk}")).to_have_text("Acknowledged")
    assert Alert.objects.get(pk=scene["alert"].pk).state == "acknowledged"
    expect(network.locator("svg line.edge")).to_have_count(6)  # drawn again after the reload

    # The same dashboard on a phone: the charts fit the width, nothing sticks out sideways.
    phone = log_in(new_context(viewport=PHONE), scene["admin"].email, next_path=dashboard)
    phone.on("console", lambda message: message.type == "error" and errors.append(message.text))
    expect(chart(phone, "network").locator("svg circle.node")).to_have_count(5)
    expect(chart(phone, "capacity").locator("svg rect.bar")).to_have_count(3)
    expect(chart(phone, "trend").locator("svg polyline.trend-line")).to_have_count(3)
    assert fits_the_phone(phone)
    svg_width = phone.evaluate("document.querySelector('#network-chart svg').getBoundingClientRect().width")
    assert svg_width <= PHONE["width"]
    phone.screenshot(path="/tmp/dashboard-phone.png", full_page=True)
    for name in ("trend", "members", "capacity", "network"):
        phone.get_by_test_id(f"{name}-chart").screenshot(path=f"/tmp/dashboard-phone-{name}.png")
    assert errors == []


@pytest.mark.browser
def test_a_member_opens_the_enterprise_dashboard(scene, new_context):  # noqa: F811
    cluster, sewing = scene["cluster"], scene["firms"][4]
    owner = sewing.people.get().user
    page = log_in(new_context(), owner.email, next_path=f"/clusters/{cluster.slug}/")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.get_by_test_id("my-dashboard-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My dashboard")
    expect(page.get_by_test_id("alerts")).to_contain_text("Deal 7 is 4 days past its due date")
    expect(page.get_by_test_id("open-listings")).to_contain_text("80 %")
    expect(page.get_by_test_id("deals")).to_contain_text("Ningbo Sportswear")
    page.screenshot(path="/tmp/my-dashboard-desktop.png", full_page=True)
    phone = log_in(new_context(viewport=PHONE), owner.email, next_path=f"/clusters/{cluster.slug}/my-dashboard/")
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/my-dashboard-phone.png", full_page=True)
    assert errors == []
