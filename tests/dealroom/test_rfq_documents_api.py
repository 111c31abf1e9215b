"""Documents of a request for quotation: the buyer's drawing reaches every invited supplier; a
supplier's quote carries its certificate to the buyer alone; an award moves the winner's documents
into the deal's room. The same checks as any upload (content, rulebook size, one write), and
nobody else — a supplier not invited, another invited supplier, a member of another cluster —
gets anything for a document's id or link."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.dealroom import storage as document_storage
from apps.dealroom.models import Document, Offer
from apps.marketplace.models import Deal
from tests.factories.governance import RuleVersionFactory

from .conftest import PDF, PNG
from .test_documents_api import stored_names
from .test_rfq_api import in_hours, quote, scene  # noqa: F401 -- the imported fixture

pytestmark = pytest.mark.django_db


def multipart(client, url, fields: dict, data: bytes = PDF, name: str = "cert.pdf", kind: str = "certificate"):
    return client.post(url, {**fields, "kind": kind, "file": SimpleUploadedFile(name, data)}, format="multipart")


@pytest.fixture
def rfq(as_user, market, scene):  # noqa: F811
    """A request to the supplier and the rival (the third weaver is a member, not invited)."""
    response = as_user(market.buyer_owner).post(
        market.url("rfqs/"),
        {"order": scene["order"], "suppliers": [market.supplier.pk, market.rival.pk], "deadline": in_hours(48)},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def download(user, document_id: int, cluster_slug: str):
    browser = Client()
    browser.force_login(user)
    return browser.get(f"/clusters/{cluster_slug}/documents/{document_id}/open/")


def test_the_buyers_drawing_reaches_every_invited_supplier_and_a_quote_carries_its_certificate(as_user, market, rfq):
    buyer, supplier, rival = (as_user(u) for u in (market.buyer_owner, market.supplier_owner, market.rival_owner))
    documents = market.url(f"rfqs/{rfq}/documents/")
    drawing = multipart(buyer, documents, {}, PDF, "shirting.pdf", "drawing")
    assert drawing.status_code == 201, drawing.content
    drawing = drawing.json()
    assert (drawing["rfq"], drawing["invitation"], drawing["match"], drawing["enterprise"]) == (
        rfq,
        None,
        None,
        market.buyer.pk,
    )
    # the supplier quotes with its certificate: one write
    sent = multipart(supplier, market.url(f"rfqs/{rfq}/quotes/with-document/"), quote())
    assert sent.status_code == 201, sent.content
    body = sent.json()
    [attachment] = body["attachments"]
    certificate = Document.objects.get(pk=attachment["id"])
    assert (certificate.offer_id, certificate.rfq_id, certificate.enterprise_id) == (
        body["id"],
        rfq,
        market.supplier.pk,
    )
    assert certificate.invitation.supplier_id == market.supplier.pk
    # the rival adds a photo to its invitation before quoting
    photo = multipart(rival, documents, {}, PNG, "loom.png", "photo")
    assert photo.status_code == 201, photo.content
    photo = photo.json()
    # the buyer sees all three; each supplier the buyer's drawing and its own, never the other's
    assert {d["id"] for d in buyer.get(documents).json()["results"]} == {drawing["id"], certificate.pk, photo["id"]}
    assert {d["id"] for d in supplier.get(documents).json()["results"]} == {drawing["id"], certificate.pk}
    assert {d["id"] for d in rival.get(documents).json()["results"]} == {drawing["id"], photo["id"]}
    assert rival.get(market.url(f"documents/{certificate.pk}/")).status_code == 404
    assert rival.get(market.url(f"documents/{certificate.pk}/link/")).status_code == 404
    assert download(market.rival_owner, certificate.pk, market.cluster.slug).status_code == 404
    # the buyer's comparison shows the quote's attachment, and the buyer opens it
    [compared] = buyer.get(market.url(f"rfqs/{rfq}/quotes/")).json()
    assert [a["id"] for a in compared["attachments"]] == [certificate.pk]
    opened = download(market.buyer_owner, certificate.pk, market.cluster.slug)
    assert opened.status_code == 302
    browser = Client()
    browser.force_login(market.buyer_owner)
    assert b"".join(browser.get(opened["Location"]).streaming_content) == PDF
    # a supplier not invited, and a member of another cluster, get nothing at all
    for user in (market.third_owner, market.foreign_owner):
        client = as_user(user)
        assert client.get(documents).status_code in (403, 404)
        assert multipart(client, documents, {}).status_code in (403, 404)
        for document_id in (drawing["id"], certificate.pk, photo["id"]):
            assert client.get(market.url(f"documents/{document_id}/")).status_code == 404
            assert download(user, document_id, market.cluster.slug).status_code == 404
    assert Document.objects.count() == 3


def test_a_revised_quote_carries_its_own_document_and_the_award_moves_it_into_the_deal(as_user, market, rfq):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    first = multipart(supplier, market.url(f"rfqs/{rfq}/quotes/with-document/"), quote(quantity=2000))
    assert first.status_code == 201, first.content
    revised = multipart(
        supplier,
        market.url(f"rfqs/{rfq}/quotes/revise-with-document/"),
        quote(quantity=2000, unit_price="16.90"),
        PDF,
        "spec-v2.pdf",
        "specification",
    )
    assert revised.status_code == 201, revised.content
    revised = revised.json()
    assert [a["name"] for a in revised["attachments"]] == ["spec-v2.pdf"]
    assert Offer.objects.get(pk=first.json()["id"]).attachments.get().name == "cert.pdf"  # kept on the history
    awarded = buyer.post(market.url(f"rfqs/{rfq}/award/"), {"awards": [{"quote": revised["id"]}]}, format="json")
    assert awarded.status_code == 200, awarded.content
    deal = Deal.objects.get()
    # both of the supplier's documents are now in the deal's room, for both sides
    for client in (buyer, supplier):
        listed = client.get(market.url(f"deals/{deal.pk}/documents/")).json()["results"]
        assert {d["name"] for d in listed} == {"cert.pdf", "spec-v2.pdf"}
    # an awarded request takes no more documents
    late = multipart(supplier, market.url(f"rfqs/{rfq}/documents/"), {})
    assert late.status_code == 409 and "rfq" in late.json()["errors"]
    assert Document.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "kind", "field"),
    [
        (b"not a certificate at all", "cert.pdf", "certificate", "file"),  # content, not name
        (PDF, "cert.png", "certificate", "file"),  # the name disagrees with the content
        (PDF, "cert.pdf", "passport", "kind"),
    ],
)
def test_a_refused_file_leaves_no_quote(as_user, market, rfq, data, name, kind, field):
    url = market.url(f"rfqs/{rfq}/quotes/with-document/")
    response = multipart(as_user(market.supplier_owner), url, quote(), data, name, kind)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Offer.objects.exists() and not Document.objects.exists() and stored_names() == []


def test_bad_terms_with_a_good_file_leave_nothing(as_user, market, rfq):
    url = market.url(f"rfqs/{rfq}/quotes/with-document/")
    response = multipart(as_user(market.supplier_owner), url, quote(unit_price="-1"))
    assert response.status_code == 400 and "unit_price" in response.json()["errors"]
    assert not Offer.objects.exists() and not Document.objects.exists() and stored_names() == []


def test_a_file_over_the_rulebook_limit_is_refused_before_it_is_stored(as_user, market, rfq):
    RuleVersionFactory(cluster=market.cluster, changes={"dealroom.max_document_mb": 1})
    big = PDF + b"0" * (1024 * 1024)
    with mock.patch.object(document_storage, "store", wraps=document_storage.store) as store:
        quoted = multipart(
            as_user(market.supplier_owner), market.url(f"rfqs/{rfq}/quotes/with-document/"), quote(), big
        )
        added = multipart(as_user(market.buyer_owner), market.url(f"rfqs/{rfq}/documents/"), {}, big)
    for response in (quoted, added):
        assert response.status_code == 400
        assert (response.json()["code"], list(response.json()["errors"])) == ("too_large", ["file"])
    store.assert_not_called()
    assert not Offer.objects.exists() and not Document.objects.exists()


def test_a_store_that_fails_leaves_no_quote(as_user, market, rfq):
    with mock.patch.object(document_storage, "store", side_effect=OSError("bucket away")):
        response = multipart(as_user(market.supplier_owner), market.url(f"rfqs/{rfq}/quotes/with-document/"), quote())
    assert response.status_code == 503
    assert not Offer.objects.exists() and not Document.objects.exists()


def test_a_document_must_be_in_a_room(market):
    """The database refuses a document that belongs to no match and no request for quotation."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            cluster=market.cluster,
            kind="drawing",
            name="x.pdf",
            storage_key="orphan",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            enterprise=market.buyer,
        )


def test_on_the_rfq_page_the_buyer_adds_a_drawing_and_a_supplier_quotes_with_its_certificate(as_user, market, rfq):
    from django.urls import reverse

    from .test_offers_pages import EN, signed_in

    url = reverse("rfq-detail", args=[market.cluster.slug, rfq])
    buyer, supplier, rival = (signed_in(u) for u in (market.buyer_owner, market.supplier_owner, market.rival_owner))
    page = buyer.get(url, **EN).content.decode()
    assert 'data-testid="rfq-document-form"' in page and "No documents yet." in page
    # a file that is not what it says: refused beside the field, nothing stored
    bad = buyer.post(url, {"action": "document", "kind": "drawing", "file": SimpleUploadedFile("d.pdf", b"text")}, **EN)
    assert bad.status_code == 200 and "field-invalid" in bad.content.decode()
    assert not Document.objects.exists()
    added = buyer.post(url, {"action": "document", "kind": "drawing", "file": SimpleUploadedFile("d.pdf", PDF)}, **EN)
    assert added.status_code == 302
    drawing = Document.objects.get()
    # the supplier sees the drawing and quotes with its certificate, in one form
    form = {k: str(v) for k, v in quote().items()} | {"lot_size": "1", "note": ""}
    page = supplier.get(url, **EN).content.decode()
    assert f'data-testid="rfq-document-{drawing.pk}"' in page and 'enctype="multipart/form-data"' in page
    quoted = supplier.post(url, {**form, "kind": "certificate", "file": SimpleUploadedFile("c.pdf", PDF)}, **EN)
    assert quoted.status_code == 302
    certificate = Document.objects.exclude(pk=drawing.pk).get()
    assert certificate.offer == Offer.objects.get()
    # the buyer sees it beside the quote, in both languages; the other supplier does not
    for language in (EN, {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}):
        compared = buyer.get(url, **language).content.decode()
        assert f'data-testid="attachment-{certificate.pk}"' in compared
        assert f'data-testid="rfq-document-{certificate.pk}"' in compared
    other = rival.get(url, **EN).content.decode()
    assert f"rfq-document-{drawing.pk}" in other and f"attachment-{certificate.pk}" not in other
    assert rival.get(reverse("document-open", args=[market.cluster.slug, certificate.pk])).status_code == 404


def test_after_the_deadline_a_supplier_adds_no_document_and_the_buyer_still_does(as_user, market, rfq):
    """A supplier's documents go with its quoting, so they stop at the deadline; the buyer's go
    with the request, so they go on while it is open."""
    import datetime

    from django.utils import timezone

    from apps.dealroom.models import RequestForQuotation

    RequestForQuotation.objects.filter(pk=rfq).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    url = market.url(f"rfqs/{rfq}/documents/")
    late = multipart(as_user(market.supplier_owner), url, {})
    assert late.status_code == 409 and "deadline" in late.json()["errors"]
    assert multipart(as_user(market.buyer_owner), url, {}, PDF, "drawing.pdf", "drawing").status_code == 201
    assert list(Document.objects.values_list("enterprise_id", flat=True)) == [market.buyer.pk]
