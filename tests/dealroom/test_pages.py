"""The deal room's pages: a deal's documents (upload, evidence, signed links), opening a dispute,
the administrators' queue and decision form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.dealroom.models import Dispute, Document
from apps.marketplace.models import Deal

from .conftest import PDF

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
