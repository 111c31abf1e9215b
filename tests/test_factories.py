"""Every factory of tests/factories/ makes a row its model's validation accepts, with its related rows in
one cluster (a match's sides, a deal's match, a vote's seat)."""

import pytest

from tests.factories import (
    ClusterFactory,
    ClusterRoleFactory,
    StaffFactory,
    UserFactory,
    membership,
    monitoring,
    notifications,
)
from tests.factories import governance as gov
from tests.factories import marketplace as market

pytestmark = pytest.mark.django_db

FACTORIES = [
    UserFactory,
    StaffFactory,
    ClusterFactory,
    ClusterRoleFactory,
    membership.EnterpriseFactory,
    membership.PersonFactory,
    membership.CertificationFactory,
    membership.InvitationFactory,
    membership.MembershipFactory,
    membership.ReportFactory,
    market.OrderFactory,
    market.CapacityOfferFactory,
    market.ChannelOfferFactory,
    market.ChannelRequestFactory,
    market.MatchingRunFactory,
    market.MatchFactory,
    market.ChannelMatchFactory,
    market.DealFactory,
    market.DealEventFactory,
    market.RatingFactory,
    market.ReputationFactory,
    gov.SeatFactory,
    gov.RuleVersionFactory,
    gov.ProposalFactory,
    gov.ProposalRevisionFactory,
    gov.PetitionSignatureFactory,
    gov.CommentFactory,
    gov.VoteFactory,
    monitoring.AlertFactory,
    monitoring.KpiSnapshotFactory,
    notifications.NotificationFactory,
    notifications.NotificationPreferenceFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_valid_row(factory):
    row = factory()
    # choices, validators, lengths and constraints; not blankness, which the models leave to
    # the services (an order's ``created_by``, a match's empty ``breakdown``)
    empty = [field.name for field in row._meta.fields if field.value_from_object(row) in (None, "", [], {})]
    row.full_clean(exclude=empty)
    assert type(row).objects.filter(pk=row.pk).exists()


def test_related_rows_are_made_in_one_cluster():
    match = market.MatchFactory()
    assert match.cluster == match.order.cluster == match.capacity.cluster
    assert (match.demand_owner, match.supply_owner) == (match.order.owner, match.capacity.owner)
    channel = market.ChannelMatchFactory()
    assert channel.cluster == channel.channel_request.cluster == channel.channel_offer.cluster
    deal = market.DealFactory()
    assert deal.cluster == deal.match.cluster and deal.match.status == "accepted"
    assert (deal.buyer, deal.supplier) == (deal.match.demand_owner, deal.match.supply_owner)
    vote = gov.VoteFactory()
    assert vote.seat.cluster == vote.proposal.cluster and vote.voter == vote.seat.holder


def test_rulebook_versions_are_numbered_in_turn_and_listings_take_a_capability_object():
    from apps.reference.models import Capability

    cluster = ClusterFactory()
    assert [gov.RuleVersionFactory(cluster=cluster).number for _ in range(3)] == [1, 2, 3]
    assert gov.RuleVersionFactory().number == 1
    knitting = Capability.objects.get(pk="knitting")
    assert market.OrderFactory(capability=knitting).capability_id == "knitting"
    assert market.OrderFactory(required_certifications=["iso9001"]).required_certifications.get().pk == "iso9001"
