"""A partner's reputation through the API (issue 15, item 13): members of the cluster read it,
no one else learns anything about it."""

import pytest

from apps.marketplace.models import Reputation

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(market):
    supplier = Reputation.objects.create(
        cluster=market.cluster,
        enterprise=market.supplier,
        deals_completed=7,
        on_time_rate=0.857,
        average_score=4.5,
        ratings_count=6,
    )
    rival = Reputation.objects.create(cluster=market.cluster, enterprise=market.rival, deals_completed=1)
    return supplier, rival


def test_a_member_reads_the_reputation_rows_values(as_user, market, records, django_assert_max_num_queries):
    supplier, _rival = records
    client = as_user(market.buyer_owner)
    client.get(market.url("reputation/"))  # warm the access caches
    with django_assert_max_num_queries(8):
        response = client.get(market.url(f"reputation/?enterprise={market.supplier.pk},{market.rival.pk}"))
    assert response.status_code == 200, response.content
    rows = response.json()["results"] if isinstance(response.json(), dict) else response.json()
    assert [row["enterprise"]["id"] for row in rows] == [market.supplier.pk, market.rival.pk]
    assert rows[0]["deals_completed"] == supplier.deals_completed == 7
    assert rows[0]["on_time_rate"] == pytest.approx(supplier.on_time_rate)
    assert rows[0]["average_score"] == pytest.approx(4.5)
    assert rows[0]["ratings_count"] == 6
    assert rows[1]["on_time_rate"] is None

    one = client.get(market.url(f"reputation/{market.supplier.pk}/"))
    assert one.status_code == 200
    assert one.json()["deals_completed"] == 7
    assert client.get(market.url(f"reputation/{market.buyer.pk}/")).status_code == 404  # no record yet

    only = client.get(market.url(f"reputation/?enterprise={market.rival.pk}")).json()
    only = only["results"] if isinstance(only, dict) else only
    assert [row["enterprise"]["id"] for row in only] == [market.rival.pk]
    assert client.get(market.url("reputation/?enterprise=abc")).status_code == 400


def test_an_administrator_reads_it_too(as_user, market, records):
    assert as_user(market.admin).get(market.url("reputation/")).status_code == 200


def test_outsiders_learn_nothing(as_user, market, records):
    for user in (market.foreign_owner, market.outsider_admin):
        client = as_user(user)
        assert client.get(market.url("reputation/")).status_code in (403, 404)
        assert client.get(market.url(f"reputation/{market.supplier.pk}/")).status_code in (403, 404)
    assert as_user(None).get(market.url("reputation/")).status_code == 401
