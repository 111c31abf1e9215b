from celery import shared_task

from apps.tenancy.models import Cluster

from . import services


@shared_task(name="monitoring.scan")
def scan() -> int:
    """Beat: overdue deals, windows and need-by dates, certifications, stale listings (idempotent)."""
    return services.scan_all()


@shared_task(name="monitoring.kpi_snapshots")
def kpi_snapshots() -> int:
    clusters = Cluster.objects.filter(status=Cluster.Status.ACTIVE)
    for cluster in clusters:
        services.kpi_snapshot_take(cluster)
    return clusters.count()
