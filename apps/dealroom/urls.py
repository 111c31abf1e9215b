"""Pages of dealroom (views in apps/dealroom/pages/), inside one cluster."""

urlpatterns = []
