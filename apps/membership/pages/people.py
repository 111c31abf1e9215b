"""The people of an enterprise: invitations, roles, removal, the transfer of ownership, and
accepting an invitation (pages outside any cluster)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError, PermissionDeniedError
from apps.tenancy.pages import GET_POST, access_refusals, refused

from .. import selectors
from ..forms import InvitationForm, OwnershipTransferForm, RoleForm, add_service_error
from ..models import EnterpriseMember, Invitation
from ..permissions import MANAGERS
from ..services import people as people_services
from .common import person_of


@login_required
@require_http_methods(GET_POST)
@access_refusals
def enterprise_people(request, pk):
    enterprise, role = person_of(request, pk)
    can_manage = role in MANAGERS
    invite_form = InvitationForm(request.POST if request.method == "POST" else None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDeniedError(_("Only the enterprise's owner and administrators can invite people."))
        if invite_form.is_valid():
            try:
                invitation = people_services.invitation_create(
                    actor=request.user, enterprise=enterprise, **invite_form.cleaned_data
                )
            except DomainError as exc:
                add_service_error(invite_form, exc)
            else:
                messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
                return redirect("enterprise-people", enterprise.pk)
    people = list(selectors.enterprise_people(enterprise=enterprise))
    for person in people:
        person.is_me = person.user_id == request.user.pk
        person.is_owner = person.role == EnterpriseMember.Role.OWNER
        if can_manage and not person.is_owner:
            person.role_form = RoleForm(initial={"role": person.role}, auto_id=f"id_person{person.user_id}_%s")
    invitations = (
        list(selectors.enterprise_invitations(enterprise=enterprise, status=Invitation.Status.PENDING))
        if can_manage
        else []
    )
    is_owner = role == EnterpriseMember.Role.OWNER
    transfer_form = OwnershipTransferForm(people=[p for p in people if not p.is_me]) if is_owner else None
    return render(
        request,
        "membership/enterprise_people.html",
        {
            "enterprise": enterprise,
            "role": role,
            "can_manage": can_manage,
            "is_owner": is_owner,
            "people": people,
            "invitations": invitations,
            "invite_form": invite_form,
            "transfer_form": transfer_form,
        },
    )


@login_required
@require_POST
@access_refusals
def invitation_revoke(request, pk, invitation_id):
    enterprise, _role = person_of(request, pk)
    try:
        people_services.invitation_revoke(actor=request.user, enterprise=enterprise, invitation_id=invitation_id)
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("enterprise-people", enterprise.pk)


@login_required
@require_POST
@access_refusals
def person_role(request, pk, user_id):
    enterprise, _role = person_of(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose administrator or staff."))
        return redirect("enterprise-people", enterprise.pk)
    try:
        person = people_services.person_change_role(
            actor=request.user, enterprise=enterprise, user_id=user_id, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            _("%(person)s is now %(role)s.") % {"person": person.user, "role": person.get_role_display().lower()},
        )
    return redirect("enterprise-people", enterprise.pk)


@login_required
@require_POST
@access_refusals
def person_remove(request, pk, user_id):
    enterprise, _role = person_of(request, pk)
    leaving = user_id == request.user.pk
    try:
        people_services.person_remove(actor=request.user, enterprise=enterprise, user_id=user_id)
    except DomainError as exc:
        refused(request, exc)
        return redirect("enterprise-people", enterprise.pk)
    if leaving:
        messages.success(request, _("You left %(enterprise)s.") % {"enterprise": enterprise.name})
        return redirect("enterprise-list")
    messages.success(request, _("The person was removed from the enterprise."))
    return redirect("enterprise-people", enterprise.pk)


@login_required
@require_POST
@access_refusals
def ownership_transfer(request, pk):
    enterprise, _role = person_of(request, pk)
    people = list(selectors.enterprise_people(enterprise=enterprise))
    form = OwnershipTransferForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, _("Choose the new owner among the enterprise's people."))
        return redirect("enterprise-people", enterprise.pk)
    try:
        person = people_services.ownership_transfer(
            actor=request.user, enterprise=enterprise, user_id=form.cleaned_data["user"]
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            _("%(person)s now owns %(enterprise)s; you are an administrator.")
            % {"person": person.user, "enterprise": enterprise.name},
        )
    return redirect("enterprise-people", enterprise.pk)


@require_http_methods(GET_POST)
def invitation_accept(request, token):
    template = "membership/invitation_accept.html"
    try:
        invitation = people_services.invitation_from_token(token)
    except DomainError as exc:
        return render(request, template, {"invitation": None, "error": exc.message}, status=exc.status)
    context = {
        "invitation": invitation,
        "wrong_account": request.user.is_authenticated and request.user.email.lower() != invitation.email.lower(),
    }
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            person = people_services.invitation_accept(user=request.user, token=token)
        except DomainError as exc:
            return render(request, template, {**context, "error": exc.message}, status=exc.status)
        messages.success(
            request,
            _("Welcome to %(enterprise)s. You are %(role)s.")
            % {"enterprise": invitation.enterprise.name, "role": person.get_role_display().lower()},
        )
        return redirect("enterprise-detail", person.enterprise_id)
    return render(request, template, context)
