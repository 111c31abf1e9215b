"""Every event of a match and a deal reaches the people concerned once, honouring their preferences.

Driven through the API only: a proposal, the buyer's acceptance, the supplier's (the deal),
four milestones and two ratings; each party reads its notifications from /notifications/.
"""

import pytest

from apps.core.models import OutboxMessage
from apps.marketplace.models import Match
from apps.notifications.models import Notification
from tests.factories import UserFactory
from tests.factories.membership import EnterpriseMemberFactory
from tests.marketplace.conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db

RATE = {"quality": 5, "on_time": 4, "communication": 5}


def kinds(client) -> list[str]:
    """The kinds of the caller's notifications, oldest first, read through the API."""
    answer = client.get("/api/v1/notifications/?page_size=100", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    return [n["kind"] for n in reversed(answer.json()["results"])]


def propose(market, buyer, supplier, capture):
    with capture(execute=True):
        assert (
            supplier.post(market.url("capacities/"), capacity_body(market.supplier), format="json").status_code == 201
        )
        assert buyer.post(market.url("orders/"), order_body(market), format="json").status_code == 201
    return Match.objects.get(cluster=market.cluster, status="proposed")


def drive_to_rated_deal(market, buyer, supplier, capture):
    match = propose(market, buyer, supplier, capture)
    with capture(execute=True):
        assert buyer.post(market.url(f"matches/{match.pk}/accept/")).status_code == 200
        assert buyer.post(market.url(f"matches/{match.pk}/accept/")).status_code == 200  # again: no news
        answer = supplier.post(market.url(f"matches/{match.pk}/accept/"))
        deal = answer.json()["deal"]
        for status in ("in_production", "quality_checked", "shipped"):
            step = {"status": status}
            assert supplier.post(market.url(f"deals/{deal}/advance/"), step, format="json").status_code == 200
        step = {"status": "delivered", "note": "All rolls received"}
        assert buyer.post(market.url(f"deals/{deal}/advance/"), step, format="json").status_code == 200
        assert buyer.post(market.url(f"deals/{deal}/rate/"), RATE).status_code == 201
        assert supplier.post(market.url(f"deals/{deal}/rate/"), RATE).status_code == 201
    return deal


def test_each_party_gets_each_event_of_its_match_and_deal_exactly_once(
    as_user, market, django_capture_on_commit_callbacks, mailoutbox
):
    colleague = UserFactory()  # a second person of the supplier: concerned, though they did nothing
    EnterpriseMemberFactory(enterprise=market.supplier, user=colleague, role="staff")
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    deal = drive_to_rated_deal(market, buyer, supplier, django_capture_on_commit_callbacks)

    milestone = "marketplace.deal_milestone"
    assert kinds(buyer) == [
        "marketplace.matches_proposed",
        "marketplace.deal_created",  # the supplier's acceptance made the deal
        milestone,  # in production
        milestone,  # quality checked
        milestone,  # shipped
        "marketplace.rating_received",
    ]
    assert kinds(supplier) == [
        "marketplace.matches_proposed",
        "marketplace.match_accepted",  # the buyer accepted: the supplier's answer is awaited
        milestone,  # delivered (by the buyer)
        "marketplace.rating_received",
    ]
    # the colleague did none of it, so hears of all of it
    assert kinds(as_user(colleague)) == [
        "marketplace.matches_proposed",
        "marketplace.match_accepted",
        "marketplace.deal_created",
        milestone,
        milestone,
        milestone,
        milestone,
        "marketplace.rating_received",
    ]
    # nobody else in the cluster heard of it
    assert kinds(as_user(market.rival_owner)) == []
    assert not Notification.objects.filter(user=market.admin).exists()
    # what the buyer reads, in words, with a link to the deal
    answer = buyer.get("/api/v1/notifications/?page_size=100", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    titles = [n["title"] for n in answer]
    assert f"Deal {deal} is now shipped" in titles
    assert "1 new match proposed in" in titles[-1]
    created = next(n for n in answer if n["kind"] == "marketplace.deal_created")
    assert created["link"] == f"/clusters/{market.cluster.slug}/deals/{deal}/"
    assert created["params"]["supplier"] == {
        "i18n": {"en": market.supplier.legal_name_en, "zh": market.supplier.legal_name_zh}
    }
    # and the e-mails: one per notification, to its recipient
    assert len(mailoutbox) == Notification.objects.filter(kind__startswith="marketplace.").count() == 18


def test_a_declined_match_tells_the_other_side_with_the_reason(as_user, market, django_capture_on_commit_callbacks):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    match = propose(market, buyer, supplier, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        answer = supplier.post(market.url(f"matches/{match.pk}/decline/"), {"reason": "Looms booked"}, format="json")
    assert answer.status_code == 200
    notice = buyer.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert notice["kind"] == "marketplace.match_declined"
    assert notice["title"] == f"{market.supplier.name} declined the match for {match.quantity}"
    assert notice["body"] == "Reason: Looms booked"
    assert kinds(supplier) == ["marketplace.matches_proposed"]


def test_matches_and_deals_switched_off_brings_nothing(as_user, market, django_capture_on_commit_callbacks, mailoutbox):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    off = [{"category": "marketplace", "in_app": False, "email": False}]
    assert buyer.put("/api/v1/notifications/preferences/set/", off, format="json").status_code == 200
    email_only = [{"category": "marketplace", "in_app": False, "email": True}]
    assert supplier.put("/api/v1/notifications/preferences/set/", email_only, format="json").status_code == 200
    drive_to_rated_deal(market, buyer, supplier, django_capture_on_commit_callbacks)

    assert not Notification.objects.filter(user=market.buyer_owner).exists()
    assert market.buyer_owner.email not in {address for mail in mailoutbox for address in mail.to}
    # e-mail only: the supplier's four e-mails came, and nothing is unread in the app
    assert [mail.to for mail in mailoutbox] == [[market.supplier_owner.email]] * 4
    unread = supplier.get("/api/v1/notifications/?unread=1").json()["results"]
    assert unread == []


def test_a_full_replan_notifies_each_person_once_in_bulk(
    as_user, market, django_capture_on_commit_callbacks, django_assert_max_num_queries, mailoutbox
):
    """Many proposals in one run: one digest per person, one e-mail each, queries not growing with them."""
    buyer, supplier, rival = (as_user(u) for u in (market.buyer_owner, market.supplier_owner, market.rival_owner))
    for index in range(6):
        body = order_body(market, title=f"Order {index}", quantity=500 + index)
        answer = buyer.post(market.url("orders/"), body, format="json")
        assert answer.status_code == 201, answer.content
    for owner, client in ((market.supplier, supplier), (market.rival, rival)):
        body = capacity_body(owner, quantity_per_period=5000)
        assert client.post(market.url("capacities/"), body, format="json").status_code == 201
    assert not Match.objects.exists()  # nothing ran on commit yet

    admin = as_user(market.admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(market.url("matching-runs/")).status_code == 202
    proposed = Match.objects.filter(status="proposed").count()
    assert proposed >= 6
    for user in (market.buyer_owner, market.supplier_owner):
        notices = Notification.objects.filter(user=user, kind="marketplace.matches_proposed")
        assert notices.count() == 1
    total = sum(n.params["count"] for n in Notification.objects.filter(user=market.buyer_owner))
    assert total == proposed  # the buyer's digest counts every proposal it is a side of
    assert len(mailoutbox) == Notification.objects.count()
    assert OutboxMessage.objects.filter(task="notifications.send_emails").count() == 1

    # the same re-plan at twice the size costs no more queries to notify
    from apps.marketplace import notices

    matches = list(Match.objects.filter(status="proposed"))
    with django_assert_max_num_queries(5):
        notices.matches_proposed(cluster=market.cluster, matches=matches * 50)


def test_a_late_milestone_notifies_both_sides_once_per_milestone(as_user, market, django_capture_on_commit_callbacks):
    """The housekeeping scan runs every few minutes: a late milestone is news once, the next late one again."""
    import datetime

    from django.utils import timezone

    from apps.marketplace.models import Deal
    from apps.monitoring.services import scan_overdue_deals

    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    match = propose(market, buyer, supplier, django_capture_on_commit_callbacks)
    buyer.post(market.url(f"matches/{match.pk}/accept/"))
    deal = Deal.objects.get(pk=supplier.post(market.url(f"matches/{match.pk}/accept/")).json()["deal"])

    def scan(days_late: int, milestone: str):
        planned = datetime.date.fromisoformat(deal.planned[milestone])
        moment = datetime.datetime.combine(planned + datetime.timedelta(days=days_late), datetime.time(12))
        with django_capture_on_commit_callbacks(execute=True):
            scan_overdue_deals(market.cluster, now=timezone.make_aware(moment))

    def late_notices(user) -> list[str]:
        answer = as_user(user).get("/api/v1/notifications/?page_size=100", HTTP_ACCEPT_LANGUAGE="en").json()
        return [n["title"] for n in answer["results"] if n["kind"] == "marketplace.milestone_late"]

    scan(1, "in_production")
    scan(1, "in_production")  # the next scan: still late, no news
    scan(2, "in_production")
    expected = [f"Deal {deal.pk}: “in production” is 1 days late"]
    assert late_notices(market.buyer_owner) == late_notices(market.supplier_owner) == expected
    # production starts, then quality checking is late in its turn: news again, once
    assert supplier.post(market.url(f"deals/{deal.pk}/advance/"), {"status": "in_production"}).status_code == 200
    scan(1, "quality_checked")
    scan(1, "quality_checked")
    titles = late_notices(market.supplier_owner)
    assert len(titles) == 2 and "quality checked" in titles[0]
    # the preference governs it: "Matches and deals"
    off = [{"category": "marketplace", "in_app": False, "email": False}]
    assert buyer.put("/api/v1/notifications/preferences/set/", off, format="json").status_code == 200
    assert supplier.post(market.url(f"deals/{deal.pk}/advance/"), {"status": "quality_checked"}).status_code == 200
    scan(1, "shipped")
    assert len(late_notices(market.buyer_owner)) == 2 and len(late_notices(market.supplier_owner)) == 3
