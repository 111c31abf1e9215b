from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.views import health, ping

urlpatterns = [
    path("health/", health, name="health"),
    path("ping/", ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("cluster_platform.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("_allauth/", include("apps.accounts.headless")),  # before allauth: the routes it must not serve
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("apps.accounts.urls")),  # the profile page, beside allauth's
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("apps.tenancy.urls")),
    path("", include("apps.membership.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.governance.urls")),
    path("", include("apps.marketplace.urls")),
    path("", include("apps.partnerships.urls")),
    path("", include("apps.parks.urls")),
    path("", include("apps.matching.urls")),
    path("", include("apps.dealroom.urls")),
    path("", include("apps.innovation.urls")),
    path("", include("apps.monitoring.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "apps.core.views.bad_request"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
