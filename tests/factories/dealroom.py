"""Factories of the deal room's conversation."""

import factory

from apps.dealroom.models import Conversation, Message
from tests.factories.membership import owner_of


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
