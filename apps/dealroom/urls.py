"""Pages of dealroom (views in apps/dealroom/pages/), inside one cluster."""

from django.urls import path

from .pages import conversation

urlpatterns = [
    # --- conversation ---
    path("clusters/<slug:slug>/matches/<int:pk>/room/", conversation.room, name="deal-room"),
    path("clusters/<slug:slug>/matches/<int:pk>/room/stream/", conversation.room_stream, name="deal-room-stream"),
]
