"""Pages of monitoring (views in apps/monitoring/pages/), inside one cluster."""

from django.urls import path

from .models import Alert
from .pages import alerts, dashboard, enterprise

urlpatterns = [
    path("clusters/<slug:slug>/dashboard/", dashboard.cluster_dashboard, name="cluster-dashboard"),
    path("clusters/<slug:slug>/dashboard/snapshot/", dashboard.snapshot_take, name="cluster-snapshot"),
    path("clusters/<slug:slug>/my-dashboard/", enterprise.enterprise_dashboard, name="enterprise-dashboard"),
    path(
        "clusters/<slug:slug>/alerts/<int:pk>/acknowledge/",
        alerts.alert_set_state,
        {"state": Alert.State.ACKNOWLEDGED.value},
        name="alert-acknowledge",
    ),
    path(
        "clusters/<slug:slug>/alerts/<int:pk>/resolve/",
        alerts.alert_set_state,
        {"state": Alert.State.RESOLVED.value},
        name="alert-resolve",
    ),
]
