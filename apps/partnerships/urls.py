"""Pages of partnerships (views in apps/partnerships/pages/), inside one cluster."""

from django.urls import path

from .pages import views

urlpatterns = [
    path("clusters/<slug:slug>/partnerships/", views.partnership_list, name="partnership-list"),
    path("clusters/<slug:slug>/partnerships/new/", views.partnership_create, name="partnership-create"),
    path("clusters/<slug:slug>/partnerships/<int:pk>/", views.partnership_detail, name="partnership-detail"),
    path("clusters/<slug:slug>/partnerships/<int:pk>/motions/", views.partnership_motion, name="partnership-motion"),
]
