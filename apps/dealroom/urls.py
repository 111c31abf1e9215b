"""Pages of dealroom (views in apps/dealroom/pages/), inside one cluster."""

from django.urls import path

from .pages import disputes, documents

# --- documents and disputes ---
urlpatterns = [
    path("clusters/<slug:slug>/deals/<int:pk>/documents/", documents.deal_documents, name="deal-documents"),
    path(
        "clusters/<slug:slug>/documents/<int:pk>/download/<str:token>/",
        documents.document_download,
        name="document-download",
    ),
    path("clusters/<slug:slug>/deals/<int:pk>/dispute/", disputes.dispute_open, name="deal-dispute-open"),
    path("clusters/<slug:slug>/disputes/", disputes.dispute_queue, name="dispute-queue"),
    path("clusters/<slug:slug>/disputes/<int:pk>/", disputes.dispute_detail, name="dispute-detail"),
]
