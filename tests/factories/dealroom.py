"""Factories of the deal room's conversation."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.dealroom.models import Conversation, Message, Offer, RequestForQuotation, RfqInvitation
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
