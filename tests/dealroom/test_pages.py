"""The deal room's page: the conversation of a match (and its deal), linked from both."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.dealroom.models import Dispute, Document, Message
from apps.marketplace.models import Deal

from .conftest import PDF


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_side_reads_the_conversation_with_each_message_s_language_and_it_is_marked_read(room):
    room.api(room.buyer_owner).post(room.messages_url(), {"body": "Delivery by the 20th?"}, format="json")
    room.api(room.supplier_owner).post(room.messages_url(), {"body": "可以。"}, format="json")
    page = browser(room.supplier_owner).get(room.page_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delivery by the 20th?" in html and "可以。" in html
    assert 'lang="zh-hans"' in html and "English" in html
    assert 'data-stream-url="/clusters/' in html and "js/conversation.js" in html
    assert "<script>" not in html  # the site's CSP: no inline script
    read = room.api(room.supplier_owner).post(room.messages_url() + "read/", {}, format="json").json()
    assert read["unread"] == 0


def test_the_form_posts_without_javascript_and_names_a_bad_body(room):
    client = browser(room.buyer_owner)
    sent = client.post(room.page_url(), {"body": "Sample shipped today.", "language": "en"})
    assert sent.status_code == 302
    message = Message.objects.get()
    assert sent["Location"].endswith(f"#message-{message.pk}") and message.body == "Sample shipped today."
    refused = client.post(room.page_url(), {"body": "  ", "language": "en"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert re.search(r'data-testid="message-error" >\s*This field is required\.', html), html[-3000:]
    assert Message.objects.count() == 1


@pytest.mark.parametrize("who", ["bystander", "foreign_member", "admin"])
def test_the_page_is_a_404_to_anyone_no_party_to_the_match(room, who):
    client = browser(getattr(room, who))
    assert client.get(room.page_url()).status_code == 404
    assert client.post(room.page_url(), {"body": "x", "language": "en"}).status_code == 404
    assert not Message.objects.exists()


def test_the_administrators_open_it_during_a_dispute(room):
    deal = room.accepted_with_deal(status="disputed")
    page = browser(room.admin).get(room.page_url(deal.match))
    assert page.status_code == 200 and 'data-testid="admins-present"' in page.content.decode()


def test_the_match_and_deal_pages_link_to_the_room(room):
    deal = room.accepted_with_deal()
    client = browser(room.buyer_owner)
    matches = client.get(f"/clusters/{room.cluster.slug}/matches/?status=all").content.decode()
    assert re.search(rf'href="/clusters/{room.cluster.slug}/matches/{room.match.pk}/room/"', matches)
    deal_page = client.get(f"/clusters/{room.cluster.slug}/deals/{deal.pk}/").content.decode()
    assert f'href="/clusters/{room.cluster.slug}/matches/{deal.match_id}/room/"' in deal_page


def test_the_page_fits_a_phone(room):
    html = browser(room.buyer_owner).get(room.page_url()).content.decode()
    assert 'name="viewport"' in html and 'class="chat-form"' in html


pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(market, path: str) -> str:
    return f"/clusters/{market.cluster.slug}/{path}"


def test_a_side_uploads_and_reads_the_deals_documents(market, deal):
    supplier = signed_in(market.supplier_owner)
    assert 'data-testid="deal-documents-link"' in supplier.get(page(market, f"deals/{deal.pk}/")).content.decode()
    url = page(market, f"deals/{deal.pk}/documents/")
    response = supplier.get(url)
    assert response.status_code == 200 and 'data-testid="no-documents"' in response.content.decode()
    refused = supplier.post(url, {"kind": "inspection_report", "file": SimpleUploadedFile("r.pdf", b"not a pdf")})
    assert refused.status_code == 200 and "field-invalid" in refused.content.decode()
    assert not Document.objects.exists()
    response = supplier.post(url, {"kind": "inspection_report", "file": SimpleUploadedFile("report.pdf", PDF)})
    assert response.status_code == 302
    document = Document.objects.get()
    listing = signed_in(market.buyer_owner).get(url).content.decode()
    assert "report.pdf" in listing
    link = listing.split(f'data-testid="document-{document.pk}"')[1].split('href="')[1].split('"')[0]
    assert b"".join(signed_in(market.buyer_owner).get(link).streaming_content) == PDF
    assert signed_in(market.supplier_owner).get(link).status_code == 404  # signed for the buyer
    for outsider in (market.rival_owner, market.admin):  # not a party; no dispute open
        assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(market.foreign_owner).get(url).status_code in (403, 404)


def test_a_dispute_from_the_page_to_the_administrators_decision(market, deal, as_user):
    as_user(market.supplier_owner).post(
        f"/api/v1/clusters/{market.cluster.slug}/deals/{deal.pk}/advance/", {"status": "in_production"}, format="json"
    )
    buyer = signed_in(market.buyer_owner)
    short = buyer.post(page(market, f"deals/{deal.pk}/dispute/"), {"reason": "bad"})
    assert short.status_code == 200 and not Dispute.objects.exists()
    response = buyer.post(page(market, f"deals/{deal.pk}/dispute/"), {"reason": "The rolls are the wrong colour."})
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert Deal.objects.get().status == "disputed"
    admin = signed_in(market.admin)
    queue = admin.get(page(market, "disputes/"))
    assert queue.status_code == 200 and f'data-testid="dispute-{dispute.pk}"' in queue.content.decode()
    assert 'data-testid="no-disputes"' in admin.get(page(market, "disputes/?status=decided")).content.decode()
    assert signed_in(market.buyer_owner).get(page(market, "disputes/")).status_code == 403
    assert admin.get(page(market, f"deals/{deal.pk}/documents/")).status_code == 200  # while it is open
    detail = page(market, f"disputes/{dispute.pk}/")
    refused = admin.post(detail, {"outcome": "partial", "against": "supplier", "reason": "Three rolls are short."})
    assert refused.status_code == 200 and "field-invalid" in refused.content.decode()
    assert Dispute.objects.get().status == "open"
    response = admin.post(detail, {"outcome": "resume", "against": "supplier", "reason": "The supplier re-dyes them."})
    assert response.status_code == 302
    assert (Dispute.objects.get().status, Deal.objects.get().status) == ("decided", "in_production")
    assert 'data-testid="dispute-outcome"' in admin.get(detail).content.decode()
