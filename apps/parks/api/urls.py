"""The REST resources of parks, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import partners, views

router = SimpleRouter()
router.register("resources", views.ResourceViewSet, basename="park-resource")
router.register("bookings", views.BookingViewSet, basename="park-booking")
router.register("verifications", views.VisitViewSet, basename="park-verification")
router.register("auditors", views.AuditorViewSet, basename="park-auditor")
router.register("partner-resources", partners.PartnerResourceViewSet, basename="park-partner-resource")
router.register("partner-bookings", partners.PartnerBookingViewSet, basename="park-partner-booking")

urlpatterns = [path("clusters/<slug:cluster_slug>/", include(router.urls))]
