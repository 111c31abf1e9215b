"""Pages of dealroom (views in apps/dealroom/pages/), inside one cluster."""

from django.urls import path

from .pages import conversation, offers, rfq

urlpatterns = [
    # --- conversation ---
    path("clusters/<slug:slug>/matches/<int:pk>/room/", conversation.room, name="deal-room"),
    path("clusters/<slug:slug>/matches/<int:pk>/room/stream/", conversation.room_stream, name="deal-room-stream"),
]


# --- offers and requests for quotation ---------------------------------------------------------
urlpatterns += [
    path("clusters/<slug:slug>/matches/<int:pk>/offers/", offers.match_offers, name="match-offers"),
    path("clusters/<slug:slug>/rfqs/", rfq.rfq_list, name="rfq-list"),
    path("clusters/<slug:slug>/rfqs/<int:pk>/", rfq.rfq_detail, name="rfq-detail"),
    path("clusters/<slug:slug>/market/order/<int:order_id>/rfq/", rfq.rfq_create, name="rfq-create"),
]
