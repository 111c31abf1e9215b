"""A supplier revises its quote (the buyer compares the latest, the history kept, the rulebook caps
how often); the buyer cancels its request (open quotes closed, the suppliers told)."""

import pytest

from apps.dealroom.models import Offer, RequestForQuotation, RfqInvitation
from apps.marketplace.models import Deal
from apps.notifications.models import Notification
from tests.factories.governance import RuleVersionFactory
from tests.queries import cold_queries

from .conftest import days
from .test_rfq_api import in_hours, quote, scene  # noqa: F401 -- the imported fixture

pytestmark = pytest.mark.django_db


def _rfq(as_user, market, scene, suppliers):  # noqa: F811
    body = {"order": scene["order"], "suppliers": [s.pk for s in suppliers], "deadline": in_hours(24)}
    response = as_user(market.buyer_owner).post(market.url("rfqs/"), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_revised_quote_supersedes_the_old_one_and_the_buyer_compares_the_latest(as_user, market, scene):  # noqa: F811
    rfq = _rfq(as_user, market, scene, [market.rival, market.supplier])
    rival = as_user(market.rival_owner)
    quotes = market.url(f"rfqs/{rfq}/quotes/")
    first = rival.post(quotes, quote(unit_price="17.20"), format="json").json()
    as_user(market.supplier_owner).post(quotes, quote(unit_price="16.90"), format="json")
    revised = rival.post(f"{quotes}revise/", quote(unit_price="16.50", delivery_date=days(38)), format="json")
    assert revised.status_code == 201, revised.content
    latest = revised.json()
    assert (latest["revises"], latest["status"], latest["unit_price"]) == (first["id"], "open", "16.50")
    assert [r["unit_price"] for r in latest["revisions"]] == ["17.20"]
    assert Offer.objects.get(pk=first["id"]).status == "superseded"
    assert RfqInvitation.objects.get(rfq_id=rfq, supplier=market.rival).status == "quoted"
    # the buyer's comparison: one row per supplier, the latest, cheapest first
    compared = as_user(market.buyer_owner).get(quotes).json()
    assert [(q["enterprise"]["id"], q["unit_price"]) for q in compared] == [
        (market.rival.pk, "16.50"),
        (market.supplier.pk, "16.90"),
    ]
    assert Notification.objects.filter(user=market.buyer_owner, kind="dealroom.quote_revised").count() == 1
    # the superseded quote cannot be awarded; the latest can
    award = market.url(f"rfqs/{rfq}/award/")
    buyer = as_user(market.buyer_owner)
    stale = buyer.post(award, {"awards": [{"quote": first["id"]}]}, format="json")
    assert stale.status_code == 400 and "awards" in stale.json()["errors"]
    assert buyer.post(award, {"awards": [{"quote": latest["id"]}]}, format="json").status_code == 200
    assert str(Deal.objects.get().unit_price) == "16.50"
    # once awarded, nothing is revised any more
    assert rival.post(f"{quotes}revise/", quote(), format="json").status_code == 409


def test_revisions_are_capped_by_the_rulebook_and_bad_terms_write_nothing(as_user, market, scene):  # noqa: F811
    RuleVersionFactory(cluster=market.cluster, changes={"dealroom.quote_max_revisions": 1})
    rfq = _rfq(as_user, market, scene, [market.rival])
    rival = as_user(market.rival_owner)
    quotes = market.url(f"rfqs/{rfq}/quotes/")
    # no quote yet: nothing to revise
    none = rival.post(f"{quotes}revise/", quote(), format="json")
    assert none.status_code == 400 and "quote" in none.json()["errors"]
    rival.post(quotes, quote(), format="json")
    bad = rival.post(f"{quotes}revise/", quote(unit_price="0"), format="json")
    assert bad.status_code == 400 and "unit_price" in bad.json()["errors"]
    over = rival.post(f"{quotes}revise/", quote(quantity=99_999), format="json")
    assert over.status_code == 400 and "quantity" in over.json()["errors"]
    assert Offer.objects.filter(status="open").count() == 1 and Offer.objects.count() == 1
    assert rival.post(f"{quotes}revise/", quote(unit_price="16.00"), format="json").status_code == 201
    capped = rival.post(f"{quotes}revise/", quote(unit_price="15.00"), format="json")
    assert capped.status_code == 400 and capped.json()["errors"]["quote"]
    assert Offer.objects.count() == 2
    # not invited / not the supplier: refused
    assert as_user(market.supplier_owner).post(f"{quotes}revise/", quote(), format="json").status_code == 404
    assert as_user(market.buyer_owner).post(f"{quotes}revise/", quote(), format="json").status_code == 403


def test_the_buyer_cancels_an_open_request_the_quotes_closed_the_suppliers_told(as_user, market, scene):  # noqa: F811
    rfq = _rfq(as_user, market, scene, [market.rival, market.supplier, market.third])
    quotes = market.url(f"rfqs/{rfq}/quotes/")
    quoted = as_user(market.rival_owner).post(quotes, quote(), format="json").json()
    cancel = market.url(f"rfqs/{rfq}/cancel/")
    # only the buyer cancels; a supplier is refused, a stranger is not told it exists
    assert as_user(market.rival_owner).post(cancel, {}, format="json").status_code == 403
    assert as_user(market.foreign_owner).post(cancel, {}, format="json").status_code in (403, 404)
    too_long = as_user(market.buyer_owner).post(cancel, {"reason": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and "reason" in too_long.json()["errors"]
    assert RequestForQuotation.objects.get(pk=rfq).status == "open"
    done = as_user(market.buyer_owner).post(cancel, {"reason": "The client dropped the order."}, format="json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "The client dropped the order.")
    assert body["cancelled_at"]
    assert Offer.objects.get(pk=quoted["id"]).status == "closed"  # kept, closed
    assert set(RfqInvitation.objects.filter(rfq_id=rfq).values_list("status", flat=True)) == {"closed"}
    told = Notification.objects.filter(kind="dealroom.rfq_cancelled").values_list("user_id", flat=True)
    assert set(told) == {market.rival_owner.pk, market.supplier_owner.pk, market.third_owner.pk}
    # a cancelled request takes no quote, revision, award or second cancel
    assert as_user(market.supplier_owner).post(quotes, quote(), format="json").status_code == 409
    assert as_user(market.rival_owner).post(f"{quotes}revise/", quote(), format="json").status_code == 409
    award = market.url(f"rfqs/{rfq}/award/")
    assert (
        as_user(market.buyer_owner).post(award, {"awards": [{"quote": quoted["id"]}]}, format="json").status_code == 409
    )
    assert as_user(market.buyer_owner).post(cancel, {}, format="json").status_code == 409
    assert not Deal.objects.exists()


def test_the_comparison_with_revisions_is_bounded_in_queries(as_user, market, scene):  # noqa: F811
    rfq = _rfq(as_user, market, scene, [market.rival, market.supplier, market.third])
    quotes = market.url(f"rfqs/{rfq}/quotes/")
    as_user(market.rival_owner).post(quotes, quote(), format="json")
    with cold_queries() as few:
        assert len(as_user(market.buyer_owner).get(quotes).json()) == 1
    for owner in (market.supplier_owner, market.third_owner):
        as_user(owner).post(quotes, quote(), format="json")
    for price in ("17.00", "16.90", "16.80"):
        assert (
            as_user(market.rival_owner).post(f"{quotes}revise/", quote(unit_price=price), format="json").status_code
            == 201
        )
    with cold_queries() as many:
        compared = as_user(market.buyer_owner).get(quotes).json()
    assert len(compared) == 3 and len(compared[0]["revisions"]) == 3
    assert len(many) == len(few)
