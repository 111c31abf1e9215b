"""Pages of dealroom (views in apps/dealroom/pages/), inside one cluster."""

from django.urls import path

from .pages import conversation, disputes, documents, offers, rfq

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


# --- documents and disputes ---
urlpatterns += [
    path("clusters/<slug:slug>/deals/<int:pk>/documents/", documents.deal_documents, name="deal-documents"),
    path("clusters/<slug:slug>/documents/<int:pk>/open/", documents.document_open, name="document-open"),
    path(
        "clusters/<slug:slug>/documents/<int:pk>/download/<str:token>/",
        documents.document_download,
        name="document-download",
    ),
    path("clusters/<slug:slug>/deals/<int:pk>/dispute/", disputes.dispute_open, name="deal-dispute-open"),
    path("clusters/<slug:slug>/disputes/", disputes.dispute_queue, name="dispute-queue"),
    path("clusters/<slug:slug>/disputes/<int:pk>/", disputes.dispute_detail, name="dispute-detail"),
]
