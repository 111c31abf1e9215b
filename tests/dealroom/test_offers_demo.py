"""The demo markets show a negotiation under way and a request for quotation with its drawing."""

import pytest
from django.core.management import call_command

from apps.dealroom.models import Document, Offer, RequestForQuotation, RfqInvitation

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_offer_and_an_rfq_and_loading_twice_adds_nothing():
    call_command("load_demo")
    assert Offer.objects.filter(status="open", match__negotiating_since__isnull=False).exists()
    assert RequestForQuotation.objects.filter(status="open").exists()
    assert RfqInvitation.objects.exists()
    # the request carries the buyer's drawing, and the deals their inspection reports all the same
    assert Document.objects.filter(rfq__isnull=False, invitation__isnull=True, kind="drawing").exists()
    assert Document.objects.filter(deal__isnull=False, kind="inspection_report").exists()
    counts = (Offer.objects.count(), RequestForQuotation.objects.count(), Document.objects.count())
    call_command("load_demo")
    assert (Offer.objects.count(), RequestForQuotation.objects.count(), Document.objects.count()) == counts
