"""Factories of the deal room's documents and disputes (rows only: no file is stored)."""

import factory

from apps.dealroom.models import Dispute, Document, DocumentKind


class DocumentFactory(factory.django.DjangoModelFactory):
    """An inspection report on ``match`` (required), uploaded by its supply side."""

    class Meta:
        model = Document

    cluster = factory.LazyAttribute(lambda d: d.match.cluster)
    kind = DocumentKind.INSPECTION_REPORT
    name = factory.Sequence(lambda n: f"report-{n}.pdf")
    storage_key = factory.Sequence(lambda n: f"factory/{n}.pdf")
    content_type = "application/pdf"
    size = 1024
    sha256 = "0" * 64
    enterprise = factory.LazyAttribute(lambda d: d.match.supply_owner)


class DisputeFactory(factory.django.DjangoModelFactory):
    """An open dispute on ``deal`` (required), opened by the buyer while it was in production."""

    class Meta:
        model = Dispute

    cluster = factory.LazyAttribute(lambda d: d.deal.cluster)
    side = "buyer"
    reason = "The rolls do not match the approved sample."
    status_before = "in_production"
