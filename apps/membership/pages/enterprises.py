"""An enterprise's pages: the caller's enterprises, registering one, its profile, certifications
and memberships (pages outside any cluster: access is the enterprise's, checked per page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import next_url
from apps.tenancy.pages import GET_POST, access_refusals, refused

from .. import selectors
from ..forms import CertificationForm, EnterpriseForm, LeaveForm, add_service_error
from ..models import EnterpriseMember, Membership
from ..permissions import MANAGERS, enterprise_role, require_enterprise_role
from ..services import enterprises as enterprise_services
from ..services import memberships as membership_services
from .common import enterprise_or_404, person_of


@login_required
def enterprise_list(request):
    enterprises = list(selectors.user_enterprises(user=request.user))
    for enterprise in enterprises:
        enterprise.my_role_label = EnterpriseMember.Role(enterprise.my_role).label
    return render(request, "membership/enterprise_list.html", {"enterprises": enterprises})


@login_required
@require_http_methods(GET_POST)
def enterprise_create(request):
    form = EnterpriseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            enterprise = enterprise_services.enterprise_create(actor=request.user, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(enterprise)s is registered. Add its certifications and invite your colleagues.")
                % {"enterprise": enterprise.name},
            )
            # ?next=: e.g. the cluster page sends a newcomer on to its apply page (this site's pages only)
            return redirect(next_url(request, reverse("enterprise-detail", args=[enterprise.pk])))
    return render(request, "membership/enterprise_form.html", {"form": form, "enterprise": None})


@login_required
@require_http_methods(GET_POST)
@access_refusals
def enterprise_detail(request, pk):
    enterprise = enterprise_or_404(pk)
    role = enterprise_role(user=request.user, enterprise=enterprise)
    can_manage = role in MANAGERS
    form = None
    if can_manage:
        form = CertificationForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                enterprise_services.certification_add(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The certification was added."))
                return redirect("enterprise-detail", enterprise.pk)
    elif request.method == "POST":
        raise PermissionDeniedError(_("Only the enterprise's owner and administrators can add certifications."))
    certifications = list(enterprise.certifications.all())
    if role is None:  # outsiders: valid certificates only, without numbers
        certifications = [c for c in certifications if c.is_valid]
    memberships = list(selectors.enterprise_memberships(enterprise=enterprise)) if role else []
    for membership in memberships:
        membership.is_open = membership.status in Membership.OPEN_STATUSES
    return render(
        request,
        "membership/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "role": role,
            "role_label": EnterpriseMember.Role(role).label if role else "",
            "is_person": role is not None,
            "can_manage": can_manage,
            "certifications": certifications,
            "certification_form": form,
            "memberships": memberships,
            "verification_levels": selectors.enterprise_verification_levels(enterprise=enterprise),
        },
    )


@login_required
@require_POST
@access_refusals
def certification_remove(request, pk, certification_id):
    enterprise, _role = person_of(request, pk)
    try:
        enterprise_services.certification_remove(
            actor=request.user, enterprise=enterprise, certification_id=certification_id
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The certification was removed."))
    return redirect("enterprise-detail", enterprise.pk)


@login_required
@require_POST
@access_refusals
def membership_leave(request, pk, membership_id):
    enterprise, _role = person_of(request, pk)
    membership = selectors.enterprise_membership_get(enterprise=enterprise, membership_id=membership_id)
    if membership is None:
        raise Http404
    form = LeaveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership_services.membership_leave(
            actor=request.user, cluster=membership.cluster, membership_id=membership.pk, reason=reason
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            _("%(enterprise)s left %(cluster)s.") % {"enterprise": enterprise.name, "cluster": membership.cluster.name},
        )
    return redirect("enterprise-detail", enterprise.pk)


@login_required
@require_http_methods(GET_POST)
@access_refusals
def enterprise_edit(request, pk):
    enterprise = enterprise_or_404(pk)
    require_enterprise_role(user=request.user, enterprise=enterprise)
    form = EnterpriseForm(request.POST if request.method == "POST" else None, enterprise=enterprise)
    if form.is_bound and form.is_valid():
        try:
            enterprise_services.enterprise_update(actor=request.user, enterprise=enterprise, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("enterprise-detail", enterprise.pk)
    return render(request, "membership/enterprise_form.html", {"form": form, "enterprise": enterprise})
