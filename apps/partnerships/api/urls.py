"""The REST resources of partnerships, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

cluster_router = SimpleRouter()
cluster_router.register("partnerships", views.PartnershipViewSet, basename="partnership")

urlpatterns = [path("clusters/<slug:cluster_slug>/", include(cluster_router.urls))]
