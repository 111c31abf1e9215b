"""Factories of the deal room's conversation."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.dealroom.models import (
    Conversation,
    Dispute,
    Document,
    DocumentKind,
    Message,
    Offer,
    RequestForQuotation,
    RfqInvitation,
)
from tests.factories.membership import owner_of

from .marketplace import MatchFactory


class ConversationFactory(factory.django.DjangoModelFactory):
    """The conversation of a new proposed match (or the ``match`` given), in its cluster."""

    class Meta:
        model = Conversation

    match = factory.SubFactory("tests.factories.marketplace.MatchFactory")
    cluster = factory.LazyAttribute(lambda c: c.match.cluster)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message of the demand side's owner (the ``author`` given, for the ``author_enterprise``)."""

    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    cluster = factory.LazyAttribute(lambda m: m.conversation.cluster)
    author_enterprise = factory.LazyAttribute(lambda m: m.conversation.match.demand_owner)
    author = factory.LazyAttribute(lambda m: owner_of(m.author_enterprise) if m.author_enterprise else None)
    body = factory.Sequence(lambda n: f"Message {n}: can you ship 200 m earlier?")
    language = "en"


class OfferFactory(factory.django.DjangoModelFactory):
    """An open offer by the demand side on a new proposed match (or the ``match`` given)."""

    class Meta:
        model = Offer

    match = factory.SubFactory(MatchFactory)
    cluster = factory.LazyAttribute(lambda o: o.match.cluster if o.match else o.invitation.cluster)
    side = "demand"
    enterprise = factory.LazyAttribute(lambda o: o.match.demand_owner if o.match else o.invitation.supplier)
    quantity = 100
    unit_price = Decimal("9.50")
    delivery_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    lot_size = 1
    payment_terms = "net_30"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class RfqFactory(factory.django.DjangoModelFactory):
    """An open request for quotation of an order (``order`` required), quotes due in a day."""

    class Meta:
        model = RequestForQuotation

    cluster = factory.LazyAttribute(lambda r: r.order.cluster)
    buyer = factory.LazyAttribute(lambda r: r.order.owner)
    quantity = factory.LazyAttribute(lambda r: r.order.quantity - r.order.filled_quantity)
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class RfqInvitationFactory(factory.django.DjangoModelFactory):
    """A supplier invited to an RFQ through a capacity offer (``rfq`` and ``capacity`` required)."""

    class Meta:
        model = RfqInvitation

    cluster = factory.LazyAttribute(lambda i: i.rfq.cluster)
    supplier = factory.LazyAttribute(lambda i: i.capacity.owner)
    score = 0.5


class QuoteFactory(OfferFactory):
    """An open quote answering an invitation (``invitation`` required)."""

    match = None
    side = "supply"


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
