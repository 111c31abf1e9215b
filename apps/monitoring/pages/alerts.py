"""Acknowledging and resolving an alert from a dashboard: the cluster's administrators, or the
people of an enterprise it concerns (the service decides, per alert)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import next_url
from apps.tenancy.pages import AUTHENTICATED, POST, cluster_page

from .. import services
from ..models import Alert

ALERT_DONE = {
    Alert.State.ACKNOWLEDGED: gettext_lazy("The alert is acknowledged."),
    Alert.State.RESOLVED: gettext_lazy("The alert is resolved."),
}


@cluster_page(AUTHENTICATED, methods=POST)
def alert_set_state(request, slug, pk, state):
    """Acknowledge or resolve an alert: administrators, or the people of an enterprise it concerns."""
    access = request.cluster_access
    default = reverse("cluster-dashboard" if access.is_admin else "enterprise-dashboard", args=[slug])
    try:
        services.alert_set_state(actor=request.user, cluster=access.cluster, alert_id=pk, state=state)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ALERT_DONE[state])
    return redirect(next_url(request, default))
