"""Pages of innovation (views in apps/innovation/pages/), inside one cluster."""

urlpatterns = []
