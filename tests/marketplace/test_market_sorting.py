"""The market's sorts (price, date, distance, score) and its region filter chosen by name, on the
page (the FilterSet's form) and in the API (the same FilterSet), with bounded queries.

The viewer is ``market.supplier`` (in Shaoxing, 30.00 N 120.58 E). Three open orders:

=========  ===================  =====  =============  ===========================
order      delivered to         price  published      the supplier's best match
=========  ===================  =====  =============  ===========================
Near       Shaoxing (330600)    20     3 days ago     0.4
Far        Chengdu (510100)     10     1 day ago      none
Middle     Shanghai (310000)    30     2 days ago     0.9 (and a declined 0.99)
=========  ===================  =====  =============  ===========================
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.marketplace.models import Match
from tests.factories.marketplace import CapacityOfferFactory, MatchFactory, OrderFactory
from tests.queries import cold_queries

from .conftest import capacity_fields, order_fields

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NEAR, FAR, MIDDLE = "Near order", "Far order", "Middle order"


def _order(market, title, *, region, point, price, days_ago, owner=None):
    fields = order_fields(
        title=title,
        delivery_region_code=region,
        delivery_latitude=Decimal(point[0]),
        delivery_longitude=Decimal(point[1]),
        target_unit_price=Decimal(price),
    )
    fields["published_at"] = timezone.now() - datetime.timedelta(days=days_ago)
    return OrderFactory(cluster=market.cluster, owner=owner or market.buyer, **fields)


@pytest.fixture
def orders(market):
    near = _order(market, NEAR, region="330600", point=("30.00", "120.58"), price="20", days_ago=3)
    far = _order(market, FAR, region="510100", point=("30.66", "104.06"), price="10", days_ago=1)
    middle = _order(market, MIDDLE, region="310000", point=("31.23", "121.47"), price="30", days_ago=2)
    capacity = CapacityOfferFactory(cluster=market.cluster, owner=market.supplier, **capacity_fields())
    MatchFactory(order=near, capacity=capacity, score=0.4)
    MatchFactory(order=middle, capacity=capacity, score=0.9)
    MatchFactory(order=middle, capacity=capacity, score=0.99, status=Match.Status.DECLINED)  # not live
    # a rival's better match with the far order is not the supplier's
    rival_capacity = CapacityOfferFactory(cluster=market.cluster, owner=market.rival, **capacity_fields())
    MatchFactory(order=far, capacity=rival_capacity, score=0.95)
    return {"near": near, "far": far, "middle": middle}


def page_titles(client, market, headers=EN, **params) -> list[str]:
    response = client.get(reverse("market", args=[market.cluster.slug]), {"kind": "order", **params}, **headers)
    assert response.status_code == 200
    return [listing.title for listing in response.context["page"].object_list]


def api_titles(client, market, path="orders/", **params) -> list[str]:
    response = client.get(market.url(path), params)
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


SORTS = [
    ("", [FAR, MIDDLE, NEAR]),  # newest first, as before
    ("-date", [FAR, MIDDLE, NEAR]),
    ("date", [NEAR, MIDDLE, FAR]),
    ("price", [FAR, NEAR, MIDDLE]),
    ("-price", [MIDDLE, NEAR, FAR]),
    ("distance", [NEAR, MIDDLE, FAR]),
    ("-score", [MIDDLE, NEAR, FAR]),  # no match of the supplier's: last
]


@pytest.mark.parametrize(("ordering", "expected"), SORTS)
def test_the_market_page_sorts_by_its_form(client, market, orders, ordering, expected):
    client.force_login(market.supplier_owner)
    params = {"ordering": ordering} if ordering else {}
    assert page_titles(client, market, **params) == expected


@pytest.mark.parametrize(("ordering", "expected"), SORTS[1:])  # unsorted, the API lists the newest created first
def test_the_api_sorts_through_the_same_filterset(client, market, orders, ordering, expected):
    client.force_login(market.supplier_owner)
    assert api_titles(client, market, ordering=ordering) == expected


def test_the_api_still_sorts_by_the_field_names_it_documented(client, market, orders):
    client.force_login(market.supplier_owner)
    assert api_titles(client, market, ordering="target_unit_price") == [FAR, NEAR, MIDDLE]
    assert api_titles(client, market, ordering="-created_at")  # accepted


def test_distance_and_score_are_the_viewers(client, market, orders):
    # the rival (in Chengdu) is nearest to the far order, and its best match is that one
    client.force_login(market.rival_owner)
    assert page_titles(client, market, ordering="distance")[0] == FAR
    assert page_titles(client, market, ordering="-score")[0] == FAR
    # the buyer owns the three orders: its matches are each order's own (0.4, 0.9 and 0.95)
    client.force_login(market.buyer_owner)
    assert api_titles(client, market, ordering="-score") == [FAR, MIDDLE, NEAR]


def test_an_unknown_sort_is_a_400_in_the_api_and_the_fields_error_on_the_page(client, market, orders):
    client.force_login(market.supplier_owner)
    response = client.get(market.url("orders/"), {"ordering": "nonsense"})
    assert response.status_code == 400 and "ordering" in response.json()["errors"]
    page = client.get(reverse("market", args=[market.cluster.slug]), {"ordering": "nonsense"}, **EN)
    assert page.status_code == 200 and "ordering" in page.context["form"].errors
    assert [o.title for o in page.context["page"].object_list] == [FAR, MIDDLE, NEAR]  # the default sort


def test_the_page_offers_the_useful_sorts_by_name(client, market, orders):
    client.force_login(market.supplier_owner)
    page = client.get(reverse("market", args=[market.cluster.slug]), **EN).content.decode()
    for label in ("Newest first", "Price, lowest first", "Nearest first", "Best match first"):
        assert label in page
    assert 'value="need_by"' not in page  # valid in the API, not offered on the page
    channels = client.get(reverse("market", args=[market.cluster.slug]), {"kind": "channel_offer"}, **EN)
    assert "Commission, lowest first" in channels.content.decode()
    assert "Nearest first" not in channels.content.decode()  # channels have no point


# --- The region, by name -------------------------------------------------------------------------


def test_the_region_filter_is_a_select_of_provinces_and_cities_by_name_in_the_readers_language(client, market, orders):
    client.force_login(market.supplier_owner)
    english = client.get(reverse("market", args=[market.cluster.slug]), **EN)
    region = english.context["form"]["region"]
    assert region.field.widget.input_type == "select" and "data-search" in str(region)
    choices = dict(region.field.choices)
    assert ("33", "All of Zhejiang") in choices["Zhejiang"] and ("3306", "Shaoxing") in choices["Zhejiang"]
    assert choices["Shanghai"] == [("31", "Shanghai")]  # a municipality: one option
    chinese = client.get(reverse("market", args=[market.cluster.slug]), **ZH)
    choices = dict(chinese.context["form"]["region"].field.choices)
    assert ("3306", "绍兴市") in choices["浙江省"]

    assert page_titles(client, market, region="3306") == [NEAR]
    assert page_titles(client, market, region="33") == [NEAR]
    assert page_titles(client, market, region="31") == [MIDDLE]
    assert set(page_titles(client, market)) == {NEAR, FAR, MIDDLE}


def test_the_api_takes_a_prefix_or_a_full_region_code(client, market, orders):
    client.force_login(market.supplier_owner)
    assert api_titles(client, market, region="3306") == [NEAR]
    assert api_titles(client, market, region="330600") == [NEAR]  # the city's code: its prefix
    assert api_titles(client, market, region="510000") == [FAR]  # a province's code
    assert len(api_titles(client, market, path="capacities/", region="330600")) == 2  # both in Shaoxing
    assert api_titles(client, market, path="capacities/", region="51") == []
    response = client.get(market.url("orders/"), {"region": "浙江"})
    assert response.status_code == 400 and "region" in response.json()["errors"]


# --- Bounded queries ----------------------------------------------------------------------------


def _queries(client, address, params, **headers) -> int:
    with cold_queries() as queries:
        assert client.get(address, params, **headers).status_code == 200
    return len(queries)


@pytest.mark.parametrize("ordering", ["-score", "distance", "price"])
def test_sorting_costs_the_same_queries_for_3_or_20_listings(client, market, orders, ordering):
    client.force_login(market.supplier_owner)
    page, api = reverse("market", args=[market.cluster.slug]), market.url("orders/")
    params = {"ordering": ordering, "region": "33"}
    few = _queries(client, page, params, **EN), _queries(client, api, params)
    for index in range(17):
        order = _order(market, f"Order {index}", region="330100", point=("30.27", "120.15"), price="15", days_ago=4)
        MatchFactory(order=order, capacity__owner=market.supplier, score=index / 20)
    many = _queries(client, page, params, **EN), _queries(client, api, params)
    assert few == many, f"page, API: {few} queries for 3 listings, {many} for 20"
