"""Pages of parks (views in apps/parks/pages/), inside one cluster."""

from django.urls import path

from .pages import bookings, map, partners, resources, verification

urlpatterns = [
    path("clusters/<slug:slug>/resources/", resources.resource_list, name="park-resources"),
    path("clusters/<slug:slug>/resources/new/", resources.resource_edit, name="park-resource-create"),
    path("clusters/<slug:slug>/resources/<int:pk>/", resources.resource_detail, name="park-resource"),
    path("clusters/<slug:slug>/resources/<int:pk>/edit/", resources.resource_edit, name="park-resource-edit"),
    path("clusters/<slug:slug>/bookings/", bookings.booking_list, name="park-bookings"),
    *(
        path(
            f"clusters/<slug:slug>/bookings/<int:pk>/{action}/",
            bookings.booking_action,
            {"action": action},
            name=f"park-booking-{action}",
        )
        for action in bookings.ACTIONS
    ),
    path("clusters/<slug:slug>/visits/", verification.visit_list, name="park-visits"),
    path("clusters/<slug:slug>/visits/<int:pk>/", verification.visit_detail, name="park-visit"),
    path("clusters/<slug:slug>/map/", map.cluster_map, name="park-map"),
    path("clusters/<slug:slug>/partner-resources/", partners.partner_resource_list, name="park-partner-resources"),
    path(
        "clusters/<slug:slug>/partner-resources/<int:pk>/",
        partners.partner_resource_detail,
        name="park-partner-resource",
    ),
    path("clusters/<slug:slug>/partner-bookings/", partners.partner_booking_list, name="park-partner-bookings"),
    path(
        "clusters/<slug:slug>/partner-bookings/<int:pk>/cancel/",
        partners.partner_booking_cancel,
        name="park-partner-booking-cancel",
    ),
]
