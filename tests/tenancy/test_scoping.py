"""The tenant base viewset fails closed."""

import pytest
from django.urls import path
from rest_framework import mixins

from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.models import ClusterRole


def test_a_tenant_view_may_not_override_get_queryset():
    with pytest.raises(TypeError, match="must not override get_queryset"):

        class Leaky(ClusterScopedViewSet):
            def get_queryset(self):
                return ClusterRole.objects.all()


class ForgetfulViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    """Declares no required_roles and no selector: must refuse, never leak."""

    queryset = ClusterRole.objects.none()


urlpatterns = [path("t/<slug:cluster_slug>/", ForgetfulViewSet.as_view({"get": "list"}))]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_action_without_declared_roles_is_refused(as_user, cluster, cluster_admin):
    assert as_user(cluster_admin).get(f"/t/{cluster.slug}/").status_code == 403


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_view_without_a_selector_errors_instead_of_leaking(as_user, cluster, staff):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="scoped_queryset"):
        as_user(staff).get(f"/t/{cluster.slug}/")
