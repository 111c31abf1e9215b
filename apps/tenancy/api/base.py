"""The one way tenant-scoped API views are built.

``ClusterScopedViewSet`` resolves ``/api/v1/clusters/{cluster_slug}/…``, loads the
cluster the caller may see (404 otherwise), works out the caller's roles there and
builds every queryset through ``scoped_queryset(cluster=…, user=…)`` — a selector
that takes the cluster. It fails closed:

* a subclass may not override ``get_queryset`` (``TypeError`` at import time), so no
  view can build an unscoped queryset by accident;
* a subclass that forgets ``scoped_queryset`` raises ``ImproperlyConfigured``;
* a subclass that declares no ``required_roles`` for an action refuses it (403),
  except for platform staff.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions, viewsets

from apps.core.errors import NotFoundError
from apps.tenancy import selectors


class HasClusterRole(permissions.BasePermission):
    """Allows an action when the caller holds one of the roles the view requires for it.

    ``required_roles`` maps an action name (or ``"*"``) to a set of roles; the special
    role ``"staff"`` means platform staff. Platform staff pass every check.
    """

    def has_permission(self, request, view):
        if request.user and request.user.is_authenticated and request.user.is_staff:
            return True
        required = view.get_required_roles()
        if required is None:
            return False
        return bool(required & view.cluster_roles)


class ClusterScopedViewSet(viewsets.GenericViewSet):
    cluster_url_kwarg = "cluster_slug"
    lookup_value_regex = r"[0-9]{1,18}"  # ids are integers: anything else is a 404, never a 500
    permission_classes = [permissions.IsAuthenticated, HasClusterRole]
    #: action name (or "*") -> roles allowed to perform it
    required_roles: dict[str, set[str]] = {}

    cluster = None
    cluster_roles: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} must not override get_queryset(); define scoped_queryset(cluster=, user=)."
            )

    def initial(self, request, *args, **kwargs):
        # Authenticate first (a bad token is a 401 before anything is looked up),
        # then resolve the tenant, then let DRF check permissions and throttles.
        self.perform_authentication(request)
        slug = kwargs.get(self.cluster_url_kwarg)
        if not slug:
            raise NotFoundError()
        known = getattr(request._request, "tenant_cluster", None)
        self.cluster = selectors.cluster_get(slug=slug, user=request.user, known=known)
        self.cluster_roles = selectors.cluster_roles_for(user=request.user, cluster=self.cluster)
        super().initial(request, *args, **kwargs)

    def get_required_roles(self) -> set[str] | None:
        action = getattr(self, "action", None)
        if action in self.required_roles:
            return set(self.required_roles[action])
        if "*" in self.required_roles:
            return set(self.required_roles["*"])
        return None

    def scoped_queryset(self, *, cluster, user):
        raise ImproperlyConfigured(f"{type(self).__name__} must define scoped_queryset(cluster=, user=).")

    def get_queryset(self):
        if self.cluster is None:
            # Schema generation introspects views without a request; give it the model only.
            if getattr(self, "swagger_fake_view", False) and getattr(self, "queryset", None) is not None:
                return self.queryset.none()
            raise ImproperlyConfigured("Tenant queryset requested before the cluster was resolved.")
        return self.scoped_queryset(cluster=self.cluster, user=self.request.user)
