"""Documents sent with a message or an offer: the same checks as any upload of the room, one write
(a file refused leaves no message or offer), seen in the thread and on the offer, only by the parties."""

import hashlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.dealroom import storage as document_storage
from apps.dealroom.models import Document, Message, Offer
from tests.factories.governance import RuleVersionFactory
from tests.queries import cold_queries

from .conftest import PDF, PNG, xlsx
from .test_documents_api import stored_names
from .test_offers_api import proposed, terms  # noqa: F401 -- the imported fixture

pytestmark = pytest.mark.django_db


def with_document(client, url, fields: dict, data: bytes = PDF, name: str = "drawing.pdf", kind: str = "drawing"):
    body = {**fields, "kind": kind, "file": SimpleUploadedFile(name, data)}
    return client.post(url, body, format="multipart")


def test_a_message_with_a_drawing_is_one_write_and_shows_in_the_thread(as_user, market, proposed):  # noqa: F811
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    messages = market.url(f"matches/{proposed.pk}/messages/")
    sent = with_document(buyer, f"{messages}with-document/", {"body": "Here is the drawing", "language": "en"})
    assert sent.status_code == 201, sent.content
    body = sent.json()
    [attachment] = body["attachments"]
    document = Document.objects.get(pk=attachment["id"])
    assert (document.message_id, document.match_id, document.enterprise_id) == (
        body["id"],
        proposed.pk,
        market.buyer.pk,
    )
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest() == document.sha256
    assert stored_names() == [document.storage_key]
    # the other side reads it in the thread, and in the room's documents
    thread = supplier.get(messages).json()["results"]
    assert [m["attachments"][0]["id"] for m in thread] == [document.pk]
    listed = supplier.get(market.url(f"matches/{proposed.pk}/documents/")).json()["results"]
    assert [row["id"] for row in listed] == [document.pk]
    # a member who is no party, and anyone of another cluster, get nothing
    for user in (market.rival_owner, market.foreign_owner):
        assert as_user(user).get(market.url(f"documents/{document.pk}/")).status_code == 404
        assert with_document(as_user(user), f"{messages}with-document/", {"body": "x"}).status_code in (403, 404)
    browser = Client()
    browser.force_login(market.rival_owner)
    assert browser.get(f"/clusters/{market.cluster.slug}/documents/{document.pk}/open/").status_code == 404
    # the party's browser opens it through a link signed on the spot
    browser.force_login(market.supplier_owner)
    opened = browser.get(f"/clusters/{market.cluster.slug}/documents/{document.pk}/open/")
    assert opened.status_code == 302
    assert b"".join(browser.get(opened["Location"]).streaming_content) == PDF


@pytest.mark.parametrize(
    ("data", "name", "kind", "field"),
    [
        (b"not a drawing at all", "drawing.pdf", "drawing", "file"),  # content, not name
        (PDF, "drawing.png", "drawing", "file"),  # the name disagrees with the content
        (PDF, "drawing.pdf", "passport", "kind"),
    ],
)
def test_a_refused_file_leaves_no_message(as_user, market, proposed, data, name, kind, field):  # noqa: F811
    url = market.url(f"matches/{proposed.pk}/messages/with-document/")
    response = with_document(as_user(market.buyer_owner), url, {"body": "See attached"}, data, name, kind)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Message.objects.exists() and not Document.objects.exists() and stored_names() == []


def test_a_file_over_the_rulebook_limit_is_refused_before_it_is_stored(as_user, market, proposed):  # noqa: F811
    RuleVersionFactory(cluster=market.cluster, changes={"dealroom.max_document_mb": 1})
    url = market.url(f"matches/{proposed.pk}/offers/with-document/")
    big = PDF + b"0" * (1024 * 1024)
    with mock.patch.object(document_storage, "store", wraps=document_storage.store) as store:
        response = with_document(as_user(market.buyer_owner), url, terms(), big, "spec.pdf", "specification")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["errors"])) == ("too_large", ["file"])
    store.assert_not_called()
    assert not Offer.objects.exists() and not Document.objects.exists()


def test_a_store_that_fails_leaves_no_message_and_no_offer(as_user, market, proposed):  # noqa: F811
    buyer = as_user(market.buyer_owner)
    with mock.patch.object(document_storage, "store", side_effect=OSError("bucket away")):
        message = with_document(buyer, market.url(f"matches/{proposed.pk}/messages/with-document/"), {"body": "x"})
        offer = with_document(buyer, market.url(f"matches/{proposed.pk}/offers/with-document/"), terms())
    assert (message.status_code, offer.status_code) == (503, 503)
    assert not Message.objects.exists() and not Offer.objects.exists() and not Document.objects.exists()


def test_an_offer_and_a_counter_carry_their_documents(as_user, market, proposed):  # noqa: F811
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    offers = market.url(f"matches/{proposed.pk}/offers/")
    made = with_document(buyer, f"{offers}with-document/", terms(), xlsx(), "spec.xlsx", "specification")
    assert made.status_code == 201, made.content
    offer = made.json()
    assert [a["name"] for a in offer["attachments"]] == ["spec.xlsx"]
    # a bad counter writes nothing: the offer stays open
    bad = with_document(supplier, f"{offers}{offer['id']}/counter-with-document/", terms(unit_price="0"))
    assert bad.status_code == 400 and "unit_price" in bad.json()["errors"]
    assert Offer.objects.get(pk=offer["id"]).status == "open" and Document.objects.count() == 1
    countered = with_document(
        supplier,
        f"{offers}{offer['id']}/counter-with-document/",
        terms(unit_price="17.40"),
        PDF,
        "cert.pdf",
        "certificate",
    )
    assert countered.status_code == 201, countered.content
    counter = countered.json()
    assert (counter["answers"], counter["attachments"][0]["kind"]) == (offer["id"], "certificate")
    assert Document.objects.get(offer_id=counter["id"]).enterprise_id == market.supplier.pk
    # the history shows each offer's documents; JSON stays JSON and multipart stays multipart
    history = buyer.get(offers).json()["results"]
    assert [[a["name"] for a in o["attachments"]] for o in history] == [["cert.pdf"], ["spec.xlsx"]]
    assert buyer.post(f"{offers}with-document/", terms(), format="json").status_code == 415
    missing = buyer.post(f"{offers}with-document/", terms(), format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]


def test_threads_and_offers_with_attachments_list_in_bounded_queries(as_user, market, proposed):  # noqa: F811
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    messages = market.url(f"matches/{proposed.pk}/messages/")
    with_document(buyer, f"{messages}with-document/", {"body": "one"})
    with cold_queries() as few:
        assert len(supplier.get(messages).json()["results"]) == 1
    for n in range(4):
        with_document(buyer if n % 2 else supplier, f"{messages}with-document/", {"body": f"more {n}"})
    with cold_queries() as many:
        assert len(supplier.get(messages).json()["results"]) == 5
    assert len(many) == len(few)


def test_in_a_dispute_the_sides_attach_through_the_deal_and_the_administrators_do_not(room):
    deal = room.accepted_with_deal(status="disputed")
    url = room.deal_messages_url(deal) + "with-document/"
    photo = {"body": "The rolls arrived wet", "kind": "photo"}
    admin = with_document(room.api(room.admin), url, photo, PNG, "wet.png", "photo")
    assert admin.status_code == 403
    assert not Message.objects.exists() and not Document.objects.exists()
    sent = with_document(room.api(room.buyer_owner), url, photo, PNG, "wet.png", "photo")
    assert sent.status_code == 201, sent.content
    document = Document.objects.get()
    assert (document.deal_id, document.match_id, document.enterprise_id) == (deal.pk, deal.match_id, room.buyer.pk)
    # the administrators read it while the dispute is open, as every document of a disputed deal
    thread = room.api(room.admin).get(room.deal_messages_url(deal)).json()["results"]
    assert thread[0]["attachments"][0]["name"] == "wet.png"
