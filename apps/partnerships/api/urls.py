"""The REST resources of partnerships, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

urlpatterns = []
