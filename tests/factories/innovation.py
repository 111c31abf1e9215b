"""Factories of innovation's challenges and experts (written directly, not through the services)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.innovation.models import Challenge, ExpertProfile

from . import ClusterFactory, UserFactory


class ChallengeFactory(factory.django.DjangoModelFactory):
    """An open challenge with a money award of 50,000 CNY, due in 30 days."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    cluster = factory.SubFactory(ClusterFactory)
    title = factory.Sequence(lambda n: f"Challenge {n}")
    summary = "Dye polyester at lower temperature"
    details = "Confidential process parameters"
    terms = "Keep the details confidential."
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    award_amount = Decimal("50000.00")
    rights = "licence"
    status = "open"
    opened_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)
    kind = "person"
    name = factory.Sequence(lambda n: f"Expert {n}")

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)
