"""Pages of governance (views in apps/governance/views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("clusters/<slug:slug>/council/", views.council, name="council"),
    path("clusters/<slug:slug>/proposals/", views.proposal_list, name="proposal-list"),
    path("clusters/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("clusters/<slug:slug>/rules/", views.rulebook, name="rulebook"),
]
