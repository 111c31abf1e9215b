"""The market lists are cached, and every change a member can make shows at once."""

import pytest
from django.core.cache import cache

from apps.core import generations
from apps.marketplace.models import Match

from .conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db


def market_rows(client, market, path="orders/", query=""):
    response = client.get(market.url(path) + query)
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def test_a_page_is_read_once_until_the_market_changes(as_user, market, django_assert_max_num_queries):
    client = as_user(market.buyer_owner)
    client.post(market.url("orders/"), order_body(market), format="json")
    market_rows(client, market)
    with django_assert_max_num_queries(8) as cached:  # the request's own: scope, session, user, roles
        rows = market_rows(client, market)
    assert len(rows) == 1
    assert not any("marketplace_order" in q["sql"] for q in cached.captured_queries)


def test_posting_editing_and_closing_show_at_once(as_user, market):
    client = as_user(market.buyer_owner)
    assert market_rows(client, market) == {}
    order = client.post(market.url("orders/"), order_body(market), format="json").json()
    assert list(market_rows(client, market)) == [order["id"]]
    detail = market.url(f"orders/{order['id']}/")
    assert client.get(detail).json()["title"] == order["title"]  # now cached too
    client.patch(detail, {"title": "Denim, 12 oz"}, format="json")
    assert market_rows(client, market)[order["id"]]["title"] == "Denim, 12 oz"
    assert client.get(detail).json()["title"] == "Denim, 12 oz"
    client.post(market.url(f"orders/{order['id']}/transition/"), {"status": "closed"}, format="json")
    assert market_rows(client, market)[order["id"]]["status"] == "closed"
    assert market_rows(client, market, query="?status=open") == {}


def test_accepting_and_cancelling_a_deal_show_at_once(as_user, market, django_capture_on_commit_callbacks):
    supplier, buyer = as_user(market.supplier_owner), as_user(market.buyer_owner)
    with django_capture_on_commit_callbacks(execute=True):
        capacity = supplier.post(market.url("capacities/"), capacity_body(market.supplier), format="json").json()
        order = buyer.post(market.url("orders/"), order_body(market), format="json").json()
    assert market_rows(buyer, market)[order["id"]]["filled_quantity"] == 0
    assert market_rows(buyer, market, "capacities/")[capacity["id"]]["reserved_quantity"] == 0
    match = Match.objects.get()
    buyer.post(market.url(f"matches/{match.pk}/accept/"))
    supplier.post(market.url(f"matches/{match.pk}/accept/"))
    assert market_rows(buyer, market)[order["id"]]["filled_quantity"] == match.quantity
    assert market_rows(buyer, market, "capacities/")[capacity["id"]]["reserved_quantity"] == match.quantity
    deal_id = buyer.get(market.url("deals/")).json()["results"][0]["id"]
    response = buyer.post(market.url(f"deals/{deal_id}/advance/"), {"status": "cancelled", "note": "Withdrawn"})
    assert response.status_code == 200, response.content
    assert market_rows(buyer, market)[order["id"]]["filled_quantity"] == 0
    assert market_rows(buyer, market, "capacities/")[capacity["id"]]["reserved_quantity"] == 0


def test_each_language_and_query_has_its_own_page(as_user, market):
    client = as_user(market.buyer_owner)
    order = client.post(market.url("orders/"), order_body(market), format="json").json()
    english = market_rows(client, market)[order["id"]]["owner_detail"]["name"]
    chinese = client.get(market.url("orders/"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    assert english == market.buyer.legal_name_en
    assert chinese["owner_detail"]["name"] == market.buyer.legal_name_zh
    assert market_rows(client, market, query="?capability=dyeing") == {}


def test_a_refused_caller_never_reaches_the_cached_page(as_user, market, api):
    client = as_user(market.buyer_owner)
    client.post(market.url("orders/"), order_body(market), format="json")
    market_rows(client, market)  # now cached
    assert api.get(market.url("orders/")).status_code == 401
    assert as_user(market.outsider_admin).get(market.url("orders/")).status_code in (403, 404)
    assert as_user(market.foreign_owner).get(market.url("orders/")).status_code in (403, 404)


def test_a_lost_generation_never_revives_an_old_page():
    scope = "market:test"
    first = generations.current(scope)
    cache.delete(f"gen:{scope}")  # evicted
    assert generations.current(scope) != first
    generations.bump(scope)
    assert generations.current(scope) > first
