"""Pages of partnerships (views in apps/partnerships/pages/), inside one cluster."""

urlpatterns = []
