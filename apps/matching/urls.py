"""Pages of matching (views in apps/matching/pages/), inside one cluster."""

from django.urls import path

from .pages import runs

urlpatterns = [
    path("clusters/<slug:slug>/matching-runs/", runs.matching_runs, name="matching-runs"),
    path("clusters/<slug:slug>/matching-runs/<int:run_id>/row/", runs.matching_run_row, name="matching-run-row"),
]
