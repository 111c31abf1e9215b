"""Milestone evidence: where the rulebook asks for it, deal_advance refuses the milestone until a
document of the required kind is in the deal's room for it (400 naming ``documents``)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.dealroom.models import Document
from apps.marketplace.models import Deal
from tests.factories.governance import RuleVersionFactory

from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db

EVIDENCE = {"dealroom.evidence.quality_checked": "inspection_report", "dealroom.evidence.shipped": "shipping_document"}


def advance(client, market, deal, status, **extra):
    return client.post(market.url(f"deals/{deal.pk}/advance/"), {"status": status, **extra}, format="json")


def upload(client, market, deal, data, name, kind, **extra):
    response = client.post(
        market.url(f"deals/{deal.pk}/documents/"),
        {"file": SimpleUploadedFile(name, data), "kind": kind, **extra},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_milestone_needs_the_evidence_the_rulebook_asks_for(as_user, market, deal):
    RuleVersionFactory(cluster=market.cluster, changes=EVIDENCE)
    supplier = as_user(market.supplier_owner)
    assert advance(supplier, market, deal, "in_production").status_code == 200  # no evidence asked
    refused = advance(supplier, market, deal, "quality_checked")
    assert refused.status_code == 400
    assert (refused.json()["code"], list(refused.json()["errors"])) == ("evidence_required", ["documents"])
    photo = upload(supplier, market, deal, PNG, "roll.png", "photo")
    assert advance(supplier, market, deal, "quality_checked", documents=[photo]).status_code == 400  # wrong kind
    assert Deal.objects.get(pk=deal.pk).status == "in_production"
    assert Document.objects.get(pk=photo).milestone == ""  # the refused step left nothing behind
    report = upload(supplier, market, deal, PDF, "inspection.pdf", "inspection_report")
    response = advance(supplier, market, deal, "quality_checked", documents=[report])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "quality_checked"
    assert Document.objects.get(pk=report).milestone == "quality_checked"
    # uploaded as the milestone's evidence directly: no ids needed
    upload(supplier, market, deal, PDF, "waybill.pdf", "shipping_document", milestone="shipped")
    assert advance(supplier, market, deal, "shipped").json()["status"] == "shipped"


def test_documents_given_must_be_of_this_deal(as_user, market, deal):
    supplier = as_user(market.supplier_owner)
    advance(supplier, market, deal, "in_production")
    response = advance(supplier, market, deal, "quality_checked", documents=[999999])
    assert response.status_code == 400 and list(response.json()["errors"]) == ["documents"]
    response = advance(supplier, market, deal, "quality_checked", documents=["x"])
    assert response.status_code == 400 and list(response.json()["errors"]) == ["documents.0"]
    assert Deal.objects.get(pk=deal.pk).status == "in_production"


def test_without_the_rule_no_evidence_is_needed(as_user, market, deal):
    supplier = as_user(market.supplier_owner)
    for status in ("in_production", "quality_checked", "shipped"):
        assert advance(supplier, market, deal, status).status_code == 200
