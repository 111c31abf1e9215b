"""Demo matching: a full matching run over each demo market, then the market's deals played on
its proposals (``marketplace.demo.play_deals``).

Idempotent: a cluster whose demo run exists is left as it is.
"""

from apps.marketplace import demo as marketplace_demo
from apps.marketplace.models import MatchingRun
from apps.tenancy.models import Cluster

from . import planner

TRIGGER = "demo data"


def load(stdout=None) -> list[tuple[str, str, str]]:
    for cluster in Cluster.objects.filter(slug__in=marketplace_demo.DEMO_CLUSTERS):
        if MatchingRun.objects.filter(cluster=cluster, trigger=TRIGGER).exists():
            continue
        run = MatchingRun.objects.create(cluster=cluster, kind=MatchingRun.Kind.FULL, trigger=TRIGGER)
        planner.run_full(MatchingRun.objects.select_related("cluster").get(pk=run.pk))
        marketplace_demo.play_deals(cluster)
    return []
