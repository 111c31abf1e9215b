"""Factories of governance: seats, rulebook versions, proposals, revisions, signatures,
comments and votes.

They write rows directly and so leave the audit chain out: a council, proposal or vote whose
record a test checks (``tests/governance/test_chain.py``) is made through the services
(``council_bootstrap``, ``proposal_draft``, ``vote_cast``). These are for the scenes around
them: a seat that gives its holder the council role, a rulebook version in force, a page's
list of proposals, a vote behind the services' back.
"""

import datetime

import factory
from django.db.models import Max
from django.utils import timezone

from apps.governance.models import Comment, PetitionSignature, Proposal, ProposalRevision, RuleVersion, Seat, Vote

from . import ClusterFactory, UserFactory
from .membership import EnterpriseFactory, owner_of


class SeatFactory(factory.django.DjangoModelFactory):
    """A current industry-experts seat (its term began 30 days ago and ends in a year)."""

    class Meta:
        model = Seat

    cluster = factory.SubFactory(ClusterFactory)
    chamber = Seat.Chamber.INDUSTRY_EXPERTS
    holder = factory.SubFactory(UserFactory)
    term_start = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    term_end = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=365))


def _next_rule_version(version) -> int:
    highest = RuleVersion._base_manager.filter(cluster=version.cluster).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


class RuleVersionFactory(factory.django.DjangoModelFactory):
    """The cluster's next rulebook version, in force now: the rules in force apply each
    version's ``changes`` in turn (``values`` is the full set it recorded, empty by default)."""

    class Meta:
        model = RuleVersion

    cluster = factory.SubFactory(ClusterFactory)
    number = factory.LazyAttribute(_next_rule_version)
    values = factory.LazyFunction(dict)
    changes = factory.LazyFunction(dict)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft policy proposal."""

    class Meta:
        model = Proposal

    cluster = factory.SubFactory(ClusterFactory)
    kind = Proposal.Kind.POLICY
    title = factory.Sequence(lambda n: f"Proposal {n}")
    body = "Members asked for it."
    author = factory.SubFactory(UserFactory)


class ProposalRevisionFactory(factory.django.DjangoModelFactory):
    """The proposal's text and changes as they stand, kept as its revision ``number``."""

    class Meta:
        model = ProposalRevision

    proposal = factory.SubFactory(ProposalFactory)
    number = factory.LazyAttribute(lambda r: r.proposal.revision)
    title = factory.LazyAttribute(lambda r: r.proposal.title)
    body = factory.LazyAttribute(lambda r: r.proposal.body)
    changes = factory.LazyAttribute(lambda r: r.proposal.changes)
    author = factory.LazyAttribute(lambda r: r.proposal.author)


class PetitionSignatureFactory(factory.django.DjangoModelFactory):
    """An enterprise co-signing a petition, signed by its owner."""

    class Meta:
        model = PetitionSignature

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.PETITION)
    enterprise = factory.SubFactory(EnterpriseFactory)
    signed_by = factory.LazyAttribute(lambda s: owner_of(s.enterprise))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = "Agreed."


class VoteFactory(factory.django.DjangoModelFactory):
    """A yes by the holder of a seat (a new one of the proposal's cluster unless ``seat=``)."""

    class Meta:
        model = Vote

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.VOTING)
    seat = factory.SubFactory(SeatFactory, cluster=factory.SelfAttribute("..proposal.cluster"))
    voter = factory.LazyAttribute(lambda v: v.seat.holder)
    choice = Vote.Choice.YES
