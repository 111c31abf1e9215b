from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # the cluster directory under the address its clusters' pages share (it is also the home page)
    path("clusters/", views.home, name="cluster-list"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster-detail"),
]
