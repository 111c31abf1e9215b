"""Factories of partnerships: a partnership row in the state a scene needs (behind the councils'
back: a test of the councils' decision goes through the API, ``tests/partnerships/test_flow.py``)."""

import datetime

import factory
from django.utils import timezone

from apps.partnerships.models import Partnership

from . import ClusterFactory, UserFactory


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership in force since today for a year, sharing every listing kind."""

    class Meta:
        model = Partnership

    proposer = factory.SubFactory(ClusterFactory)
    partner = factory.SubFactory(ClusterFactory)
    shared_kinds = factory.LazyFunction(lambda: ["order", "capacity", "channel_offer", "channel_request"])
    resources_bookable = True
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    status = Partnership.Status.IN_FORCE
    in_force_at = factory.LazyFunction(timezone.now)
    proposed_by = factory.SubFactory(UserFactory)
