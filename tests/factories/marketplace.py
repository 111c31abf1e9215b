"""Factories of the marketplace: listings, matching runs, matches, deals and their events,
ratings, reputations.

They write rows directly, the way a test sets a scene; the services (publishing, matching,
accepting) are tested through their own calls. Fields a model defaults stay at the model's
default (a listing's ``published_at`` is None, an order's ``min_lot`` 1), except a listing's
``status``, which is ``open``: a scene is usually a market. Pass objects for the related rows
(``owner=enterprise``), not ids, so no other row is made for them. The owner of a listing
should be a member of its cluster (``MembershipFactory``) where the test reads it back through
the API or the pages.

``MatchFactory`` proposes a production match between a new order and a new capacity offer of
one cluster (``ChannelMatchFactory`` a channel one); ``DealFactory`` is a confirmed deal on an
accepted match, with the match's cluster, sides, quantity and kind.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.marketplace.models import (
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Deal,
    DealEvent,
    ListingStatus,
    Match,
    MatchingRun,
    MatchKind,
    Order,
    Rating,
    Reputation,
)

from . import ClusterFactory
from .membership import EnterpriseFactory


def _in_days(days: int):
    return factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=days))


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    cluster = factory.SubFactory(ClusterFactory)
    owner = factory.SubFactory(EnterpriseFactory)
    status = ListingStatus.OPEN

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # the capability may be given as an object or as its code (``capability_id="knitting"``)
        if "capability" in kwargs:
            kwargs.pop("capability_id", None)
        return kwargs


class OrderFactory(ListingFactory):
    """2,000 m of woven shirting at 18.50 CNY, needed in 60 days in Hangzhou
    (``required_certifications=["iso9001"]`` to demand certificates)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Order {n}")
    capability_id = "weaving"
    product_category = "woven shirting"
    quantity = 2000
    unit = "m"
    target_unit_price = Decimal("18.50")
    need_by = _in_days(60)
    delivery_region_code = "330100"
    delivery_latitude = Decimal("30.27000")
    delivery_longitude = Decimal("120.15000")

    @factory.post_generation
    def required_certifications(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.required_certifications.set(extracted)


class CapacityOfferFactory(ListingFactory):
    """Looms in Shaoxing for 3,000 m a month from tomorrow for 30 days, at 17.80 CNY; its total
    is one period's quantity unless ``total_quantity`` says otherwise."""

    class Meta:
        model = CapacityOffer

    title = factory.Sequence(lambda n: f"Capacity {n}")
    capability_id = "weaving"
    quantity_per_period = 3000
    unit = "m"
    available_from = _in_days(1)
    available_until = _in_days(30)
    total_quantity = factory.SelfAttribute("quantity_per_period")
    unit_price = Decimal("17.80")
    lead_time_days = 14
    region_code = "330600"
    latitude = Decimal("30.00000")
    longitude = Decimal("120.58000")


class ChannelOfferFactory(ListingFactory):
    """An online store for apparel in Hangzhou, 1,000 units a month at 8 % commission."""

    class Meta:
        model = ChannelOffer

    title = factory.Sequence(lambda n: f"Channel {n}")
    kind = ChannelOffer.Kind.ONLINE_STORE
    markets = factory.LazyFunction(lambda: ["330100"])
    product_categories = factory.LazyFunction(lambda: ["apparel"])
    monthly_volume = 1000
    commission_percent = Decimal("8")
    available_from = factory.LazyFunction(timezone.localdate)


class ChannelRequestFactory(ListingFactory):
    """Apparel seeking 500 units a month of distribution in Hangzhou at 10 % at most, within 5 days."""

    class Meta:
        model = ChannelRequest

    title = factory.Sequence(lambda n: f"Channel request {n}")
    product_category = "apparel"
    markets = factory.LazyFunction(lambda: ["330100"])
    monthly_volume = 500
    max_commission_percent = Decimal("10")
    start_by = _in_days(5)


class MatchingRunFactory(factory.django.DjangoModelFactory):
    """A queued full re-plan."""

    class Meta:
        model = MatchingRun

    cluster = factory.SubFactory(ClusterFactory)
    kind = MatchingRun.Kind.FULL


class MatchFactory(factory.django.DjangoModelFactory):
    """A proposed production match of 500 between a new order and a new capacity offer of one
    cluster (or the ``order`` and ``capacity`` given), expiring in a day. The match is in its
    order's cluster: ``MatchFactory(order__cluster=cluster)`` for a fresh pair in ``cluster``."""

    class Meta:
        model = Match

    order = factory.SubFactory(OrderFactory)
    capacity = factory.SubFactory(CapacityOfferFactory, cluster=factory.SelfAttribute("..order.cluster"))
    cluster = factory.LazyAttribute(lambda m: m.order.cluster)
    kind = MatchKind.PRODUCTION
    demand_owner = factory.LazyAttribute(lambda m: m.order.owner)
    supply_owner = factory.LazyAttribute(lambda m: m.capacity.owner)
    quantity = 500
    score = 0.5
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class ChannelMatchFactory(MatchFactory):
    """A proposed channel match between a new channel request and a new channel offer of one
    cluster (or the ones given), in the request's cluster."""

    order = None
    capacity = None
    channel_request = factory.SubFactory(ChannelRequestFactory)
    channel_offer = factory.SubFactory(ChannelOfferFactory, cluster=factory.SelfAttribute("..channel_request.cluster"))
    cluster = factory.LazyAttribute(lambda m: m.channel_request.cluster)
    kind = MatchKind.CHANNEL
    demand_owner = factory.LazyAttribute(lambda m: m.channel_request.owner)
    supply_owner = factory.LazyAttribute(lambda m: m.channel_offer.owner)


class DealFactory(factory.django.DjangoModelFactory):
    """A confirmed deal on a new accepted match (or the ``match`` given), with the match's
    cluster, sides, kind and quantity, due in 20 days at 18.00 CNY."""

    class Meta:
        model = Deal

    match = factory.SubFactory(MatchFactory, status=Match.Status.ACCEPTED)
    cluster = factory.LazyAttribute(lambda d: d.match.cluster)
    kind = factory.LazyAttribute(lambda d: d.match.kind)
    buyer = factory.LazyAttribute(lambda d: d.match.demand_owner)
    supplier = factory.LazyAttribute(lambda d: d.match.supply_owner)
    quantity = factory.LazyAttribute(lambda d: d.match.quantity)
    unit_price = Decimal("18.00")
    currency = "CNY"
    due_date = _in_days(20)


class DealEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealEvent

    deal = factory.SubFactory(DealFactory)
    status = Deal.Status.CONFIRMED
    side = "buyer"


class RatingFactory(factory.django.DjangoModelFactory):
    """The buyer's rating of the supplier (4 of 5 on each count), not yet published."""

    class Meta:
        model = Rating

    deal = factory.SubFactory(DealFactory)
    rater = factory.LazyAttribute(lambda r: r.deal.buyer)
    ratee = factory.LazyAttribute(lambda r: r.deal.supplier)
    quality = 4
    on_time = 4
    communication = 4


class ReputationFactory(factory.django.DjangoModelFactory):
    """An enterprise's track record in a cluster (empty unless given)."""

    class Meta:
        model = Reputation

    cluster = factory.SubFactory(ClusterFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
