from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster-detail"),
]
