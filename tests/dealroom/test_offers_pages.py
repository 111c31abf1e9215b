"""The deal room's pages for offers and requests for quotation, through the Django test client."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.dealroom.models import Offer, RequestForQuotation
from apps.marketplace.models import Deal

from .conftest import days
from .test_offers_api import proposed  # noqa: F401  (one proposal of 2,000 between buyer and supplier)
from .test_rfq_api import quote, scene  # noqa: F401

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offer_form(**overrides):
    form = {
        "action": "make",
        "quantity": "1500",
        "unit_price": "16.90",
        "delivery_date": days(50),
        "lot_size": "500",
        "payment_terms": "net_30",
        "note": "",
    }
    form.update(overrides)
    return form


def test_an_offer_made_countered_and_accepted_on_the_match_page(market, proposed):  # noqa: F811
    url = reverse("match-offers", args=[market.cluster.slug, proposed.pk])
    buyer, supplier = signed_in(market.buyer_owner), signed_in(market.supplier_owner)
    matches = buyer.get(reverse("my-matches", args=[market.cluster.slug]), **EN)
    assert url.encode() in matches.content  # "Negotiate terms" on the match card
    page = buyer.get(url, **EN)
    assert page.status_code == 200
    assert b"Propose other terms" in page.content and b"Net 30 days" in page.content
    # a price of zero is refused beside its field, nothing written
    refused = buyer.post(url, offer_form(unit_price="0"), **EN)
    assert refused.status_code == 200 and b"field-invalid" in refused.content
    assert not Offer.objects.exists()
    assert buyer.post(url, offer_form(), **EN).status_code == 302
    first = Offer.objects.get()
    page = supplier.get(url, **EN)
    assert b'data-testid="answer-offer"' in page.content and b"Counter with your terms" in page.content
    assert buyer.get(url, **EN).content.count(b'data-testid="offer-waiting"') == 1
    countered = supplier.post(url, offer_form(action="counter", offer=first.pk, unit_price="17.40"), **EN)
    assert countered.status_code == 302
    counter = Offer.objects.get(status="open")
    assert counter.answers_id == first.pk
    accepted = buyer.post(url, {"action": "accept", "offer": counter.pk}, **EN)
    deal = Deal.objects.get(match=proposed)
    assert accepted.status_code == 302 and accepted["Location"] == reverse(
        "deal-detail", args=[market.cluster.slug, deal.pk]
    )
    assert (deal.quantity, str(deal.unit_price)) == (1500, "17.40")
    history = supplier.get(url, **EN)
    assert b'data-testid="offer-history"' in history.content and b"Countered" in history.content


def test_the_match_offers_page_is_only_for_its_two_sides(market, proposed):  # noqa: F811
    url = reverse("match-offers", args=[market.cluster.slug, proposed.pk])
    assert signed_in(market.rival_owner).get(url).status_code == 404
    assert signed_in(market.foreign_owner).get(url).status_code in (403, 404)
    assert signed_in(market.rival_owner).post(url, offer_form()).status_code == 404
    assert not Offer.objects.exists()


def test_an_rfq_sent_quoted_compared_and_awarded_through_the_pages(market, scene):  # noqa: F811
    buyer = signed_in(market.buyer_owner)
    create = reverse("rfq-create", args=[market.cluster.slug, scene["order"]])
    order_page = buyer.get(reverse("listing-detail", args=[market.cluster.slug, "order", scene["order"]]), **EN)
    assert create.encode() in order_page.content  # "Ask for quotes" on the buyer's own order
    page = buyer.get(create, **EN)
    assert page.status_code == 200 and b"Suzhou Third Weaving" in page.content
    deadline = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    refused = buyer.post(create, {"deadline": deadline}, **EN)  # neither suppliers nor best
    assert refused.status_code == 200 and not RequestForQuotation.objects.exists()
    sent = buyer.post(create, {"suppliers": [market.rival.pk, market.supplier.pk], "deadline": deadline}, **EN)
    assert sent.status_code == 302, sent.content
    rfq = RequestForQuotation.objects.get()
    detail = reverse("rfq-detail", args=[market.cluster.slug, rfq.pk])
    for owner, price in ((market.rival_owner, "16.80"), (market.supplier_owner, "17.20")):
        form_page = signed_in(owner).get(detail, **EN)
        assert b'data-testid="quote-form"' in form_page.content
        body = {**quote(quantity=1000, unit_price=price), "lot_size": "1", "note": ""}
        assert signed_in(owner).post(detail, body, **EN).status_code == 302
    # the supplier sees its own quote only; the third, not invited, nothing
    own = signed_in(market.rival_owner).get(detail, **EN)
    assert b'data-testid="my-quote"' in own.content and b"17.20" not in own.content
    assert signed_in(market.third_owner).get(detail).status_code == 404
    comparison = buyer.get(detail, **EN)
    assert b'data-testid="quote-comparison"' in comparison.content
    assert b"16.80" in comparison.content and b"17.20" in comparison.content and b"4 deals" in comparison.content
    quotes = {q.enterprise_id: q.pk for q in Offer.objects.all()}
    over = buyer.post(
        detail,
        {f"award-{quotes[market.rival.pk]}": "1000", f"award-{quotes[market.supplier.pk]}": "1000", "x": ""},
        **EN,
    )
    assert over.status_code == 302  # 2,000 fits
    assert Deal.objects.count() == 2
    assert RequestForQuotation.objects.get().status == "awarded"
    assert b"Awarded" in buyer.get(detail, **EN).content
    assert buyer.get(reverse("rfq-list", args=[market.cluster.slug]), **EN).status_code == 200


def test_an_award_over_the_remaining_quantity_is_refused_on_the_page(market, scene):  # noqa: F811
    buyer = signed_in(market.buyer_owner)
    deadline = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    create = reverse("rfq-create", args=[market.cluster.slug, scene["order"]])
    buyer.post(create, {"suppliers": [market.rival.pk, market.supplier.pk], "deadline": deadline})
    rfq = RequestForQuotation.objects.get()
    detail = reverse("rfq-detail", args=[market.cluster.slug, rfq.pk])
    for owner in (market.rival_owner, market.supplier_owner):
        signed_in(owner).post(detail, {**quote(quantity=1500), "lot_size": "1", "note": ""})
    awards = {f"award-{q.pk}": "1500" for q in Offer.objects.all()}
    page = buyer.post(detail, awards, follow=True, **EN)
    assert b"more than the 2000 the order still needs" in page.content
    assert not Deal.objects.exists() and RequestForQuotation.objects.get().status == "open"
