"""The monitoring pages, through the Django test client: the administrators' dashboard, an
enterprise's dashboard, the alert buttons, the notification preferences and the cluster's
public figures.

Uses the ``market`` of tests/marketplace/conftest.py: ``cluster`` with its ``admin``, three
active members (``buyer``, ``supplier``, ``rival``) with their owners, ``outsider_admin``
(administrator of another cluster) and ``foreign_owner`` (owner of a member of another cluster).
"""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.marketplace.models import Deal, Match
from apps.monitoring import services
from apps.monitoring.models import Alert, KpiSnapshot
from apps.notifications.models import NotificationPreference
from tests.factories import ClusterFactory, StaffFactory, UserFactory
from tests.factories.marketplace import DealFactory
from tests.factories.monitoring import AlertFactory
from tests.marketplace.conftest import market  # noqa: F401  (fixture)
from tests.marketplace.test_pages import make_capacity, make_match, make_order
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def as_(client):
    """``as_(user)``: the Django test client signed in as ``user`` (anonymous for None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def url(name, market, *args) -> str:  # noqa: F811
    return reverse(name, args=[market.cluster.slug, *args])


def make_deal(market, order, capacity, *, status="confirmed", due_in=20, delivered_in=None) -> Deal:  # noqa: F811
    """A deal written directly (its match accepted), due ``due_in`` days from today."""
    match = make_match(market, order, capacity, status="accepted")
    today = timezone.localdate()
    delivered_at = None
    if delivered_in is not None:
        delivered_at = timezone.now() + datetime.timedelta(days=delivered_in)
    return DealFactory(
        match=match, due_date=today + datetime.timedelta(days=due_in), status=status, delivered_at=delivered_at
    )


def make_alert(market, *, key, enterprises=(), severity="warning", subject=None, cluster=None) -> Alert:  # noqa: F811
    return AlertFactory(
        cluster=cluster or market.cluster,
        key=key,
        kind="deal_overdue",
        severity=severity,
        subject=subject or f"Alert {key}",
        message="Something to look at.",
        link=f"/clusters/{market.cluster.slug}/deals/",
        enterprises=enterprises,
    )


@pytest.fixture
def network(market):  # noqa: F811
    """Deals buyer→supplier (delivered on time) and rival→supplier (under way), two snapshots, one alert."""
    order = make_order(market, title="Poplin for shirts")
    capacity = make_capacity(market, title="Air-jet looms")
    make_deal(market, order, capacity, status="delivered", due_in=5, delivered_in=0)
    rival_order = make_order(market, owner=market.rival, title="Rival's denim")
    make_deal(market, rival_order, capacity, status="in_production")
    services.kpi_snapshot_take(market.cluster, now=timezone.now() - datetime.timedelta(days=1))
    services.kpi_snapshot_take(market.cluster)
    alert = make_alert(market, key="deal-overdue:1", enterprises=[market.supplier], severity="critical")
    return {"order": order, "capacity": capacity, "alert": alert}


def metrics_data(page: str) -> dict:
    found = re.search(r'<script id="metrics-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the metrics JSON block is missing"
    return json.loads(found.group(1))


# --- The cluster dashboard ----------------------------------------------------------------------


def test_the_dashboard_shows_figures_charts_and_alerts_to_administrators(as_, market, network):  # noqa: F811
    response = as_(market.admin).get(url("cluster-dashboard", market), **EN)
    assert response.status_code == 200
    page = text(response)
    for container in ("trend-chart", "members-chart", "capacity-chart", "network-chart"):
        assert f'id="{container}"' in page
    assert "js/dashboard.js" in page
    # no inline script: every <script> is a file or JSON data
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    data = metrics_data(page)
    assert len(data["series"]) == 2
    assert data["series"][0]["taken_at"] < data["series"][1]["taken_at"]
    assert data["current"]["metrics"]["members"]["active"] == 3
    edges = data["current"]["metrics"]["network"]["edges"]
    assert sorted(map(sorted, edges)) == sorted(
        sorted(pair) for pair in ([market.buyer.pk, market.supplier.pk], [market.rival.pk, market.supplier.pk])
    )
    assert data["enterprises"][str(market.supplier.pk)] == "Shaoxing Supplier Weaving"
    assert data["capabilities"]["weaving"]
    assert data["labels"]["on_time_rate"] == "On-time delivery"
    # the headline figures, written by the server
    assert re.search(r'data-kpi="members.active"[^>]*>3<', page)
    assert re.search(r'data-kpi="on_time_rate"[^>]*>100.0 %<', page)
    assert re.search(r'data-kpi="deals.delivered"[^>]*>1<', page)
    # the open alert with its buttons; the API the script refreshes from
    assert network["alert"].subject in page
    assert url("alert-acknowledge", market, network["alert"].pk) in page
    assert f"/api/v1/clusters/{market.cluster.slug}/metrics/?limit=100" in page
    assert "Take a snapshot now" in page


def test_the_dashboard_without_snapshots_shows_figures_computed_now(as_, market):  # noqa: F811
    response = as_(market.admin).get(url("cluster-dashboard", market), **EN)
    assert response.status_code == 200
    assert "No snapshot yet" in text(response)
    data = metrics_data(text(response))
    assert data["series"] == [] and data["current"]["metrics"]["members"]["active"] == 3
    assert not KpiSnapshot.objects.exists()  # nothing stored by looking


def test_platform_staff_open_the_dashboard(as_, market, network):  # noqa: F811
    assert as_(StaffFactory()).get(url("cluster-dashboard", market)).status_code == 200


@pytest.mark.parametrize("who", ["buyer_owner", "outsider", "outsider_admin", "foreign_owner"])
def test_the_dashboard_is_refused_to_everyone_but_administrators(as_, market, network, who):  # noqa: F811
    user = UserFactory() if who == "outsider" else getattr(market, who)
    client = as_(user)
    response = client.get(url("cluster-dashboard", market), **EN)
    assert response.status_code == 403
    assert "administrators" in text(response)
    assert network["alert"].subject not in text(response)
    before = KpiSnapshot.objects.count()
    assert client.post(url("cluster-snapshot", market)).status_code == 403
    assert KpiSnapshot.objects.count() == before


def test_the_dashboard_needs_a_login_and_a_visible_cluster(as_, market):  # noqa: F811
    response = as_(None).get(url("cluster-dashboard", market))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client = as_(market.admin)
    assert client.get(reverse("cluster-dashboard", args=["no-such-cluster"])).status_code == 404
    assert client.get(reverse("enterprise-dashboard", args=["no-such-cluster"])).status_code == 404


def test_the_snapshot_button_without_javascript(as_, market):  # noqa: F811
    response = as_(market.admin).post(url("cluster-snapshot", market), follow=True, **EN)
    assert response.redirect_chain[-1][0] == url("cluster-dashboard", market)
    assert "A snapshot of the cluster's figures was taken." in messages_of(response)
    assert KpiSnapshot.objects.filter(cluster=market.cluster).count() == 1
    assert as_(market.admin).get(url("cluster-snapshot", market)).status_code == 405


# --- Alerts from the pages ----------------------------------------------------------------------


def test_an_administrator_acknowledges_then_resolves_an_alert_from_the_dashboard(as_, market, network):  # noqa: F811
    alert, dashboard = network["alert"], url("cluster-dashboard", market)
    client = as_(market.admin)
    response = client.post(url("alert-acknowledge", market, alert.pk), {"next": dashboard}, follow=True, **EN)
    assert response.redirect_chain[-1][0] == dashboard
    assert "The alert is acknowledged." in messages_of(response)
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by_id) == ("acknowledged", market.admin.pk)
    assert f'data-testid="acknowledge-{alert.pk}"' not in text(response)  # only "resolve" is left
    assert f'data-testid="resolve-{alert.pk}"' in text(response)

    # twice: refused with a message, not an error page
    response = client.post(url("alert-acknowledge", market, alert.pk), {"next": dashboard}, follow=True, **EN)
    assert response.status_code == 200
    assert "This alert is already acknowledged." in messages_of(response)

    response = client.post(url("alert-resolve", market, alert.pk), {"next": "https://evil.example/"}, **EN)
    assert response.status_code == 302 and response.url == dashboard  # no open redirect
    alert.refresh_from_db()
    assert alert.state == "resolved"
    assert alert.subject not in text(client.get(dashboard))


def test_alert_buttons_refuse_the_unconcerned_and_other_clusters(as_, market, network):  # noqa: F811
    alert = network["alert"]  # concerns the supplier only
    assert as_(market.rival_owner).post(url("alert-acknowledge", market, alert.pk)).status_code == 403
    assert as_(market.outsider_admin).post(url("alert-resolve", market, alert.pk)).status_code == 403
    assert as_(market.admin).get(url("alert-acknowledge", market, alert.pk)).status_code == 405
    foreign = make_alert(market, key="elsewhere", cluster=ClusterFactory())
    assert as_(market.admin).post(url("alert-acknowledge", market, foreign.pk)).status_code == 404
    assert Alert.objects.get(pk=alert.pk).state == "open"
    assert Alert.objects.get(pk=foreign.pk).state == "open"


def test_the_people_of_a_concerned_enterprise_acknowledge_from_their_dashboard(as_, market, network):  # noqa: F811
    alert, mine = network["alert"], url("enterprise-dashboard", market)
    client = as_(market.supplier_owner)
    assert alert.subject in text(client.get(mine))
    response = client.post(url("alert-acknowledge", market, alert.pk), {"next": mine}, follow=True, **EN)
    assert response.redirect_chain[-1][0] == mine
    assert Alert.objects.get(pk=alert.pk).state == "acknowledged"


# --- An enterprise's dashboard ------------------------------------------------------------------


def test_the_enterprise_dashboard_shows_only_the_users_enterprises(as_, market):  # noqa: F811
    order = make_order(market, title="Buyer's poplin", quantity=2000, filled_quantity=500)
    rival_order = make_order(market, owner=market.rival, title="Rival's denim")
    capacity = make_capacity(market, title="Supplier's looms")
    proposed = make_match(market, order, capacity, quantity=700)
    late = make_deal(market, order, capacity, due_in=-4, status="in_production")
    on_track = make_deal(market, rival_order, capacity, due_in=10)
    buyer_alert = make_alert(market, key="a:buyer", enterprises=[market.buyer], subject="About the buyer")
    rival_alert = make_alert(market, key="a:rival", enterprises=[market.rival], subject="About the rival")

    response = as_(market.buyer_owner).get(url("enterprise-dashboard", market), **EN)
    assert response.status_code == 200
    page = text(response)
    assert "Buyer&#x27;s poplin" in page and "Rival&#x27;s denim" not in page
    assert "500 of 2000 contracted (25 %)" in page  # fill progress
    assert f'data-testid="awaiting-{proposed.pk}"' in page
    assert f'data-testid="deal-{late.pk}"' in page and f'data-testid="deal-{on_track.pk}"' not in page
    assert f'data-testid="late-{late.pk}"' in page and "4 days late" in page
    assert "deal-late" in page
    assert buyer_alert.subject in page and rival_alert.subject not in page
    assert "Supplier&#x27;s looms" not in page  # the supplier's listing, not the buyer's

    page = text(as_(market.rival_owner).get(url("enterprise-dashboard", market), **EN))
    assert "Rival&#x27;s denim" in page and "Buyer&#x27;s poplin" not in page
    assert f'data-testid="deal-{on_track.pk}"' in page and f'data-testid="deal-{late.pk}"' not in page
    assert f'data-testid="late-{on_track.pk}"' not in page
    assert f'data-testid="awaiting-{proposed.pk}"' not in page
    assert rival_alert.subject in page and buyer_alert.subject not in page

    # the supplier answers the same match from the other side; once accepted, it waits no more
    page = text(as_(market.supplier_owner).get(url("enterprise-dashboard", market), **EN))
    assert f'data-testid="awaiting-{proposed.pk}"' in page and "Supplier&#x27;s looms" in page
    Match.objects.filter(pk=proposed.pk).update(supply_accepted_at=timezone.now())
    page = text(as_(market.supplier_owner).get(url("enterprise-dashboard", market), **EN))
    assert f'data-testid="awaiting-{proposed.pk}"' not in page


@pytest.mark.parametrize("who", ["outsider", "outsider_admin", "foreign_owner"])
def test_the_enterprise_dashboard_is_refused_outside_the_cluster(as_, market, who):  # noqa: F811
    user = UserFactory() if who == "outsider" else getattr(market, who)
    assert as_(user).get(url("enterprise-dashboard", market)).status_code == 403


def _fill_rows(market, start: int, n: int) -> None:  # noqa: F811
    """``n`` of each row the buyer's dashboard lists: orders, proposed matches, deals (some late), alerts."""
    for i in range(start, start + n):
        order = make_order(market, title=f"Order {i}")
        capacity = make_capacity(market, title=f"Capacity {i}")
        make_match(market, order, capacity)
        make_deal(market, order, capacity, due_in=i - 10)
        make_alert(market, key=f"rows:{i}", enterprises=[market.buyer, market.supplier])


def test_the_enterprise_dashboard_reads_a_fixed_number_of_queries(as_, market):  # noqa: F811
    client = as_(market.buyer_owner)
    address = url("enterprise-dashboard", market)

    def count() -> int:
        with cold_queries() as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    _fill_rows(market, 0, 1)
    one = count()
    _fill_rows(market, 1, 19)
    assert count() == one


# --- Notification preferences -------------------------------------------------------------------


def test_the_preferences_page_saves_per_category(as_, market):  # noqa: F811
    address = reverse("notification-preferences")
    client = as_(market.buyer_owner)
    assert address in text(client.get(reverse("notification-list"), **EN))  # linked from the inbox
    page = text(client.get(address, **EN))
    for category in NotificationPreference.Category.values:
        assert f'name="{category}-in_app"' in page and f'name="{category}-email"' in page
    assert page.count("checked") == 2 * len(NotificationPreference.Category.values)  # all on by default

    data = {f"{c}-{channel}": "on" for c in NotificationPreference.Category.values for channel in ("in_app", "email")}
    del data["alert-email"], data["governance-in_app"], data["governance-email"]
    response = client.post(address, data, follow=True, **EN)
    assert "Your notification preferences are saved." in messages_of(response)
    stored = {p.category: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=market.buyer_owner)}
    assert stored["alert"] == (True, False)
    assert stored["governance"] == (False, False)
    assert stored["marketplace"] == (True, True)
    page = text(response)
    assert 'name="alert-email" id="id_alert-email">' in page  # shown unchecked now
    assert 'name="alert-in_app" id="id_alert-in_app" checked>' in page
    # the API reads the same preferences
    api = {
        p["category"]: p for p in as_(market.buyer_owner).get("/api/v1/notifications/preferences/").json()["results"]
    }
    assert api["governance"] == {"category": "governance", "in_app": False, "email": False}
    assert not NotificationPreference.objects.filter(user=market.supplier_owner).exists()


def test_the_preferences_page_needs_a_login(as_):
    response = as_(None).get(reverse("notification-preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- The cluster's public figures ---------------------------------------------------------------


def figures_of(page: str) -> dict:
    return {
        name: re.search(rf'data-testid="figure-{name}">([^<]*)<', page).group(1)
        for name in ("active-members", "deals-done", "on-time")
    }


def test_public_figures_are_counted_when_there_is_no_snapshot(as_, market):  # noqa: F811
    order, capacity = make_order(market), make_capacity(market)
    make_deal(market, order, capacity, status="closed", due_in=3, delivered_in=0)
    make_deal(market, order, capacity, status="delivered", due_in=-3, delivered_in=0)  # late
    make_deal(market, order, capacity, status="shipped")
    client = as_(None)
    address = reverse("cluster-detail", args=[market.cluster.slug])
    response = client.get(address, **EN)
    assert response.status_code == 200
    assert figures_of(text(response)) == {"active-members": "3", "deals-done": "2", "on-time": "50.0 %"}
    page = text(response)
    assert url("cluster-dashboard", market) not in page and url("enterprise-dashboard", market) not in page


def test_public_figures_come_from_the_latest_snapshot(as_, market, network):  # noqa: F811
    latest = KpiSnapshot.objects.filter(cluster=market.cluster).order_by("-taken_at").first()
    latest.metrics = {**latest.metrics, "members": {"active": 42, "pending": 0, "suspended": 0}}
    latest.save()
    page = text(as_(None).get(reverse("cluster-detail", args=[market.cluster.slug]), **EN))
    assert figures_of(page) == {"active-members": "42", "deals-done": "1", "on-time": "100.0 %"}


def test_a_cluster_without_deals_shows_no_rate(as_, cluster):
    page = text(as_(None).get(reverse("cluster-detail", args=[cluster.slug]), **EN))
    assert figures_of(page) == {"active-members": "0", "deals-done": "0", "on-time": "—"}


def test_the_cluster_page_links_the_dashboards_by_role(as_, market):  # noqa: F811
    address = reverse("cluster-detail", args=[market.cluster.slug])
    admin_page = text(as_(market.admin).get(address, **EN))
    assert url("cluster-dashboard", market) in admin_page
    assert url("enterprise-dashboard", market) not in admin_page  # the administrator runs no member here
    member_page = text(as_(market.buyer_owner).get(address, **EN))
    assert url("enterprise-dashboard", market) in member_page and "My dashboard" in member_page
    assert url("cluster-dashboard", market) not in member_page
