"""Pages of parks (views in apps/parks/pages/), inside one cluster."""

urlpatterns = []
