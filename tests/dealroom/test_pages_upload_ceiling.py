"""Every page of the deal room that takes a file says "too large" on the file field when the
upload handler stopped reading past the ceiling, and writes nothing: the composer, an offer,
a deal's documents, a request's documents and a quote (``files.upload_cut_short``)."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.dealroom.models import Document, Message, Offer

from .conftest import PDF
from .test_offers_api import proposed  # noqa: F401 -- the imported fixture
from .test_offers_pages import EN, offer_form, signed_in
from .test_rfq_api import quote, scene  # noqa: F401 -- the imported fixture
from .test_rfq_documents_api import rfq  # noqa: F401 -- the imported fixture

pytestmark = pytest.mark.django_db

BIG = PDF + b"0" * 10_000


def post_big(user, url, fields: dict):
    with mock.patch("apps.dealroom.rules.UPLOAD_CEILING_BYTES", 4096):
        return signed_in(user).post(url, {**fields, "file": SimpleUploadedFile("big.pdf", BIG)}, **EN)


def refused_on_the_file(response) -> bool:
    return response.status_code in (200, 400) and "The file is too large." in response.content.decode()


def test_the_composer_and_an_offer_refuse_a_file_past_the_ceiling(market, proposed):  # noqa: F811
    room = reverse("deal-room", args=[market.cluster.slug, proposed.pk])
    offers = reverse("match-offers", args=[market.cluster.slug, proposed.pk])
    assert refused_on_the_file(post_big(market.buyer_owner, room, {"body": "x", "language": "en", "kind": "drawing"}))
    assert refused_on_the_file(post_big(market.buyer_owner, offers, {**offer_form(), "kind": "drawing"}))
    assert not Message.objects.exists() and not Offer.objects.exists() and not Document.objects.exists()


def test_a_deals_documents_refuse_a_file_past_the_ceiling(market, deal):
    url = reverse("deal-documents", args=[market.cluster.slug, deal.pk])
    assert refused_on_the_file(post_big(market.supplier_owner, url, {"kind": "inspection_report"}))
    assert not Document.objects.exists()


def test_a_request_and_a_quote_refuse_a_file_past_the_ceiling(market, rfq):  # noqa: F811
    url = reverse("rfq-detail", args=[market.cluster.slug, rfq])
    assert refused_on_the_file(post_big(market.buyer_owner, url, {"action": "document", "kind": "drawing"}))
    form = {k: str(v) for k, v in quote().items()} | {"lot_size": "1", "note": "", "kind": "certificate"}
    assert refused_on_the_file(post_big(market.supplier_owner, url, form))
    assert not Offer.objects.exists() and not Document.objects.exists()
