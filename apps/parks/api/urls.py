"""The REST resources of parks, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

urlpatterns = []
