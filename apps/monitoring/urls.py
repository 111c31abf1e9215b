"""Pages of monitoring (views in apps/monitoring/views.py), inside one cluster."""

from django.urls import path

from . import views
from .models import Alert

urlpatterns = [
    path("clusters/<slug:slug>/dashboard/", views.cluster_dashboard, name="cluster-dashboard"),
    path("clusters/<slug:slug>/dashboard/snapshot/", views.snapshot_take, name="cluster-snapshot"),
    path("clusters/<slug:slug>/my-dashboard/", views.enterprise_dashboard, name="enterprise-dashboard"),
    path(
        "clusters/<slug:slug>/alerts/<int:pk>/acknowledge/",
        views.alert_set_state,
        {"state": Alert.State.ACKNOWLEDGED.value},
        name="alert-acknowledge",
    ),
    path(
        "clusters/<slug:slug>/alerts/<int:pk>/resolve/",
        views.alert_set_state,
        {"state": Alert.State.RESOLVED.value},
        name="alert-resolve",
    ),
]
