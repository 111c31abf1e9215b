"""The marketplace pages, through the Django test client: each page's journey and its refusals.

Uses the ``market`` of tests/marketplace/conftest.py: ``cluster`` with its ``admin``, three
active members (``buyer``, ``supplier``, ``rival``) with their owners, ``outsider_admin``
(administrator of another cluster) and ``foreign_owner`` (owner of a member of another cluster).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.marketplace.models import (
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Deal,
    Match,
    MatchingRun,
    Order,
    Rating,
)
from apps.marketplace.services import deals as deal_services
from apps.marketplace.services import matches as match_services
from tests.factories import ClusterFactory, UserFactory
from tests.factories.marketplace import (
    CapacityOfferFactory,
    ChannelMatchFactory,
    ChannelOfferFactory,
    ChannelRequestFactory,
    DealFactory,
    MatchFactory,
    OrderFactory,
)
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory
from tests.queries import cold_queries

from .conftest import capacity_fields, order_fields

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


def url(name, market, *args) -> str:
    return reverse(name, args=[market.cluster.slug, *args])


def days(n: int) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=n))


def order_form(market, **overrides) -> dict:
    data = {
        "owner": market.buyer.pk,
        "title": "3,000 m poplin for shirts",
        "description": "Combed cotton, 40s.",
        "capability": "weaving",
        "product_category": "poplin",
        "quantity": "3000",
        "unit": "m",
        "target_unit_price": "19.00",
        "currency": "CNY",
        "need_by": days(45),
        "delivery_region": "330100",
        "delivery_latitude": "",
        "delivery_longitude": "",
        "required_certifications": ["iso9001"],
        "splittable": "on",
        "min_lot": "500",
        "action": "publish",
    }
    data.update(overrides)
    return data


def capacity_form(owner, **overrides) -> dict:
    data = {
        "owner": owner.pk,
        "title": "Rapier looms free in spring",
        "description": "",
        "capability": "weaving",
        "quantity_per_period": "2000",
        "period": "month",
        "unit": "m",
        "available_from": days(1),
        "available_until": days(60),
        "unit_price": "17.50",
        "currency": "CNY",
        "min_order_quantity": "100",
        "lead_time_days": "10",
        "region": "",
        "action": "publish",
    }
    data.update(overrides)
    return data


def make_order(market, owner=None, **overrides) -> Order:
    """An open order written directly (for list sizes; the services are tested elsewhere)."""
    fields = order_fields(**overrides)
    fields.setdefault("published_at", timezone.now())
    return OrderFactory(cluster=market.cluster, owner=owner or market.buyer, **fields)


def make_capacity(market, owner=None, **overrides) -> CapacityOffer:
    fields = capacity_fields(**overrides)
    fields.setdefault("total_quantity", 100_000)
    return CapacityOfferFactory(cluster=market.cluster, owner=owner or market.supplier, **fields)


BREAKDOWN = {
    "price": {"value": 0.72, "weight": 0.25},
    "distance": {"value": 0.9, "weight": 0.15},
    "lead_time": {"value": 0.6, "weight": 0.15},
    "reputation": {"value": 0.5, "weight": 0.15},
    "coverage": {"value": 1.0, "weight": 0.15},
    "certifications": {"value": 0.0, "weight": 0.05},
    "region": {"value": 0.6, "weight": 0.10},
}


def make_match(market, order, capacity, **overrides) -> Match:
    fields = {
        "cluster": market.cluster,
        "order": order,
        "capacity": capacity,
        "quantity": 500,
        "score": 0.7,
        "breakdown": BREAKDOWN,
        "expires_at": timezone.now() + datetime.timedelta(days=3),
    }
    fields.update(overrides)
    return MatchFactory(**fields)


# --- Who may open the pages ---------------------------------------------------------------------


def page_urls(market, order, match, deal) -> list[str]:
    return [
        url("market", market),
        url("my-listings", market),
        url("listing-create", market, "order"),
        url("listing-detail", market, "order", order.pk),
        url("listing-edit", market, "order", order.pk),
        url("my-matches", market),
        url("my-deals", market),
        url("deal-detail", market, deal.pk),
        url("matching-runs", market),
    ]


@pytest.fixture
def deal(market, proposed_match):
    match_services.match_accept(actor=market.buyer_owner, cluster=market.cluster, match_id=proposed_match.pk)
    match_services.match_accept(actor=market.supplier_owner, cluster=market.cluster, match_id=proposed_match.pk)
    return Deal.objects.get(match=proposed_match)


@pytest.mark.parametrize("who", ["outsider", "outsider_admin", "foreign_owner"])
def test_every_page_refuses_people_outside_the_cluster(as_, market, deal, who):
    user = UserFactory() if who == "outsider" else getattr(market, who)
    client = as_(user)
    order = deal.match.order
    for address in page_urls(market, order, deal.match, deal):
        response = client.get(address, **EN)
        assert response.status_code == 403, address
        assert "members and administrators" in text(response)
    posts = [
        url("listing-transition", market, "order", order.pk),
        url("match-accept", market, deal.match.pk),
        url("match-decline", market, deal.match.pk),
        url("deal-advance", market, deal.pk),
        url("deal-rate", market, deal.pk),
        url("matching-runs", market),
    ]
    for address in posts:
        assert client.post(address, {"to": "closed", "status": "shipped"}).status_code == 403, address
    assert Deal.objects.get(pk=deal.pk).status == "confirmed"
    assert not MatchingRun.objects.filter(kind="full").exists()


def test_pages_need_a_login(as_, market):
    response = as_(None).get(url("market", market))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_suspended_members_people_are_refused(as_, market):
    from apps.membership.models import Membership

    Membership.objects.filter(cluster=market.cluster, enterprise=market.rival).update(status="suspended")
    assert as_(market.rival_owner).get(url("market", market)).status_code == 403


def test_objects_of_another_cluster_are_not_found(as_, market, post_listing):
    other = ClusterFactory()
    foreign = EnterpriseFactory(owner=market.buyer_owner)  # the buyer's owner also runs a member of `other`
    MembershipFactory(cluster=other, enterprise=foreign)
    order = post_listing("order", actor=market.buyer_owner, owner=foreign, cluster=other, **order_fields())
    capacity = make_capacity(market)
    match = MatchFactory(
        cluster=other, order=order, capacity=capacity, demand_owner=foreign, supply_owner=market.supplier, quantity=10
    )
    client = as_(market.buyer_owner)
    assert client.get(url("listing-detail", market, "order", order.pk)).status_code == 404
    assert client.get(url("listing-edit", market, "order", order.pk)).status_code == 404
    assert client.post(url("listing-transition", market, "order", order.pk), {"to": "closed"}).status_code == 404
    assert client.post(url("match-accept", market, match.pk)).status_code == 404
    assert client.post(url("match-decline", market, match.pk)).status_code == 404
    match.refresh_from_db()
    assert match.demand_accepted_at is None and match.status == "proposed"
    assert Order.objects.get(pk=order.pk).status == "open"
    assert client.get(reverse("market", args=["no-such-cluster"])).status_code == 404


def test_a_deal_of_other_members_is_not_found_but_administrators_see_it(as_, market, deal):
    assert as_(market.rival_owner).get(url("deal-detail", market, deal.pk)).status_code == 404
    response = as_(market.admin).get(url("deal-detail", market, deal.pk), **EN)
    assert response.status_code == 200
    assert response.context["steps"] == [] and response.context["stops"] == []
    assert "Only the buyer and the supplier record milestones." in text(response)


def test_cluster_page_links_to_the_marketplace(as_, market):
    cluster_url = reverse("cluster-detail", args=[market.cluster.slug])
    page = text(as_(market.buyer_owner).get(cluster_url, **EN))
    assert url("market", market) in page and url("my-matches", market) in page and url("my-deals", market) in page
    assert url("matching-runs", market) not in page
    page = text(as_(market.admin).get(cluster_url, **EN))
    assert url("matching-runs", market) in page and url("market", market) in page
    page = text(as_(market.outsider_admin).get(cluster_url, **EN))
    assert url("market", market) not in page


# --- The market ---------------------------------------------------------------------------------


def test_market_lists_open_listings_by_kind(as_, market, post_listing):
    make_order(market, title="Open poplin order")
    make_order(market, title="Draft denim order", status="draft", published_at=None)
    make_order(market, title="Closed twill order", status="closed")
    make_capacity(market, title="Idle looms in Shaoxing")
    response = as_(market.rival_owner).get(url("market", market), **EN)
    page = text(response)
    assert response.status_code == 200
    assert "Open poplin order" in page
    assert "Draft denim order" not in page and "Closed twill order" not in page
    assert "Idle looms in Shaoxing" not in page  # another tab
    assert url("listing-create", market, "order") in page

    response = as_(market.rival_owner).get(url("market", market), {"kind": "capacity"}, **EN)
    assert "Idle looms in Shaoxing" in text(response) and "Open poplin order" not in text(response)


def test_market_filters(as_, market):
    make_order(market, title="Poplin for Hangzhou", need_by=timezone.localdate() + datetime.timedelta(days=20))
    make_order(
        market,
        title="Denim for Chengdu",
        delivery_region_code="510100",
        need_by=timezone.localdate() + datetime.timedelta(days=90),
    )
    make_order(market, title="Knit for Hangzhou", capability_id="knitting")
    client = as_(market.supplier_owner)

    def titles(**params):
        response = client.get(url("market", market), {"kind": "order", **params}, **EN)
        return {o.title for o in response.context["page"].object_list}

    assert titles() == {"Poplin for Hangzhou", "Denim for Chengdu", "Knit for Hangzhou"}
    assert titles(region="51") == {"Denim for Chengdu"}
    assert titles(region="3301") == {"Poplin for Hangzhou", "Knit for Hangzhou"}
    assert titles(capability="knitting") == {"Knit for Hangzhou"}
    assert titles(q="denim") == {"Denim for Chengdu"}
    assert titles(need_by_before=days(30)) == {"Poplin for Hangzhou"}
    assert titles(need_by_after=days(61)) == {"Denim for Chengdu"}
    # a bad filter is shown with its error and ignored
    response = client.get(url("market", market), {"kind": "order", "need_by_before": "soon"}, **EN)
    assert response.status_code == 200 and "need_by_before" in response.context["form"].errors


def test_market_filters_capacity_and_channels(as_, market):
    make_capacity(market, title="Looms in Shaoxing", region_code="330600")
    make_capacity(
        market,
        title="Looms later",
        region_code="510100",
        available_from=timezone.localdate() + datetime.timedelta(days=40),
        available_until=timezone.localdate() + datetime.timedelta(days=80),
    )
    ChannelOfferFactory(
        cluster=market.cluster, owner=market.rival, title="Tmall flagship store", markets=["330100", "US"]
    )
    client = as_(market.buyer_owner)

    def titles(kind, **params):
        response = client.get(url("market", market), {"kind": kind, **params}, **EN)
        return {o.title for o in response.context["page"].object_list}

    assert titles("capacity", region="33") == {"Looms in Shaoxing"}
    assert titles("capacity", available_on=days(50)) == {"Looms later"}
    assert titles("channel_offer", region="US") == {"Tmall flagship store"}
    assert titles("channel_offer", region="44") == set()


def test_market_is_open_to_administrators_who_are_not_members(as_, market):
    make_order(market, title="Poplin")
    response = as_(market.admin).get(url("market", market), **EN)
    assert response.status_code == 200 and "Poplin" in text(response)
    assert url("listing-create", market, "order") not in text(response)  # nothing to post for
    assert as_(market.admin).get(url("listing-create", market, "order"), **EN).status_code == 403


def _count_queries(client, address, params=None) -> int:
    with cold_queries() as queries:
        response = client.get(address, params or {}, **EN)
    assert response.status_code == 200
    return len(queries)


def test_market_query_count_is_flat(as_, market):
    client = as_(market.supplier_owner)
    make_order(market, title="Order 0")
    one = _count_queries(client, url("market", market))
    for index in range(1, 30):
        make_order(market, owner=market.rival if index % 2 else market.buyer, title=f"Order {index}")
    thirty = _count_queries(client, url("market", market))
    assert one == thirty, f"{one} queries for 1 row, {thirty} for 30"
    page = text(client.get(url("market", market), **EN))
    assert page.count('class="listing-row"') == 25  # paginated


# --- Posting a listing --------------------------------------------------------------------------


def test_post_an_order_and_publish_it(as_, market, django_capture_on_commit_callbacks):
    make_capacity(market, title="Idle looms")
    client = as_(market.buyer_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("listing-create", market, "order"), order_form(market), **EN)
    order = Order.objects.get(title="3,000 m poplin for shirts")
    assert response.status_code == 302
    assert response.url == url("listing-detail", market, "order", order.pk)
    assert (order.status, order.owner, order.created_by) == ("open", market.buyer, market.buyer_owner)
    assert (order.quantity, order.target_unit_price, order.min_lot) == (3000, Decimal("19.00"), 500)
    assert order.delivery_region_code == "330100" and order.delivery_latitude is not None
    assert [c.pk for c in order.required_certifications.all()] == ["iso9001"]
    assert Match.objects.filter(order=order, status="proposed").exists()  # matched on commit
    response = client.get(response.url, **EN)
    assert any("is published" in m for m in messages_of(response))


def test_save_an_order_as_draft(as_, market):
    response = as_(market.buyer_owner).post(
        url("listing-create", market, "order"), order_form(market, action="draft"), **EN
    )
    order = Order.objects.get()
    assert response.status_code == 302 and order.status == "draft" and order.published_at is None


def test_the_listing_form_shows_the_owner_and_the_kind(as_, market):
    response = as_(market.buyer_owner).get(url("listing-create", market, "order"), **EN)
    page = text(response)
    assert response.status_code == 200
    assert "Posting for Hangzhou Buyer Apparel" in page  # a single enterprise: no choice to make
    assert 'name="need_by"' in page and 'type="date"' in page
    assert 'value="publish"' in page and 'value="draft"' in page


def test_a_person_of_two_members_chooses_the_enterprise(as_, market):
    PersonFactory(enterprise=market.rival, user=market.buyer_owner, role="admin")
    outside = EnterpriseFactory(owner=market.buyer_owner)  # not a member of the cluster: not offered
    response = as_(market.buyer_owner).get(url("listing-create", market, "order"), **EN)
    choices = dict(response.context["form"].fields["owner"].choices)
    assert set(choices) == {market.buyer.pk, market.rival.pk} and outside.pk not in choices
    response = as_(market.buyer_owner).post(
        url("listing-create", market, "order"), order_form(market, owner=market.rival.pk), **EN
    )
    assert response.status_code == 302 and Order.objects.get().owner == market.rival
    response = as_(market.buyer_owner).post(
        url("listing-create", market, "order"), order_form(market, owner=outside.pk), **EN
    )
    assert response.status_code == 200 and "owner" in response.context["form"].errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"need_by": days(-1)}, "need_by", "must be in the future"),
        ({"quantity": "0"}, "quantity", "greater than or equal to 1"),
        ({"currency": "XYZ"}, "currency", "Select a valid choice"),
        ({"min_lot": "5000"}, "min_lot", "cannot exceed the quantity"),
        ({"delivery_region": "999999"}, "delivery_region", "Select a valid choice"),
        ({"title": ""}, "title", "This field is required"),
        ({"capability": "telepathy"}, "capability", "Select a valid choice"),
    ],
)
def test_order_form_errors_are_shown_per_field(as_, market, overrides, field, message):
    response = as_(market.buyer_owner).post(
        url("listing-create", market, "order"), order_form(market, **overrides), **EN
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert 'class="field field-invalid' in text(response)
    assert not Order.objects.exists()


def test_post_capacity_and_its_window_errors(as_, market):
    client = as_(market.supplier_owner)
    response = client.post(
        url("listing-create", market, "capacity"),
        capacity_form(market.supplier, available_until=days(0), available_from=days(5)),
        **EN,
    )
    assert response.status_code == 200
    assert "must end on or after its start" in " ".join(response.context["form"].errors["available_until"])
    response = client.post(
        url("listing-create", market, "capacity"), capacity_form(market.supplier, quantity_per_period="0"), **EN
    )
    assert "quantity_per_period" in response.context["form"].errors
    assert not CapacityOffer.objects.exists()

    response = client.post(url("listing-create", market, "capacity"), capacity_form(market.supplier), **EN)
    capacity = CapacityOffer.objects.get()
    assert response.status_code == 302
    # blank region: the enterprise's location
    assert (capacity.region_code, capacity.latitude) == ("330600", Decimal("30.00000"))
    assert capacity.total_quantity > 0 and capacity.status == "open"


def test_post_channel_offer_and_request(as_, market):
    response = as_(market.rival_owner).post(
        url("listing-create", market, "channel_offer"),
        {
            "owner": market.rival.pk,
            "title": "JD.com store with room",
            "kind": "online_store",
            "markets": "330100, 310000 us",
            "product_categories": "apparel, home textiles",
            "monthly_volume": "5000",
            "commission_percent": "6.5",
            "fixed_fee": "0",
            "currency": "CNY",
            "available_from": days(0),
            "action": "publish",
        },
        **EN,
    )
    assert response.status_code == 302, response.context["form"].errors
    offer = ChannelOffer.objects.get()
    assert offer.markets == ["330100", "310000", "US"]
    assert offer.product_categories == ["apparel", "home textiles"]

    response = as_(market.buyer_owner).post(
        url("listing-create", market, "channel_request"),
        {
            "owner": market.buyer.pk,
            "title": "Shirts seek online stores",
            "product_category": "apparel",
            "markets": "",
            "monthly_volume": "800",
            "max_commission_percent": "120",
            "start_by": days(-3),
            "action": "publish",
        },
        **EN,
    )
    errors = response.context["form"].errors
    assert {"markets", "max_commission_percent"} <= set(errors)
    response = as_(market.buyer_owner).post(
        url("listing-create", market, "channel_request"),
        {
            "owner": market.buyer.pk,
            "title": "Shirts seek online stores",
            "product_category": "apparel",
            "markets": "330100",
            "monthly_volume": "800",
            "max_commission_percent": "10",
            "start_by": days(-3),
            "action": "publish",
        },
        **EN,
    )
    assert "must not be in the past" in " ".join(response.context["form"].errors["start_by"])
    assert not ChannelRequest.objects.exists()


def test_the_open_listing_limit_is_a_form_error(as_, market, monkeypatch):
    from apps.marketplace.services import listings

    monkeypatch.setattr(listings, "rule_value", lambda **kwargs: 1)
    make_order(market, title="The one allowed")
    response = as_(market.buyer_owner).post(url("listing-create", market, "order"), order_form(market), **EN)
    assert response.status_code == 200
    assert "the cluster's limit" in " ".join(response.context["form"].non_field_errors())
    assert Order.objects.count() == 1


# --- A listing: detail, edit, publish / close / cancel ------------------------------------------


def test_owner_publishes_a_draft_and_closes_it(as_, market, django_capture_on_commit_callbacks):
    order = make_order(market, status="draft", published_at=None)
    client = as_(market.buyer_owner)
    detail = url("listing-detail", market, "order", order.pk)
    page = text(client.get(detail, **EN))
    assert url("listing-edit", market, "order", order.pk) in page
    assert 'value="open"' in page and 'value="cancelled"' in page and 'value="closed"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("listing-transition", market, "order", order.pk), {"to": "open"})
    assert response.status_code == 302 and response.url == detail
    order.refresh_from_db()
    assert order.status == "open" and order.published_at is not None
    response = client.get(detail, **EN)
    assert "The listing is published; matching starts now." in messages_of(response)
    assert 'value="closed"' in text(response)

    client.post(url("listing-transition", market, "order", order.pk), {"to": "closed"})
    order.refresh_from_db()
    assert order.status == "closed"
    # an illegal transition is a message, not a 500
    response = client.post(url("listing-transition", market, "order", order.pk), {"to": "open"}, follow=True)
    assert response.status_code == 200
    assert any("cannot become open" in m for m in messages_of(response))
    assert Order.objects.get(pk=order.pk).status == "closed"


def test_other_members_see_the_listing_without_its_buttons(as_, market):
    order = make_order(market, title="Poplin")
    draft = make_order(market, title="Secret draft", status="draft", published_at=None)
    client = as_(market.rival_owner)
    response = client.get(url("listing-detail", market, "order", order.pk), **EN)
    assert response.status_code == 200 and "Poplin" in text(response)
    assert url("listing-edit", market, "order", order.pk) not in text(response)
    assert 'data-testid="listing-actions"' not in text(response)
    assert client.get(url("listing-detail", market, "order", draft.pk)).status_code == 404
    assert client.get(url("listing-edit", market, "order", order.pk), **EN).status_code == 403
    assert client.post(url("listing-transition", market, "order", order.pk), {"to": "closed"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == "open"


def test_owner_edits_a_listing(as_, market, proposed_match):
    order = proposed_match.order
    client = as_(market.buyer_owner)
    edit = url("listing-edit", market, "order", order.pk)
    response = client.get(edit, **EN)
    form = response.context["form"]
    assert form["quantity"].value() == 2000 and form["delivery_region"].value() == "330100"
    assert form["required_certifications"].value() == ["iso9001"]

    data = order_form(market, title="2,400 m shirting", quantity="2400", need_by=str(order.need_by))
    data.pop("owner")
    data["delivery_latitude"], data["delivery_longitude"] = str(order.delivery_latitude), str(order.delivery_longitude)
    response = client.post(edit, data, **EN)
    assert response.status_code == 302, response.context["form"].errors
    order.refresh_from_db()
    assert (order.title, order.quantity) == ("2,400 m shirting", 2400)
    assert order.owner == market.buyer  # the owner never changes
    proposed_match.refresh_from_db()
    assert proposed_match.status == "withdrawn"  # terms changed: unanswered proposals withdrawn

    response = client.post(edit, {**data, "min_lot": "9999"}, **EN)
    assert "cannot exceed the quantity" in " ".join(response.context["form"].errors["min_lot"])


def test_a_closed_listing_cannot_be_edited(as_, market):
    order = make_order(market, status="closed")
    response = as_(market.buyer_owner).get(url("listing-edit", market, "order", order.pk), follow=True, **EN)
    assert response.redirect_chain[-1][0] == url("listing-detail", market, "order", order.pk)
    assert any("cannot be edited" in m for m in messages_of(response))


def test_listing_detail_shows_its_matches_to_the_owner(as_, market, proposed_match):
    page = text(as_(market.buyer_owner).get(url("listing-detail", market, "order", proposed_match.order_id), **EN))
    assert f'data-testid="match-{proposed_match.pk}"' in page and "Shaoxing Supplier Weaving" in page
    page = text(as_(market.rival_owner).get(url("listing-detail", market, "order", proposed_match.order_id), **EN))
    assert f'data-testid="match-{proposed_match.pk}"' not in page


def test_my_listings_with_fill_progress(as_, market):
    make_order(market, title="Half filled", quantity=1000, filled_quantity=500, status="partially_filled")
    make_order(market, title="Old and closed", status="closed")
    make_order(market, owner=market.rival, title="Not mine")
    make_capacity(market, owner=market.buyer, title="My spare looms")
    client = as_(market.buyer_owner)
    response = client.get(url("my-listings", market), **EN)
    page = text(response)
    assert "Half filled" in page and "500 of 1000 contracted (50 %)" in page
    assert "Old and closed" not in page and "Not mine" not in page
    assert [(k, n) for k, _label, n in response.context["tabs"]] == [
        ("order", 1),
        ("capacity", 1),
        ("channel_offer", 0),
        ("channel_request", 0),
    ]
    assert "Old and closed" in text(client.get(url("my-listings", market), {"show": "all"}, **EN))
    assert "My spare looms" in text(client.get(url("my-listings", market), {"kind": "capacity"}, **EN))


# --- Matches ------------------------------------------------------------------------------------


def test_my_matches_explains_the_score(as_, market, proposed_match):
    response = as_(market.buyer_owner).get(url("my-matches", market), **EN)
    page = text(response)
    assert response.status_code == 200
    card = page[page.index(f'data-testid="match-{proposed_match.pk}"') :]
    assert "Shaoxing Supplier Weaving" in card and "2,000 m cotton shirting" in card
    assert "2000 m" in card
    assert f"{round(proposed_match.score * 100)} %" in card
    for factor, label in [
        ("price", "Price"),
        ("distance", "Distance"),
        ("lead_time", "Lead time"),
        ("reputation", "Reputation"),
        ("coverage", "Coverage"),
        ("certifications", "Certifications"),
        ("region", "Region"),
    ]:
        item = proposed_match.breakdown[factor]
        assert f'data-factor="{factor}"' in card and label in card
        assert f"{round(item['value'] * 100)} % × weight {round(item['weight'] * 100)} %" in card
    assert f'data-testid="accept-{proposed_match.pk}"' in card
    assert "Expires" in card


def test_the_explanation_in_plain_numbers(as_, market):
    match = make_match(market, make_order(market), make_capacity(market), score=0.6955)
    page = text(as_(market.buyer_owner).get(url("my-matches", market), **EN))
    assert "70 %" in page
    assert re.search(r"Price<span class=\"visually-hidden\">:</span></span>.*?72 % × weight 25 %", page, re.S)
    assert "60 % × weight 10 %" in page  # region
    assert match.pk == Match.objects.get().pk


def test_channel_matches_explain_their_own_factors(as_, market):
    offer = ChannelOfferFactory(cluster=market.cluster, owner=market.supplier, title="Tmall store")
    request = ChannelRequestFactory(cluster=market.cluster, owner=market.buyer, title="Shirts online")
    ChannelMatchFactory(
        cluster=market.cluster,
        channel_request=request,
        channel_offer=offer,
        score=0.8,
        breakdown={
            "markets": {"value": 1.0, "weight": 0.35},
            "fees": {"value": 0.2, "weight": 0.25},
            "coverage": {"value": 1.0, "weight": 0.25},
            "reputation": {"value": 0.5, "weight": 0.15},
        },
        expires_at=timezone.now() + datetime.timedelta(days=2),
    )
    page = text(as_(market.supplier_owner).get(url("my-matches", market), **EN))
    assert "Markets" in page and "100 % × weight 35 %" in page and "20 % × weight 25 %" in page
    assert "You offer the channel" in page and "Product owner" in page


def test_proposed_matches_come_first(as_, market):
    order, capacity = make_order(market), make_capacity(market)
    declined = make_match(market, order, capacity, status="declined", score=0.99)
    proposed = make_match(market, order, make_capacity(market), score=0.2)
    page = list(as_(market.buyer_owner).get(url("my-matches", market), **EN).context["page"].object_list)
    assert [m.pk for m in page] == [proposed.pk, declined.pk]
    page = as_(market.buyer_owner).get(url("my-matches", market), {"status": "open"}, **EN).context["page"]
    assert [m.pk for m in page.object_list] == [proposed.pk]


def test_my_matches_shows_only_my_enterprises_matches(as_, market, proposed_match):
    assert not list(as_(market.rival_owner).get(url("my-matches", market)).context["page"].object_list)
    response = as_(market.admin).get(url("my-matches", market), **EN)  # administrators: the whole cluster
    assert [m.pk for m in response.context["page"].object_list] == [proposed_match.pk]
    assert f'data-testid="accept-{proposed_match.pk}"' not in text(response)


def test_accepting_through_the_page_makes_a_deal(as_, market, proposed_match):
    matches = url("my-matches", market)
    buyer = as_(market.buyer_owner)
    response = buyer.post(url("match-accept", market, proposed_match.pk), {"next": matches})
    assert response.status_code == 302 and response.url == matches
    proposed_match.refresh_from_db()
    assert proposed_match.demand_accepted_at is not None and proposed_match.status == "proposed"
    response = buyer.get(matches, **EN)
    assert any("You accepted the match" in m for m in messages_of(response))
    page = text(response)
    assert "You accepted — waiting for the supplier." in page
    assert f'data-testid="accept-{proposed_match.pk}"' not in page

    page = text(as_(market.supplier_owner).get(matches, **EN))
    assert "The buyer accepted — your acceptance makes it a deal." in page
    response = as_(market.supplier_owner).post(url("match-accept", market, proposed_match.pk), {"next": matches})
    deal = Deal.objects.get(match=proposed_match)
    assert response.status_code == 302 and response.url == url("deal-detail", market, deal.pk)
    assert (deal.buyer, deal.supplier, deal.quantity, deal.status) == (market.buyer, market.supplier, 2000, "confirmed")
    page = text(as_(market.buyer_owner).get(matches, **EN))
    assert url("deal-detail", market, deal.pk) in page
    # answering again is a message, not a 500
    response = as_(market.buyer_owner).post(url("match-accept", market, proposed_match.pk), follow=True)
    assert response.status_code == 200
    assert any("can no longer be answered" in m for m in messages_of(response))


def test_only_the_two_sides_answer(as_, market, proposed_match):
    # other members do not even see it; administrators see it but do not answer for a side
    assert as_(market.rival_owner).post(url("match-accept", market, proposed_match.pk)).status_code == 404
    assert as_(market.rival_owner).post(url("match-decline", market, proposed_match.pk)).status_code == 404
    assert as_(market.admin).post(url("match-decline", market, proposed_match.pk)).status_code == 403
    proposed_match.refresh_from_db()
    assert proposed_match.status == "proposed" and proposed_match.demand_accepted_at is None


def test_declining_with_a_reason(as_, market, proposed_match, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(market.supplier_owner).post(
            url("match-decline", market, proposed_match.pk), {"reason": "Looms booked by then"}
        )
    assert response.status_code == 302
    proposed_match.refresh_from_db()
    assert (proposed_match.status, proposed_match.declined_by, proposed_match.decline_reason) == (
        "declined",
        market.supplier,
        "Looms booked by then",
    )
    page = text(as_(market.buyer_owner).get(url("my-matches", market), **EN))
    assert "Declined by Shaoxing Supplier Weaving." in page and "Looms booked by then" in page
    response = as_(market.supplier_owner).post(url("match-decline", market, proposed_match.pk), {"reason": "x" * 501})
    assert response.status_code == 302  # too long: a message, nothing changes


def test_an_expired_proposal_cannot_be_accepted(as_, market, proposed_match):
    Match.objects.filter(pk=proposed_match.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = as_(market.buyer_owner).post(url("match-accept", market, proposed_match.pk), follow=True)
    assert response.status_code == 200
    assert any("expired" in m for m in messages_of(response))
    assert not Deal.objects.exists()


def test_my_matches_query_count_is_flat(as_, market):
    client = as_(market.buyer_owner)
    capacity = make_capacity(market)
    make_match(market, make_order(market), capacity)
    one = _count_queries(client, url("my-matches", market))
    for index in range(29):
        order = make_order(market, title=f"Order {index}")
        status = "accepted" if index % 3 == 0 else "proposed"
        match = make_match(market, order, make_capacity(market, owner=market.rival), status=status)
        if status == "accepted":
            DealFactory(match=match, unit_price=Decimal("17"), due_date=order.need_by)
    thirty = _count_queries(client, url("my-matches", market))
    assert one == thirty, f"{one} queries for 1 row, {thirty} for 30"
    assert _count_queries(client, url("my-matches", market), {"page": 2}) == thirty


# --- Deals --------------------------------------------------------------------------------------


def step(client, market, deal, status, note=""):
    return client.post(url("deal-advance", market, deal.pk), {"status": status, "note": note})


def test_deal_page_shows_the_terms_and_the_suppliers_next_step(as_, market, deal):
    response = as_(market.supplier_owner).get(url("deal-detail", market, deal.pk), **EN)
    page = text(response)
    assert response.status_code == 200
    assert "Hangzhou Buyer Apparel" in page and "Shaoxing Supplier Weaving" in page
    assert "2000 m" in page and "17.80 CNY" in page
    assert [v for v, _label in response.context["steps"]] == ["in_production"]
    assert [v for v, _label in response.context["stops"]] == ["cancelled"]
    assert 'data-testid="step-in_production"' in page and "Start production" in page

    response = as_(market.buyer_owner).get(url("deal-detail", market, deal.pk), **EN)
    assert response.context["steps"] == []  # production is the supplier's to start
    assert "Waiting for the supplier: next, “in production”." in text(response)
    assert [v for v, _label in response.context["stops"]] == ["cancelled"]


def test_milestones_through_the_page(as_, market, deal):
    supplier, detail = as_(market.supplier_owner), url("deal-detail", market, deal.pk)
    response = step(supplier, market, deal, "in_production", "Warps on the looms")
    assert response.status_code == 302 and response.url == detail
    assert "The deal is now in production." in messages_of(supplier.get(detail, **EN))
    step(supplier, market, deal, "quality_checked")
    # out of order: a message, no change
    response = step(supplier, market, deal, "delivered")
    assert response.status_code == 302
    assert any("cannot move to delivered" in m for m in messages_of(supplier.get(detail, **EN)))
    step(supplier, market, deal, "shipped", "Truck left at 6:00")
    # the other side's step: refused
    assert step(supplier, market, deal, "delivered").status_code == 403
    assert Deal.objects.get(pk=deal.pk).status == "shipped"
    buyer = as_(market.buyer_owner)
    response = buyer.get(detail, **EN)
    assert [v for v, _label in response.context["steps"]] == ["delivered"]
    step(buyer, market, deal, "delivered", "All rolls received")
    deal.refresh_from_db()
    assert deal.status == "delivered" and deal.delivered_at is not None
    page = text(buyer.get(detail, **EN))
    timeline = page[page.index('data-testid="deal-timeline"') :]
    for label in ("Confirmed", "In production", "Quality checked", "Shipped", "Delivered"):
        assert label in timeline
    assert "Warps on the looms" in timeline and "Truck left at 6:00" in timeline and "Supplier" in timeline


def test_a_dispute_needs_a_reason(as_, market, deal):
    supplier = as_(market.supplier_owner)
    step(supplier, market, deal, "in_production")
    response = step(supplier, market, deal, "disputed", "  ")
    assert response.status_code == 200
    assert "Give a reason." in " ".join(response.context["stop_form"].errors["note"])
    assert Deal.objects.get(pk=deal.pk).status == "in_production"
    response = step(as_(market.buyer_owner), market, deal, "disputed", "Wrong colour on roll 3")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.reason) == ("disputed", "Wrong colour on roll 3")
    page = text(as_(market.buyer_owner).get(url("deal-detail", market, deal.pk), **EN))
    assert "Wrong colour on roll 3" in page


def test_cancelling_releases_the_quantity(as_, market, deal):
    response = step(as_(market.buyer_owner), market, deal, "cancelled", "Our customer withdrew")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.status == "cancelled"
    assert Order.objects.get(pk=deal.match.order_id).filled_quantity == 0


def test_steps_by_people_of_other_members_are_not_found(as_, market, deal):
    assert step(as_(market.rival_owner), market, deal, "in_production").status_code == 404
    assert step(as_(market.admin), market, deal, "in_production").status_code == 403  # administrators watch
    assert Deal.objects.get(pk=deal.pk).status == "confirmed"


def _deliver(market, deal):
    for status in ("in_production", "quality_checked", "shipped"):
        deal_services.deal_advance(actor=market.supplier_owner, cluster=market.cluster, deal_id=deal.pk, to=status)
    deal_services.deal_advance(actor=market.buyer_owner, cluster=market.cluster, deal_id=deal.pk, to="delivered")


def test_rating_after_delivery(as_, market, deal):
    buyer, supplier, detail = as_(market.buyer_owner), None, url("deal-detail", market, deal.pk)
    assert buyer.get(detail, **EN).context["rating_form"] is None  # not delivered yet
    _deliver(market, deal)
    response = buyer.get(detail, **EN)
    assert response.context["rating_form"] is not None and "Rate Shaoxing Supplier Weaving" in text(response)

    response = buyer.post(url("deal-rate", market, deal.pk), {"quality": "7", "on_time": "5", "communication": "4"})
    assert response.status_code == 200 and "quality" in response.context["rating_form"].errors
    assert not Rating.objects.exists()

    rating = {"quality": "5", "on_time": "5", "communication": "4", "comment": "Great fabric"}
    response = buyer.post(url("deal-rate", market, deal.pk), rating)
    assert response.status_code == 302
    response = buyer.get(detail, **EN)
    assert response.context["rating_form"] is None
    assert 'data-testid="my-rating-pending"' in text(response)
    assert "Great fabric" not in text(as_(market.supplier_owner).get(detail, **EN))  # hidden until both rated

    supplier = as_(market.supplier_owner)
    response = supplier.post(url("deal-rate", market, deal.pk), {**rating, "quality": "4", "comment": "Clear specs"})
    assert response.status_code == 302
    page = text(supplier.get(detail, **EN))
    assert "Great fabric" in page and "Clear specs" in page
    assert "Hangzhou Buyer Apparel rated Shaoxing Supplier Weaving" in page
    assert Rating.objects.filter(published_at__isnull=False).count() == 2
    # rating twice is refused with a message
    response = supplier.post(url("deal-rate", market, deal.pk), rating, follow=True)
    assert any("already rated" in m for m in messages_of(response))


def test_my_deals_by_status(as_, market, deal):
    response = as_(market.buyer_owner).get(url("my-deals", market), **EN)
    assert [d.pk for d in response.context["page"].object_list] == [deal.pk]
    assert "you buy" in text(response)
    assert not list(as_(market.buyer_owner).get(url("my-deals", market), {"status": "finished"}).context["page"])
    assert not list(as_(market.rival_owner).get(url("my-deals", market)).context["page"].object_list)
    response = as_(market.admin).get(url("my-deals", market), **EN)  # administrators: all deals
    assert [d.pk for d in response.context["page"].object_list] == [deal.pk]
    assert "Deals of the cluster" in text(response)


# --- Matching runs ------------------------------------------------------------------------------


def test_administrators_start_a_full_replan(as_, market, django_capture_on_commit_callbacks):
    make_order(market)
    make_capacity(market)
    client = as_(market.admin)
    response = client.get(url("matching-runs", market), **EN)
    assert response.status_code == 200 and "Run full re-plan" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("matching-runs", market))
    run = MatchingRun.objects.get(kind="full")
    assert response.status_code == 302 and response.url == url("matching-runs", market)
    assert (run.status, run.progress, run.requested_by) == ("succeeded", 100, market.admin)
    response = client.get(url("matching-runs", market), **EN)
    page = text(response)
    assert f"A full re-plan was started (run {run.pk})." in messages_of(response)
    assert f'data-testid="run-{run.pk}"' in page and "Succeeded" in page
    counts = page[page.index(f'data-testid="run-{run.pk}"') :]
    assert re.search(r"<dt>Proposals created</dt><dd>1</dd>", counts) and "Production" in counts
    assert "Solver details" in counts


def test_a_second_full_run_while_one_is_queued_is_refused(as_, market):
    client = as_(market.admin)
    client.post(url("matching-runs", market))  # no on-commit execution: it stays queued
    response = client.post(url("matching-runs", market), follow=True)
    assert response.status_code == 200
    assert any("already under way" in m for m in messages_of(response))
    assert MatchingRun.objects.filter(kind="full").count() == 1
    assert "disabled" in text(response)


def test_members_cannot_open_or_start_matching_runs(as_, market):
    client = as_(market.buyer_owner)
    assert client.get(url("matching-runs", market), **EN).status_code == 403
    assert client.post(url("matching-runs", market)).status_code == 403
    assert not MatchingRun.objects.filter(kind="full").exists()
