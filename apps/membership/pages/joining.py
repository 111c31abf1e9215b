"""Applying to join a cluster, for an enterprise the caller manages."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.tenancy.pages import AUTHENTICATED, GET_POST, cluster_page

from .. import selectors
from ..forms import ApplicationForm, add_service_error
from ..permissions import MANAGERS
from ..services import memberships as membership_services


@cluster_page(AUTHENTICATED, methods=GET_POST)
def cluster_apply(request, slug):
    cluster = request.cluster_access.cluster
    enterprises = [e for e in selectors.user_enterprises(user=request.user) if e.my_role in MANAGERS]
    form = ApplicationForm(request.POST if request.method == "POST" else None, enterprises=enterprises)
    if form.is_bound and form.is_valid():
        enterprise = form.cleaned_data["enterprise"]
        try:
            membership_services.membership_apply(
                actor=request.user, cluster=cluster, enterprise=enterprise, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(enterprise)s applied to join %(cluster)s. The administrators will decide; you will be notified.")
                % {"enterprise": enterprise.name, "cluster": cluster.name},
            )
            return redirect("cluster-detail", cluster.slug)
    return render(request, "membership/cluster_apply.html", {"cluster": cluster, "form": form})
