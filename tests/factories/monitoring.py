"""Factories of monitoring: alerts and KPI snapshots (written directly, not by the scans)."""

import factory

from apps.monitoring.models import Alert, KpiSnapshot

from . import ClusterFactory


class AlertFactory(factory.django.DjangoModelFactory):
    """An open warning about an overdue deal (``enterprises=[…]``: the ones it concerns)."""

    class Meta:
        model = Alert
        skip_postgeneration_save = True

    cluster = factory.SubFactory(ClusterFactory)
    key = factory.Sequence(lambda n: f"deal-overdue:{n}")
    kind = "deal_overdue"
    subject = factory.LazyAttribute(lambda a: f"Alert {a.key}")

    @factory.post_generation
    def enterprises(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.enterprises.set(extracted)


class KpiSnapshotFactory(factory.django.DjangoModelFactory):
    """A snapshot taken now, of the ``metrics`` given (none by default)."""

    class Meta:
        model = KpiSnapshot

    cluster = factory.SubFactory(ClusterFactory)
    metrics = factory.LazyFunction(dict)
