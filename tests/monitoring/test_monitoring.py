"""Watching the cluster: overdue deals raise one alert and bring replacement proposals; KPIs add up."""

import datetime

import pytest
from django.utils import timezone

from apps.marketplace.models import CapacityOffer, Deal, Match, Order
from apps.monitoring import kpis, services
from apps.monitoring.models import Alert
from apps.notifications.models import Notification
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.marketplace.conftest import capacity_body, market, order_body  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_deal(as_user, market, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        as_user(market.buyer_owner).post(
            market.url("orders/"), order_body(market, required_certifications=[]), format="json"
        )
    match = Match.objects.get(status="proposed")
    as_user(market.buyer_owner).post(market.url(f"matches/{match.pk}/accept/"))
    as_user(market.supplier_owner).post(market.url(f"matches/{match.pk}/accept/"))
    deal = Deal.objects.get(match=match)
    # the rival has capacity too, posted after the deal
    as_user(market.rival_owner).post(
        market.url("capacities/"),
        capacity_body(
            market.rival, unit_price="18.90", available_until=str(timezone.localdate() + datetime.timedelta(days=150))
        ),
        format="json",
    )
    return deal


def later(days: int):
    return timezone.now() + datetime.timedelta(days=days)


def test_an_overdue_deal_raises_one_alert_and_brings_another_supplier(as_user, market, late_deal):  # noqa: F811
    # the deal is planned milestone by milestone: production should start within two days
    assert set(late_deal.planned) == {"in_production", "quality_checked", "shipped", "delivered"}
    planned = late_deal.next_milestone_due
    assert planned == datetime.date.fromisoformat(late_deal.planned["in_production"]) < late_deal.due_date
    assert services.scan_overdue_deals(market.cluster)["overdue"] == 0  # not late yet
    when = timezone.make_aware(datetime.datetime.combine(planned + datetime.timedelta(days=2), datetime.time(12)))
    first = services.scan_overdue_deals(market.cluster, now=when)
    assert first == {"overdue": 1, "alerts_raised": 1, "replacement_proposals": 0}  # within the 3-day grace
    again = services.scan_overdue_deals(market.cluster, now=when)
    assert again["alerts_raised"] == 0
    alert = Alert.objects.get(kind="deal_overdue")
    assert (alert.state, alert.occurrences, alert.severity) == ("open", 2, "critical")
    assert "in production" in alert.subject
    notified = set(Notification.objects.filter(kind="marketplace.milestone_late").values_list("user_id", flat=True))
    assert {market.buyer_owner.pk, market.supplier_owner.pk, market.admin.pk} <= notified

    # past the grace period: the undelivered quantity is proposed to another supplier, once
    much_later = when + datetime.timedelta(days=3)
    result = services.scan_overdue_deals(market.cluster, now=much_later)
    assert result["replacement_proposals"] == 1
    assert services.scan_overdue_deals(market.cluster, now=much_later)["replacement_proposals"] == 0
    replacement = Match.objects.get(replaces_deal=late_deal)
    assert replacement.supply_owner_id == market.rival.pk
    assert replacement.quantity == late_deal.quantity

    # accepting the replacement cancels the late deal and makes a new one
    as_user(market.buyer_owner).post(market.url(f"matches/{replacement.pk}/accept/"))
    response = as_user(market.rival_owner).post(market.url(f"matches/{replacement.pk}/accept/"))
    assert response.status_code == 200, response.content
    late_deal.refresh_from_db()
    assert late_deal.status == "cancelled"
    assert Deal.objects.get(match=replacement).supplier_id == market.rival.pk
    assert CapacityOffer.objects.get(owner=market.supplier).reserved_quantity == 0
    assert Order.objects.get().filled_quantity == late_deal.quantity

    # the condition is gone: the next scan resolves the alert
    services.scan_overdue_deals(market.cluster, now=much_later)
    assert Alert.objects.get(pk=alert.pk).state == "resolved"


def test_alerts_are_seen_by_whom_they_concern_and_acknowledged(as_user, market, late_deal):  # noqa: F811
    when = timezone.make_aware(
        datetime.datetime.combine(late_deal.next_milestone_due + datetime.timedelta(days=1), datetime.time(9))
    )
    services.scan_overdue_deals(market.cluster, now=when)
    url = market.url("alerts/")
    assert len(as_user(market.buyer_owner).get(url).json()["results"]) == 1
    assert len(as_user(market.admin).get(url).json()["results"]) == 1
    assert as_user(market.rival_owner).get(url).json()["results"] == []  # not about the rival
    assert as_user(market.outsider_admin).get(url).status_code == 403
    alert = Alert.objects.get()
    assert as_user(market.rival_owner).post(market.url(f"alerts/{alert.pk}/acknowledge/")).status_code == 403
    assert (
        as_user(market.supplier_owner).post(market.url(f"alerts/{alert.pk}/acknowledge/")).json()["state"]
        == "acknowledged"
    )
    assert as_user(market.supplier_owner).post(market.url(f"alerts/{alert.pk}/acknowledge/")).status_code == 409
    assert as_user(market.admin).post(market.url(f"alerts/{alert.pk}/resolve/")).json()["state"] == "resolved"


def test_listing_and_certification_scans_are_idempotent(as_user, market):  # noqa: F811
    as_user(market.buyer_owner).post(
        market.url("orders/"),
        order_body(market, need_by=str(timezone.localdate() + datetime.timedelta(days=3))),
        format="json",
    )
    cert = market.supplier.certifications.get()
    cert.valid_until = timezone.localdate() + datetime.timedelta(days=10)
    cert.save()
    for _ in range(2):
        counts = services.scan_cluster(market.cluster)
    assert counts["orders_unmatched"] == 1 and counts["certifications_expiring"] == 1
    assert Alert.objects.filter(kind="order_unmatched").count() == 1
    assert Alert.objects.get(kind="certification_expiring").occurrences == 2
    assert (
        "alternatives" in Alert.objects.get(kind="order_unmatched").message
        or "No capacity" in Alert.objects.get(kind="order_unmatched").message
    )


def test_kpis_on_a_hand_built_cluster(as_user, market, late_deal):  # noqa: F811
    # two more pending applicants and one suspended member
    MembershipFactory(cluster=market.cluster, enterprise=EnterpriseFactory(), status="pending")
    MembershipFactory(cluster=market.cluster, enterprise=EnterpriseFactory(), status="pending")
    MembershipFactory(cluster=market.cluster, enterprise=EnterpriseFactory(region_code="440300"), status="suspended")
    supplier = as_user(market.supplier_owner)
    for status in ("in_production", "quality_checked", "shipped"):
        supplier.post(market.url(f"deals/{late_deal.pk}/advance/"), {"status": status}, format="json")
    as_user(market.buyer_owner).post(
        market.url(f"deals/{late_deal.pk}/advance/"), {"status": "delivered"}, format="json"
    )
    for who in (market.buyer_owner, market.supplier_owner):
        as_user(who).post(market.url(f"deals/{late_deal.pk}/rate/"), {"quality": 4, "on_time": 5, "communication": 3})
    m = kpis.compute(market.cluster)
    assert m["members"] == {"active": 3, "pending": 2, "suspended": 1}
    assert m["listings_open"] == {"orders": 0, "capacities": 2, "channel_offers": 0, "channel_requests": 0}
    assert (m["demand_posted"], m["demand_matched"], m["demand_matched_share"]) == (2000, 2000, 1.0)
    assert m["deals"] == {"total": 1, "delivered": 1, "closed": 0}
    assert m["on_time_rate"] == 1.0
    # capacity: supplier 3,000 over 30 days (2,000 reserved) + rival 3,000 a month over 150 days = 15,000
    assert m["capacity_utilisation"] == round(2000 / 18000, 4)
    assert m["average_rating"] == 4.0
    network = m["network"]
    assert network["members_with_partner"] == 2 and network["links"] == 1
    assert network["density"] == round(1 / 3, 6)  # 1 link among 3 active members
    assert network["largest_group"] == 2
    assert network["cross_region_share"] == 0.0  # both in Zhejiang (33xxxx)
    assert m["median_hours_to_first_proposal"] is not None and m["median_hours_to_first_proposal"] >= 0


def test_metrics_endpoint_and_isolation(as_user, market):  # noqa: F811
    assert as_user(market.admin).post(market.url("metrics/snapshot/")).status_code == 201
    assert as_user(market.buyer_owner).post(market.url("metrics/snapshot/")).status_code == 403
    series = as_user(market.buyer_owner).get(market.url("metrics/")).json()["results"]
    assert len(series) == 1 and series[0]["metrics"]["members"]["active"] == 3
    assert as_user(market.outsider_admin).get(market.url("metrics/")).status_code == 403
    assert as_user(market.foreign_owner).get(market.url("metrics/")).status_code == 403


def test_notification_preferences_per_category(as_user, market, django_capture_on_commit_callbacks, mailoutbox):  # noqa: F811
    from apps.notifications.services import notify_users

    client = as_user(market.buyer_owner)
    defaults = client.get("/api/v1/notifications/preferences/").json()["results"]
    assert {p["category"] for p in defaults} >= {"membership", "alert"} and all(p["email"] for p in defaults)
    response = client.put(
        "/api/v1/notifications/preferences/set/",
        [
            {"category": "alert", "in_app": True, "email": False},
            {"category": "governance", "in_app": False, "email": False},
        ],
        format="json",
    )
    assert response.status_code == 200
    bad = client.put(
        "/api/v1/notifications/preferences/set/", [{"category": "gossip", "in_app": True, "email": True}], format="json"
    )
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(users=[market.buyer_owner], kind="alert.listing_stale", params={"title": "Old yarn"})
        notify_users(
            users=[market.buyer_owner], kind="governance.rule_changed", params={"title": "Rule", "changes": {}}
        )
        notify_users(
            users=[market.buyer_owner], kind="membership.approve", params={"enterprise": "Acme", "cluster": "Delta"}
        )
    notifications = Notification.objects.filter(user=market.buyer_owner).order_by("pk")
    assert [n.rendered_title for n in notifications] == [
        "Listing unchanged for a long time: Old yarn",
        "Acme is now a member of Delta",
    ]
    assert [m.subject for m in mailoutbox] == ["[Cluster Platform] Acme is now a member of Delta"]


def test_members_do_not_see_who_trades_with_whom(as_user, market, late_deal):  # noqa: F811
    as_user(market.admin).post(market.url("metrics/snapshot/"))
    admin_view = as_user(market.admin).get(market.url("metrics/")).json()["results"][0]["metrics"]["network"]
    member_view = as_user(market.rival_owner).get(market.url("metrics/")).json()["results"][0]["metrics"]["network"]
    assert admin_view["edges"] == [sorted([market.buyer.pk, market.supplier.pk])]
    assert "edges" not in member_view and member_view["links"] == 1


def test_a_milestone_met_moves_the_next_planned_date(as_user, market, late_deal):  # noqa: F811
    first = late_deal.next_milestone_due
    as_user(market.supplier_owner).post(
        market.url(f"deals/{late_deal.pk}/advance/"), {"status": "in_production"}, format="json"
    )
    late_deal.refresh_from_db()
    assert late_deal.next_milestone_due == datetime.date.fromisoformat(late_deal.planned["quality_checked"]) > first
    when = timezone.make_aware(datetime.datetime.combine(first + datetime.timedelta(days=1), datetime.time(9)))
    assert services.scan_overdue_deals(market.cluster, now=when)["overdue"] == 0  # on track
