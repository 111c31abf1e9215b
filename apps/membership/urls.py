"""Pages of the membership domain (views in apps/membership/views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("clusters/<slug:slug>/moderation/", views.moderation_queue, name="moderation-queue"),
]
