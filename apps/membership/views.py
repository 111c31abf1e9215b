"""Pages of the membership domain: enterprises and their people, joining clusters, moderation,
the member directory and reports.

Views check who may open a page, validate input with a form and call one service; reads come
from the selectors. A service's refusal becomes a form error or an error message; a refusal of
access (``PermissionDeniedError`` / ``NotFoundError``) becomes a 403 page or a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import PageQuery, SearchPageQuery, next_url, query_string
from apps.marketplace import selectors as marketplace_selectors
from apps.marketplace.models import ListingStatus
from apps.marketplace.services.listings import REMOVABLE
from apps.tenancy import selectors as tenancy_selectors
from apps.tenancy.pages import forbidden

from . import lifecycle, selectors
from .filters import ReportTargetForm
from .forms import (
    ApplicationForm,
    BulkApproveForm,
    CertificationForm,
    DecisionForm,
    DirectoryFilterForm,
    EnterpriseForm,
    InvitationForm,
    LeaveForm,
    OwnershipTransferForm,
    ReportForm,
    ResolveForm,
    RoleForm,
    SuspensionDecisionForm,
    add_service_error,
)
from .models import EnterpriseMember, Invitation, Membership, Report
from .permissions import MANAGERS, enterprise_role, is_cluster_administrator, require_enterprise_role
from .services import enterprises as enterprise_services
from .services import memberships as membership_services
from .services import people as people_services
from .services import reports as report_services

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "HEAD", "POST"])

DECISIONS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
    "expel": gettext_lazy("Expel"),
}
DECISIONS_DONE = {
    "approve": gettext_lazy("%(enterprise)s is now a member."),
    "reject": gettext_lazy("The application of %(enterprise)s was rejected."),
    "suspend": gettext_lazy("%(enterprise)s is suspended."),
    "reinstate": gettext_lazy("%(enterprise)s is reinstated."),
    "expel": gettext_lazy("%(enterprise)s was expelled."),
}
QUEUE_TABS = {
    "pending": gettext_lazy("Pending"),
    "active": gettext_lazy("Active"),
    "suspended": gettext_lazy("Suspended"),
    "all": gettext_lazy("All"),
}
AUDIT_ACTIONS = {
    "membership.apply": gettext_lazy("Applied to join"),
    "membership.approve": gettext_lazy("Approved"),
    "membership.reject": gettext_lazy("Rejected"),
    "membership.suspend": gettext_lazy("Suspended"),
    "membership.suspend.automatic": gettext_lazy("Suspended automatically"),
    "membership.reinstate": gettext_lazy("Reinstated"),
    "membership.expel": gettext_lazy("Expelled"),
    "membership.leave": gettext_lazy("Left the cluster"),
    "membership.suspension_proposed": gettext_lazy("Suspension proposed by reports"),
    "membership.suspension_confirmed": gettext_lazy("Proposed suspension confirmed"),
    "membership.suspension_dismissed": gettext_lazy("Proposed suspension dismissed"),
    "enterprise.verification_withdrawn": gettext_lazy("Verification withdrawn: identity changed"),
    "report.file": gettext_lazy("Report filed"),
    "report.dismiss": gettext_lazy("Report dismissed"),
    "report.warn": gettext_lazy("Warning issued"),
    "report.suspend": gettext_lazy("Report upheld: suspension"),
    "report.listing_removed": gettext_lazy("Report upheld: listing removed"),
}
STATUS_LABELS = {**dict(Report.Status.choices), **dict(Membership.Status.choices)}


# --- Helpers ------------------------------------------------------------------------------------


def access_refusals(view):
    """Turn access refusals raised anywhere in ``view`` into a 403 page or a 404."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            return forbidden(request, str(exc.message))
        except NotFoundError:
            raise Http404 from None

    return wrapped


def _error_text(error: Exception) -> str:
    if isinstance(error, DomainError):
        return str(error.message)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    raise error


def _refused(request, error: Exception) -> None:
    """A button's action was refused: say why (access refusals keep their 403 / 404)."""
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error
    messages.error(request, _error_text(error))


def _cluster(request, slug):
    return tenancy_selectors.cluster_get(slug=slug, user=request.user)  # NotFoundError -> 404


def _enterprise(pk):
    enterprise = selectors.enterprise_get(enterprise_id=pk)
    if enterprise is None:
        raise Http404
    return enterprise


def _person_of(request, pk):
    """The enterprise and the caller's role in it; outsiders get a 404 (they do not learn who works where)."""
    enterprise = _enterprise(pk)
    role = enterprise_role(user=request.user, enterprise=enterprise)
    if role is None:
        raise Http404
    return enterprise, role


# --- Enterprises --------------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    enterprises = list(selectors.user_enterprises(user=request.user))
    for enterprise in enterprises:
        enterprise.my_role_label = EnterpriseMember.Role(enterprise.my_role).label
    return render(request, "membership/enterprise_list.html", {"enterprises": enterprises})


@login_required
@GET_POST
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
            return redirect("enterprise-detail", enterprise.pk)
    return render(request, "membership/enterprise_form.html", {"form": form, "enterprise": None})


def _enterprise_memberships(enterprise):
    """The enterprise's memberships in every cluster, newest first (for its own people)."""
    return Membership.objects.filter(enterprise=enterprise).select_related("cluster").order_by("-created_at", "-pk")


@login_required
@GET_POST
@access_refusals
def enterprise_detail(request, pk):
    enterprise = _enterprise(pk)
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
        return forbidden(request, _("Only the enterprise's owner and administrators can add certifications."))
    certifications = list(enterprise.certifications.all())
    if role is None:  # outsiders: valid certificates only, without numbers
        certifications = [c for c in certifications if c.is_valid]
    memberships = list(_enterprise_memberships(enterprise)) if role else []
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
        },
    )


@login_required
@require_POST
@access_refusals
def certification_remove(request, pk, certification_id):
    enterprise, _role = _person_of(request, pk)
    try:
        enterprise_services.certification_remove(
            actor=request.user, enterprise=enterprise, certification_id=certification_id
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The certification was removed."))
    return redirect("enterprise-detail", enterprise.pk)


@login_required
@require_POST
@access_refusals
def membership_leave(request, pk, membership_id):
    enterprise, _role = _person_of(request, pk)
    membership = Membership.objects.select_related("cluster").filter(enterprise=enterprise, pk=membership_id).first()
    if membership is None:
        raise Http404
    form = LeaveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership_services.membership_leave(
            actor=request.user, cluster=membership.cluster, membership_id=membership.pk, reason=reason
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(enterprise)s left %(cluster)s.") % {"enterprise": enterprise.name, "cluster": membership.cluster.name},
        )
    return redirect("enterprise-detail", enterprise.pk)


@login_required
@GET_POST
@access_refusals
def enterprise_edit(request, pk):
    enterprise = _enterprise(pk)
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


# --- People of an enterprise --------------------------------------------------------------------


@login_required
@GET_POST
@access_refusals
def enterprise_people(request, pk):
    enterprise, role = _person_of(request, pk)
    can_manage = role in MANAGERS
    invite_form = InvitationForm(request.POST if request.method == "POST" else None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, _("Only the enterprise's owner and administrators can invite people."))
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
        list(selectors.enterprise_invitations(enterprise=enterprise).filter(status=Invitation.Status.PENDING))
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
    enterprise, _role = _person_of(request, pk)
    try:
        people_services.invitation_revoke(actor=request.user, enterprise=enterprise, invitation_id=invitation_id)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("enterprise-people", enterprise.pk)


@login_required
@require_POST
@access_refusals
def person_role(request, pk, user_id):
    enterprise, _role = _person_of(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose administrator or staff."))
        return redirect("enterprise-people", enterprise.pk)
    try:
        person = people_services.person_change_role(
            actor=request.user, enterprise=enterprise, user_id=user_id, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        _refused(request, exc)
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
    enterprise, _role = _person_of(request, pk)
    leaving = user_id == request.user.pk
    try:
        people_services.person_remove(actor=request.user, enterprise=enterprise, user_id=user_id)
    except DomainError as exc:
        _refused(request, exc)
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
    enterprise, _role = _person_of(request, pk)
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
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(person)s now owns %(enterprise)s; you are an administrator.")
            % {"person": person.user, "enterprise": enterprise.name},
        )
    return redirect("enterprise-people", enterprise.pk)


@GET_POST
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


# --- Joining a cluster --------------------------------------------------------------------------


@login_required
@GET_POST
@access_refusals
def cluster_apply(request, slug):
    cluster = _cluster(request, slug)
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


# --- Moderation (cluster administrators) --------------------------------------------------------


def _administered_cluster(request, slug):
    """The cluster, if the caller administers it (or is platform staff); else ``None``."""
    cluster = _cluster(request, slug)
    return cluster if is_cluster_administrator(user=request.user, cluster=cluster) else None


def _decision_buttons(membership) -> list[dict]:
    return [
        {"action": action, "label": DECISIONS[action], "reason_required": spec.reason_required}
        for action, spec in lifecycle.TRANSITIONS.items()
        if action in DECISIONS and lifecycle.allowed(action, membership.status)
    ]


@login_required
@access_refusals
def moderation_queue(request, slug):
    cluster = _administered_cluster(request, slug)
    if cluster is None:
        return forbidden(request, _("Only the cluster's administrators can moderate its members."))
    search = SearchPageQuery(request.GET, status=(QUEUE_TABS, "pending"))
    status, query = search.value("status"), search.value("q")
    memberships = selectors.memberships_for(
        cluster=cluster, user=request.user, status=None if status == "all" else status
    )
    if query:
        memberships = memberships.filter(
            Q(enterprise__legal_name_zh__icontains=query) | Q(enterprise__legal_name_en__icontains=query)
        )
    page = search.page_of(memberships, PAGE_SIZE)
    for membership in page.object_list:
        membership.decisions = _decision_buttons(membership)
    return render(
        request,
        "membership/moderation_queue.html",
        {
            "cluster": cluster,
            "proposed_suspensions": selectors.suspension_proposals_pending(cluster=cluster)[:50],
            "page": page,
            "status": status,
            "tabs": QUEUE_TABS.items(),
            "query": query,
            "query_errors": search["q"].errors,
            "paging_query": query_string(search),
            "has_pending": any(m.status == Membership.Status.PENDING for m in page.object_list),
        },
    )


@login_required
@require_POST
@access_refusals
def membership_decide(request, slug, membership_id):
    cluster = _cluster(request, slug)
    back = next_url(request, reverse("moderation-queue", args=[cluster.slug]))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    action = form.cleaned_data["action"]
    try:
        membership = membership_services.membership_decide(
            actor=request.user,
            cluster=cluster,
            membership_id=membership_id,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, DECISIONS_DONE[action] % {"enterprise": membership.enterprise.name})
    return redirect(back)


SUSPENSION_DECISIONS_DONE = {
    "confirm": gettext_lazy("%(enterprise)s is suspended."),
    "dismiss": gettext_lazy("The proposed suspension of %(enterprise)s was dismissed."),
}


@login_required
@require_POST
@access_refusals
def suspension_decide(request, slug, membership_id):
    """Confirm or dismiss the suspension that reports propose for one member."""
    cluster = _cluster(request, slug)
    back = next_url(request, reverse("moderation-queue", args=[cluster.slug]))
    form = SuspensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    decision = form.cleaned_data["decision"]
    service = report_services.suspension_confirm if decision == "confirm" else report_services.suspension_dismiss
    try:
        membership = service(
            actor=request.user, cluster=cluster, membership_id=membership_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        enterprise = selectors.enterprise_get(enterprise_id=membership.enterprise_id)
        messages.success(request, SUSPENSION_DECISIONS_DONE[decision] % {"enterprise": enterprise.name})
    return redirect(back)


@login_required
@require_POST
@access_refusals
def memberships_bulk_approve(request, slug):
    cluster = _cluster(request, slug)
    back = next_url(request, reverse("moderation-queue", args=[cluster.slug]))
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        approved = membership_services.memberships_bulk_approve(
            actor=request.user,
            cluster=cluster,
            membership_ids=form.cleaned_data["memberships"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(count)d applications were approved.") % {"count": len(approved)})
    return redirect(back)


@login_required
@access_refusals
def member_history(request, slug, membership_id):
    cluster = _administered_cluster(request, slug)
    if cluster is None:
        return forbidden(request, _("Only the cluster's administrators can read a member's history."))
    membership = selectors.memberships_for(cluster=cluster, user=request.user).filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    membership.decisions = _decision_buttons(membership)
    enterprise = selectors.enterprise_get(enterprise_id=membership.enterprise_id)
    page = PageQuery(request.GET).page_of(selectors.audit_events(cluster=cluster, enterprise_id=enterprise.pk), 50)
    for event in page.object_list:
        event.label = AUDIT_ACTIONS.get(event.action, event.action)
        before, after = event.before.get("status"), event.after.get("status")
        event.before_label = STATUS_LABELS.get(before, before) if before else ""
        event.after_label = STATUS_LABELS.get(after, after) if after else ""
    reports = selectors.reports_for(cluster=cluster, user=request.user).filter(subject=enterprise)
    return render(
        request,
        "membership/member_history.html",
        {
            "cluster": cluster,
            "membership": membership,
            "enterprise": enterprise,
            "page": page,
            "reports": reports,
        },
    )


# --- Member directory ---------------------------------------------------------------------------


@login_required
@access_refusals
def member_directory(request, slug):
    cluster = _cluster(request, slug)
    is_member = tenancy_selectors.MEMBER in tenancy_selectors.cluster_roles_for(user=request.user, cluster=cluster)
    if not (is_member or is_cluster_administrator(user=request.user, cluster=cluster)):
        return forbidden(request, _("The member directory is open to the cluster's members and administrators."))
    query = PageQuery(request.GET)
    form = DirectoryFilterForm(request.GET)
    form.is_valid()  # invalid filters are shown with their error and ignored
    filters = form.cleaned_data
    certification = filters.get("certification")
    members = selectors.member_directory(
        cluster=cluster,
        search=filters.get("q") or "",
        capability=filters.get("capability") or "",
        region=filters.get("region") or "",
        certification=certification.code if certification else "",
    )
    mine = (
        set(selectors.user_enterprises(user=request.user).prefetch_related(None).values_list("pk", flat=True))
        if is_member
        else set()
    )
    return render(
        request,
        "membership/member_directory.html",
        {
            "cluster": cluster,
            "form": form,
            "page": query.page_of(members, 24),
            "paging_query": query_string(form),
            "can_report": is_member,
            "mine": mine,
        },
    )


# --- Reports ------------------------------------------------------------------------------------


@login_required
@access_refusals
def cluster_reports(request, slug):
    cluster = _cluster(request, slug)
    is_admin = is_cluster_administrator(user=request.user, cluster=cluster)
    is_member = tenancy_selectors.MEMBER in tenancy_selectors.cluster_roles_for(user=request.user, cluster=cluster)
    if not (is_admin or is_member):
        return forbidden(request, _("Reports are open to the cluster's members and administrators."))
    query = PageQuery(request.GET, status=(("open", "all") if is_admin else ("all",), "open" if is_admin else "all"))
    status = query.value("status")
    reports = selectors.reports_for(
        cluster=cluster, user=request.user, status=Report.Status.OPEN if status == "open" else None
    )
    page = query.page_of(reports, PAGE_SIZE)
    listings = marketplace_selectors.listing_summaries(
        cluster=cluster, refs=[(r.listing_kind, r.listing_id) for r in page.object_list if r.listing_kind]
    )
    for report in page.object_list:
        report.listing = _reported_listing(cluster, report, listings)
        if is_admin and report.status == Report.Status.OPEN:
            report.resolve_form = ResolveForm(
                auto_id=f"id_report{report.pk}_%s",
                remove_listing=report.listing is not None and report.listing["removable"],
            )
    return render(
        request,
        "membership/cluster_reports.html",
        {
            "cluster": cluster,
            "is_admin": is_admin,
            "status": status,
            "page": page,
            "paging_query": query_string(query),
        },
    )


def _reported_listing(cluster, report, listings: dict) -> dict | None:
    """What the reports page shows of the listing a report names: its title, status and page."""
    if not report.listing_kind:
        return None
    found = listings.get((report.listing_kind, report.listing_id))
    return {
        "noun": Report.ListingKind(report.listing_kind).label,
        "title": found["title"] if found else _("Listing %(id)s") % {"id": report.listing_id},
        "status": found["status"] if found else "",
        "status_label": ListingStatus(found["status"]).label if found else "",
        "removable": bool(found) and found["status"] in REMOVABLE,
        "url": reverse("listing-detail", args=[cluster.slug, report.listing_kind, report.listing_id]) if found else "",
    }


@login_required
@require_POST
@access_refusals
def report_resolve(request, slug, report_id):
    cluster = _cluster(request, slug)
    back = next_url(request, reverse("cluster-reports", args=[cluster.slug]))
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a resolution and give a reason."))
        return redirect(back)
    try:
        report_services.report_resolve(actor=request.user, cluster=cluster, report_id=report_id, **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The report was resolved."))
    return redirect(back)


@login_required
@GET_POST
@access_refusals
def report_create(request, slug):
    cluster = _cluster(request, slug)
    if tenancy_selectors.MEMBER not in tenancy_selectors.cluster_roles_for(user=request.user, cluster=cluster):
        return forbidden(request, _("Only active members of this cluster can file reports."))
    listing, listing_kind = None, None
    target = ReportTargetForm(request.GET)
    if not target.is_valid():  # ?subject=² or ?listing=order:x names nothing that exists
        raise Http404
    if target["listing"].data is not None:
        # ?listing=order:123 — a listing of this cluster that the caller may see (drafts only their owners)
        listing_kind, listing_id = target.cleaned_data["listing"] or (None, None)
        if listing_kind:
            listing = marketplace_selectors.listing_get(cluster=cluster, kind=listing_kind, listing_id=listing_id)
        if listing is None or listing.status == ListingStatus.DRAFT:
            raise Http404
        subject = listing.owner
    else:
        subject_id = target.cleaned_data["subject"]
        subject = selectors.enterprise_get(enterprise_id=subject_id) if subject_id else None
    if subject is None:
        raise Http404
    reporters = [
        e
        for e in selectors.user_enterprises(user=request.user).filter(
            memberships__cluster=cluster, memberships__status=Membership.Status.ACTIVE
        )
        if e.pk != subject.pk
    ]
    if not reporters:
        if listing is not None:
            return forbidden(request, _("Your enterprise cannot report its own listing."))
        return forbidden(request, _("Your enterprise cannot report itself."))
    form = ReportForm(request.POST if request.method == "POST" else None, reporters=reporters)
    status, headers = 200, {}
    if form.is_bound and form.is_valid():
        target = {"listing_kind": listing_kind, "listing_id": listing.pk} if listing is not None else {}
        try:
            report_services.report_file(
                actor=request.user, cluster=cluster, subject=subject, **target, **form.cleaned_data
            )
        except report_services.ReportRateLimitedError as exc:
            messages.error(request, str(exc.message))
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
            status = getattr(exc, "status", 400)
        else:
            if listing is not None:
                done = _("Your report about “%(listing)s” of %(enterprise)s was sent to the administrators.") % {
                    "listing": listing.title,
                    "enterprise": subject.name,
                }
            else:
                done = _("Your report about %(enterprise)s was sent to the administrators.") % {
                    "enterprise": subject.name
                }
            messages.success(request, done)
            return redirect("cluster-reports", cluster.slug)
    response = render(
        request,
        "membership/report_form.html",
        {
            "cluster": cluster,
            "subject": subject,
            "listing": listing,
            "listing_noun": Report.ListingKind(listing_kind).label if listing is not None else "",
            "listing_url": reverse("listing-detail", args=[cluster.slug, listing_kind, listing.pk])
            if listing is not None
            else "",
            "form": form,
            "single_reporter": reporters[0] if len(reporters) == 1 else None,
        },
        status=400 if status == 200 and form.errors else status,
    )
    for name, value in headers.items():
        response[name] = value
    return response
