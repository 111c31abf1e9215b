"""The REST resources of innovation, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

urlpatterns = []
