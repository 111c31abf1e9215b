"""The REST resources of dealroom, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

urlpatterns = []
