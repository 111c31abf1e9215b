from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.accounts.api.views import MeView
from apps.tenancy.api.views import ClusterAdministratorViewSet, ClusterViewSet

router = SimpleRouter()
router.register("clusters", ClusterViewSet, basename="cluster")

cluster_router = SimpleRouter()
cluster_router.register("administrators", ClusterAdministratorViewSet, basename="cluster-administrator")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
    path("clusters/<slug:cluster_slug>/", include(cluster_router.urls)),
]
