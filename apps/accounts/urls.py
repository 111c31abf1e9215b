from django.urls import path

from . import pages

urlpatterns = [
    path("accounts/profile/", pages.profile, name="profile"),
]
