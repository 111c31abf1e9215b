"""Posting listings: validation, who may post and see, query counts of every list endpoint."""

import datetime

import pytest
from django.utils import timezone

from apps.marketplace.models import CapacityOffer, ChannelOffer, Order
from apps.membership.models import Membership
from tests.factories.marketplace import (
    CapacityOfferFactory,
    ChannelOfferFactory,
    ChannelRequestFactory,
    DealEventFactory,
    DealFactory,
    MatchFactory,
    MatchingRunFactory,
    OrderFactory,
)
from tests.queries import cold_queries

from .conftest import capacity_body, days, order_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"need_by": days(-1)}, "need_by"),
        ({"need_by": days(0)}, "need_by"),
        ({"capability": "alchemy"}, "capability"),
        ({"currency": "CNH"}, "currency"),
        ({"currency": "yuan"}, "currency"),
        ({"target_unit_price": "-1"}, "target_unit_price"),
        ({"required_certifications": ["iso-0000"]}, "required_certifications"),
        ({"min_lot": 5000}, "min_lot"),
        ({"unit": "bushels"}, "unit"),
        ({"delivery_region_code": "12"}, "delivery_region_code"),
        ({"title": "x" * 161}, "title"),
    ],
)
def test_bad_orders_are_400_naming_the_field(as_user, market, override, field):
    response = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market, **override), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"available_until": days(-3), "available_from": days(-10)}, "available_until"),
        ({"available_from": days(10), "available_until": days(5)}, "available_until"),
        ({"quantity_per_period": 0}, "quantity_per_period"),
        ({"lead_time_days": -1}, "lead_time_days"),
        ({"unit_price": "abc"}, "unit_price"),
        ({"period": "fortnight"}, "period"),
    ],
)
def test_bad_capacity_offers_are_400_naming_the_field(as_user, market, override, field):
    response = as_user(market.supplier_owner).post(
        market.url("capacities/"), capacity_body(market.supplier, **override), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not CapacityOffer.objects.exists()


def test_only_active_members_post_for_their_own_enterprise(as_user, market):
    # posting for someone else's enterprise
    response = as_user(market.supplier_owner).post(market.url("orders/"), order_body(market), format="json")
    assert response.status_code == 403
    # an enterprise that is suspended in this cluster
    Membership.objects.filter(enterprise=market.buyer).update(status="suspended")
    response = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    assert response.status_code == 403  # no longer a member: no "member" role here
    # a member of another cluster posting here
    response = as_user(market.foreign_owner).post(market.url("orders/"), order_body(market), format="json")
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_listings_are_visible_to_active_members_of_the_cluster_only(as_user, market):
    as_user(market.buyer_owner).post(market.url("orders/"), order_body(market, title="SECRET-ORDER"), format="json")
    assert "SECRET-ORDER" in as_user(market.supplier_owner).get(market.url("orders/")).content.decode()
    assert "SECRET-ORDER" in as_user(market.admin).get(market.url("orders/")).content.decode()
    for actor in (market.foreign_owner, market.outsider_admin):
        response = as_user(actor).get(market.url("orders/"))
        assert response.status_code == 403
        assert "SECRET-ORDER" not in response.content.decode()
    assert as_user(None).get(market.url("orders/")).status_code == 401


def test_owner_and_cluster_are_never_writable_by_update(as_user, market, other_cluster):
    created = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json").json()
    response = as_user(market.buyer_owner).patch(
        market.url(f"orders/{created['id']}/"),
        {
            "owner": market.supplier.pk,
            "status": "filled",
            "filled_quantity": 2000,
            "cluster": other_cluster.pk,
            "quantity": 2500,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    order = Order.objects.get(pk=created["id"])
    assert (order.owner_id, order.status, order.filled_quantity, order.cluster_id, order.quantity) == (
        market.buyer.pk,
        "open",
        0,
        market.cluster.pk,
        2500,
    )
    assert (
        as_user(market.supplier_owner).patch(market.url(f"orders/{created['id']}/"), {"quantity": 1}).status_code == 403
    )


def test_listing_lifecycle(as_user, market):
    client = as_user(market.buyer_owner)
    draft = client.post(market.url("orders/"), order_body(market, publish=False), format="json").json()
    assert draft["status"] == "draft"
    url = market.url(f"orders/{draft['id']}/transition/")
    assert client.post(url, {"status": "open"}).json()["status"] == "open"
    assert client.post(url, {"status": "open"}).status_code == 409
    assert client.post(url, {"status": "closed"}).json()["status"] == "closed"
    response = client.post(url, {"status": "cancelled"})
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert client.post(url, {"status": "filled"}).status_code == 400


def test_channel_listings_match(as_user, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        offer = as_user(market.supplier_owner).post(
            market.url("channel-offers/"),
            {
                "owner": market.supplier.pk,
                "title": "Tmall flagship store",
                "kind": "online_store",
                "markets": ["CN", "HK"],
                "product_categories": ["tea", "snacks"],
                "monthly_volume": 5000,
                "commission_percent": "8.5",
                "fixed_fee": "2000",
                "currency": "CNY",
                "available_from": days(0),
            },
            format="json",
        )
        assert offer.status_code == 201, offer.content
        request = as_user(market.buyer_owner).post(
            market.url("channel-requests/"),
            {
                "owner": market.buyer.pk,
                "title": "Longjing green tea line",
                "product_category": "tea",
                "markets": ["CN"],
                "monthly_volume": 1200,
                "max_commission_percent": "12",
                "start_by": days(20),
            },
            format="json",
        )
        assert request.status_code == 201, request.content
    [match] = as_user(market.buyer_owner).get(market.url("matches/?kind=channel")).json()["results"]
    assert (match["channel_request"], match["channel_offer"], match["quantity"]) == (
        request.json()["id"],
        offer.json()["id"],
        1200,
    )
    assert set(match["breakdown"]) == {"markets", "fees", "coverage", "reputation"}


def test_the_api_filters_listings_as_the_market_page_does(as_user, market):
    """One FilterSet family (apps/marketplace/filters.py): the page's filters are the API's too."""
    client = as_user(market.buyer_owner)
    posted = client.post(market.url("orders/"), order_body(market, title="Poplin for Hangzhou"), format="json")
    assert posted.status_code == 201, posted.content
    ChannelOffer.objects.create(
        cluster=market.cluster,
        owner=market.rival,
        title="Tmall flagship store",
        status="open",
        kind="online_store",
        markets=["330100", "US"],
        product_categories=["apparel"],
        monthly_volume=1000,
        commission_percent=8,
        available_from=timezone.localdate(),
    )

    def titles(path, query):
        response = client.get(market.url(path) + query)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles("orders/", "?q=poplin") == ["Poplin for Hangzhou"]
    assert titles("orders/", "?q=denim") == []
    assert titles("channel-offers/", "?region=US") == ["Tmall flagship store"]
    assert titles("channel-offers/", "?region=44") == []
    response = client.get(market.url("orders/") + "?region=33-01")  # not a region code: named, as on the page
    assert response.status_code == 400 and "region" in response.json()["errors"]


def _bulk(market, n):
    """Rows written straight to the tables; like the services, it tells the market cache."""
    from apps.marketplace.services.listings import LISTING_MODELS, market_changed

    market_changed(market.cluster.pk, *LISTING_MODELS.values())
    today = timezone.localdate()
    for i in range(n):
        order = OrderFactory(
            cluster=market.cluster,
            owner=market.buyer,
            title=f"o{i}",
            product_category="fabric",
            quantity=100,
            target_unit_price=10,
            need_by=today + datetime.timedelta(days=30),
            delivery_latitude=30,
            delivery_longitude=120,
            required_certifications=["iso9001"],
        )
        capacity = CapacityOfferFactory(
            cluster=market.cluster,
            owner=market.supplier,
            title=f"c{i}",
            quantity_per_period=100,
            available_from=today,
            available_until=today + datetime.timedelta(days=9),
            total_quantity=100,
            unit_price=9,
            lead_time_days=3,
            latitude=30,
            longitude=120,
        )
        ChannelOfferFactory(
            cluster=market.cluster,
            owner=market.supplier,
            title=f"co{i}",
            kind="distributor",
            markets=["CN"],
            product_categories=["tea"],
            monthly_volume=10,
            commission_percent=5,
            available_from=today,
        )
        ChannelRequestFactory(
            cluster=market.cluster,
            owner=market.buyer,
            title=f"cr{i}",
            product_category="tea",
            markets=["CN"],
            monthly_volume=10,
            max_commission_percent=9,
            start_by=today,
        )
        match = MatchFactory(
            cluster=market.cluster, order=order, capacity=capacity, quantity=50, status="accepted", breakdown={}
        )
        deal = DealFactory(match=match, unit_price=9, due_date=today)
        DealEventFactory(deal=deal, status="confirmed", side="buyer")
        MatchingRunFactory(cluster=market.cluster, kind="full")


@pytest.mark.parametrize(
    "path", ["orders/", "capacities/", "channel-offers/", "channel-requests/", "matches/", "deals/", "matching-runs/"]
)
def test_list_query_counts_are_flat(as_user, market, path):
    client = as_user(market.buyer_owner)
    _bulk(market, 1)
    with cold_queries() as one:
        assert client.get(market.url(path) + "?page_size=100").status_code == 200
    _bulk(market, 49)
    with cold_queries() as fifty:
        response = client.get(market.url(path) + "?page_size=100")
    assert response.json()["count"] == 50
    assert len(fifty) == len(one), [q["sql"][:120] for q in fifty.captured_queries]


def test_publishing_a_draft_respects_the_open_listing_limit(as_user, market, settings):
    from apps.tenancy import rules

    client = as_user(market.buyer_owner)
    original = rules.REGISTRY["marketplace.open_listings_per_member"]
    rules.REGISTRY["marketplace.open_listings_per_member"] = original.__class__(**{**original.__dict__, "default": 1})
    try:
        assert client.post(market.url("orders/"), order_body(market), format="json").status_code == 201
        assert client.post(market.url("orders/"), order_body(market), format="json").status_code == 409
        draft = client.post(market.url("orders/"), order_body(market, publish=False), format="json").json()
        response = client.post(market.url(f"orders/{draft['id']}/transition/"), {"status": "open"})
        assert response.status_code == 409
        assert Order.objects.filter(status="open").count() == 1
    finally:
        rules.REGISTRY["marketplace.open_listings_per_member"] = original


def test_an_open_order_cannot_move_its_need_by_into_the_past(as_user, market):
    created = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json").json()
    Order.objects.filter(pk=created["id"]).update(need_by=timezone.localdate() + datetime.timedelta(days=2))
    from django.core.exceptions import ValidationError

    from apps.core.errors import DomainError  # noqa: F401  (documentation of the error family)
    from apps.marketplace.services.listings import listing_update

    with pytest.raises(ValidationError) as error:
        listing_update(
            actor=market.buyer_owner,
            listing=Order.objects.get(pk=created["id"]),
            need_by=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "need_by" in error.value.message_dict
