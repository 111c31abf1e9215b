"""The pages of the new deal-room actions: a document in the composer and on the offer form, the
offer withdrawn, a quote revised, a request cancelled (English and Chinese)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.dealroom.models import Document, Message, Offer, RequestForQuotation
from apps.notifications.models import Notification

from .conftest import PDF
from .test_offers_api import proposed  # noqa: F401 -- the imported fixture
from .test_offers_pages import EN, offer_form, signed_in
from .test_rfq_api import in_hours, quote, scene  # noqa: F401

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_composer_sends_a_message_with_its_document_or_nothing(market, proposed):  # noqa: F811
    url = reverse("deal-room", args=[market.cluster.slug, proposed.pk])
    buyer, supplier = signed_in(market.buyer_owner), signed_in(market.supplier_owner)
    page = buyer.get(url, **EN).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page and "Attach a document" in page
    # a file whose content is no drawing: the page says so beside the field, no message written
    bad = buyer.post(
        url, {"body": "The drawing", "language": "en", "kind": "drawing", "file": SimpleUploadedFile("d.pdf", b"text")}
    )
    assert bad.status_code == 400 and 'data-testid="attachment-error"' in bad.content.decode()
    assert not Message.objects.exists() and not Document.objects.exists()
    # a file without its kind is named too
    unnamed = buyer.post(url, {"body": "x", "language": "en", "file": SimpleUploadedFile("d.pdf", PDF)})
    assert unnamed.status_code == 400 and not Message.objects.exists()
    sent = buyer.post(
        url, {"body": "The drawing", "language": "en", "kind": "drawing", "file": SimpleUploadedFile("d.pdf", PDF)}
    )
    assert sent.status_code == 302
    document = Document.objects.get()
    assert document.message == Message.objects.get()
    for language in (EN, ZH):
        thread = supplier.get(url, **language)
        assert thread.status_code == 200
        assert f'data-testid="attachment-{document.pk}"' in thread.content.decode()
    opened = supplier.get(reverse("document-open", args=[market.cluster.slug, document.pk]))
    assert opened.status_code == 302 and "/download/" in opened["Location"]


def test_an_offer_with_its_document_then_withdrawn_on_the_offers_page(market, proposed):  # noqa: F811
    url = reverse("match-offers", args=[market.cluster.slug, proposed.pk])
    buyer, supplier = signed_in(market.buyer_owner), signed_in(market.supplier_owner)
    assert 'enctype="multipart/form-data"' in buyer.get(url, **EN).content.decode()
    made = buyer.post(url, {**offer_form(), "kind": "specification", "file": SimpleUploadedFile("s.pdf", PDF)}, **EN)
    assert made.status_code == 302
    offer = Offer.objects.get()
    document = Document.objects.get(offer=offer)
    assert f'data-testid="attachment-{document.pk}"' in supplier.get(url, **EN).content.decode()
    # the other side has no withdraw button; the author has, in both languages
    assert 'data-testid="offer-withdraw"' not in supplier.get(url, **EN).content.decode()
    assert 'data-testid="offer-withdraw"' in buyer.get(url, **ZH).content.decode()
    assert supplier.post(url, {"action": "withdraw", "offer": offer.pk}, **EN).status_code == 403
    done = buyer.post(url, {"action": "withdraw", "offer": offer.pk}, follow=True, **EN)
    assert b"You withdrew your offer" in done.content and b"Withdrawn" in done.content
    assert Offer.objects.get().status == "withdrawn"
    assert Notification.objects.filter(user=market.supplier_owner, kind="dealroom.offer_withdrawn").exists()


def test_a_quote_revised_and_the_request_cancelled_on_the_rfq_page(as_user, market, scene):  # noqa: F811
    body = {"order": scene["order"], "suppliers": [market.rival.pk], "deadline": in_hours(24)}
    rfq = as_user(market.buyer_owner).post(market.url("rfqs/"), body, format="json").json()["id"]
    url = reverse("rfq-detail", args=[market.cluster.slug, rfq])
    rival, buyer = signed_in(market.rival_owner), signed_in(market.buyer_owner)
    quoted = {k: str(v) for k, v in quote().items()} | {"lot_size": "1", "note": ""}
    assert rival.post(url, quoted, **EN).status_code == 302
    page = rival.get(url, **EN).content.decode()
    assert 'data-testid="quote-revise"' in page
    bad = rival.post(url, {**quoted, "action": "revise", "unit_price": "0"}, **EN)
    assert bad.status_code == 200 and Offer.objects.count() == 1
    assert rival.post(url, {**quoted, "action": "revise", "unit_price": "16.10"}, **EN).status_code == 302
    assert sorted(Offer.objects.values_list("status", flat=True)) == ["open", "superseded"]
    compared = buyer.get(url, **ZH).content.decode()
    latest = Offer.objects.get(status="open")
    assert f'data-testid="quote-{latest.pk}"' in compared and f'data-testid="quote-revisions-{latest.pk}"' in compared
    assert 'data-testid="rfq-cancel"' in compared
    assert rival.post(url, {"action": "cancel"}, **EN).status_code in (200, 302)  # a supplier's post is a quote
    assert RequestForQuotation.objects.get(pk=rfq).status == "open"
    cancelled = buyer.post(url, {"action": "cancel", "reason": "Dropped by the client"}, follow=True, **EN)
    assert b"The request is cancelled" in cancelled.content and b'data-testid="rfq-cancelled"' in cancelled.content
    assert RequestForQuotation.objects.get(pk=rfq).status == "cancelled"
    assert Offer.objects.get(pk=latest.pk).status == "closed"
    assert 'data-testid="rfq-cancel"' not in buyer.get(url, **EN).content.decode()
