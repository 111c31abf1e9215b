"""Pages of governance: the council and its seats, proposals from draft to enactment with
their debate and the vote, and the rulebook with its history.

Every page belongs to one cluster and opens to its active members, its council (holders of
a current seat) and its administrators; others get a 403 page, and objects of another
cluster (or someone else's draft) are a 404. Views validate input with a form and call one
service — the same services and selectors as the REST API; a service's refusal becomes a
form error or an error message, never a 500. Every state change is a POST that redirects
with a message. Lists are paginated and read with a fixed number of queries. The result of
a vote is shown only once it has been tallied, after the window has closed.
"""

import math
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import PageQuery, query_string
from apps.membership.models import Enterprise, Membership
from apps.membership.permissions import MANAGERS
from apps.membership.views import access_refusals, forbidden
from apps.tenancy import selectors as tenancy_selectors
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY, defaults, rules_in_force

from . import selectors
from .forms import (
    CHANGE_KINDS,
    CommentForm,
    CosignForm,
    OpenVotingForm,
    PetitionForm,
    ProposalForm,
    VoteForm,
    format_value,
    founding_seat_formset,
)
from .models import Comment, PetitionSignature, Proposal, ProposalRevision, RuleVersion, Seat, Vote
from .services import council as council_services
from .services import petitions as petitions_services
from .services import proposals as proposals_services
from .services import voting as voting_services

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 20
COMMENT_PAGE_SIZE = 50
GET_POST = require_http_methods(["GET", "HEAD", "POST"])
P = Proposal.Status

#: the rulebook's units, as the pages name them
UNIT_LABELS = {
    "reports": gettext_lazy("reports"),
    "weight": gettext_lazy("weight"),
    "fraction": gettext_lazy("fraction"),
    "supplies": gettext_lazy("supplies"),
    "hours": gettext_lazy("hours"),
    "listings": gettext_lazy("listings"),
    "days": gettext_lazy("days"),
    "fraction of seats": gettext_lazy("fraction of seats"),
    "fraction of votes cast": gettext_lazy("fraction of votes cast"),
    "yes/no": gettext_lazy("yes/no"),
    "filled by": gettext_lazy("filled by"),
}
STATUS_TABS = {
    "all": gettext_lazy("All"),
    "voting": gettext_lazy("Voting"),
    "deliberation": gettext_lazy("In deliberation"),
    "petitions": gettext_lazy("Petitions"),
    "decided": gettext_lazy("Decided"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "drafts": gettext_lazy("Drafts"),
}
TAB_STATUSES = {
    "all": None,
    "voting": [P.VOTING],
    "deliberation": [P.DELIBERATION],
    "petitions": [P.PETITION],
    "decided": [P.PASSED, P.REJECTED, P.ENACTED, P.EXPIRED],
    "withdrawn": [P.WITHDRAWN],
    "drafts": [P.DRAFT],
}
#: the rulebook's sections (the first part of a parameter's key)
RULE_GROUPS = {
    "moderation": gettext_lazy("Moderation"),
    "matching": gettext_lazy("Matching"),
    "marketplace": gettext_lazy("Marketplace"),
    "governance": gettext_lazy("Governance (the charter)"),
    "monitoring": gettext_lazy("Monitoring"),
    "membership": gettext_lazy("Membership"),
}
SEAT_FILLING_LABELS = {
    "election": gettext_lazy("Seats filled by election: a member enterprise's petition puts the candidate forward"),
    "nomination": gettext_lazy("Seats filled by nomination: the chamber's seat holders put the candidate forward"),
    "appointment": gettext_lazy("Seats filled by appointment: any seat holder puts the candidate forward"),
}
SEAT_STATES = {
    "current": gettext_lazy("Current"),
    "upcoming": gettext_lazy("Upcoming"),
    "ended": gettext_lazy("Term ended"),
}


# --- Access -------------------------------------------------------------------------------------


@dataclass
class Access:
    """Who the caller is in the cluster of the URL."""

    cluster: object
    is_admin: bool
    is_member: bool
    is_council: bool
    roles: frozenset = field(default_factory=frozenset)

    def context(self, **extra) -> dict:
        return {
            "cluster": self.cluster,
            "is_admin": self.is_admin,
            "is_member": self.is_member,
            "is_council": self.is_council,
            **extra,
        }


def _access(request, slug) -> Access:
    """The cluster (404 if hidden) and the caller's standing; 403 unless a member, council member or administrator."""
    cluster = tenancy_selectors.cluster_get(slug=slug, user=request.user)
    roles = tenancy_selectors.cluster_roles_for(user=request.user, cluster=cluster)
    access = Access(
        cluster=cluster,
        is_admin=tenancy_selectors.ADMINISTRATOR in roles or request.user.is_staff,
        is_member=tenancy_selectors.MEMBER in roles,
        is_council=tenancy_selectors.COUNCIL in roles,
        roles=roles,
    )
    if not (access.is_admin or access.is_member or access.is_council):
        raise PermissionDeniedError(
            _(
                "The council, its proposals and the rulebook are open to the cluster's members, council and administrators."
            )
        )
    return access


def _refused(request, error: Exception) -> None:
    """A button's action was refused: say why (access refusals keep their 403 / 404)."""
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error
    if isinstance(error, DomainError):
        messages.error(request, str(error.message))
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        raise error


def _percent(fraction) -> str:
    return f"{float(fraction) * 100:.4g}\u00a0%"


def _unit(key: str) -> str:
    rule = REGISTRY.get(key)
    return UNIT_LABELS.get(rule.unit, rule.unit) if rule else ""


def _rule_range(key: str) -> str:
    rule = REGISTRY[key]
    if rule.type == "bool":
        return _("yes or no")
    if rule.type == "choice":
        return " / ".join(rule.choices)
    return f"{format_value(rule.minimum)} – {format_value(rule.maximum)}"


# --- The council --------------------------------------------------------------------------------


def _member_enterprises(cluster) -> list[Enterprise]:
    return list(
        Enterprise.objects.filter(memberships__cluster=cluster, memberships__status=Membership.Status.ACTIVE)
        .distinct()
        .order_by("legal_name_zh")
    )


def _enterprises_of(user, cluster) -> list[Enterprise]:
    """The active member enterprises of ``cluster`` that ``user`` may act for (as owner or administrator)."""
    return list(
        Enterprise.objects.filter(
            memberships__cluster=cluster,
            memberships__status=Membership.Status.ACTIVE,
            people__user=user,
            people__role__in=MANAGERS,
        )
        .distinct()
        .order_by("legal_name_zh", "pk")
    )


def _charter_summary(values: dict) -> list[tuple[str, str]]:
    """How the council decides, from the charter in force."""
    return [
        (_("Quorum"), _("%(share)s of the seats vote") % {"share": _percent(values["governance.quorum"])}),
        (
            _("Rules, policies and sanctions"),
            _("more than %(share)s of the yes and no votes")
            % {"share": _percent(values["governance.majority_threshold"])},
        ),
        (
            _("Charter changes"),
            _("yes from at least %(share)s of all seats") % {"share": _percent(values["governance.charter_threshold"])},
        ),
        (_("Default voting window"), _("%(hours)s hours") % {"hours": values["governance.voting_hours"]}),
        (
            _("Votes may be changed"),
            _("until the window closes") if values["governance.votes_changeable"] else _("no"),
        ),
        (_("Quorum in every chamber"), _("yes") if values["governance.per_chamber_quorum"] else _("no")),
    ]


def _render_council(request, access: Access, founding=None):
    now = timezone.now()
    by_chamber = {value: [] for value in Seat.Chamber.values}
    for seat in selectors.seats(cluster=access.cluster):
        seat.state = "current" if seat.covers(now) else "upcoming" if seat.term_start > now else "ended"
        seat.state_label = SEAT_STATES[seat.state]
        seat.can_resign = seat.holder_id == request.user.pk and seat.state != "ended"
        by_chamber.setdefault(seat.chamber, []).append(seat)
    chambers = [
        {"value": value, "label": Seat.Chamber(value).label, "seats": seats} for value, seats in by_chamber.items()
    ]
    values = rules_in_force(access.cluster)
    for chamber in chambers:
        chamber["filled_by"] = SEAT_FILLING_LABELS.get(values[f"governance.seats.{chamber['value']}"], "")
    may_found = access.is_admin and not selectors.council_is_constituted(cluster=access.cluster)
    if may_found and founding is None:
        founding = founding_seat_formset(enterprises=_member_enterprises(access.cluster))
    return render(
        request,
        "governance/council.html",
        access.context(
            chambers=chambers,
            current_count=sum(1 for c in chambers for s in c["seats"] if s.state == "current"),
            founding=founding if may_found else None,
            charter=_charter_summary(values),
        ),
    )


@login_required
@access_refusals
def council(request, slug):
    return _render_council(request, _access(request, slug))


@login_required
@require_POST
@access_refusals
def council_bootstrap(request, slug):
    """An administrator constitutes the empty council, once: every founding seat in one act."""
    access = _access(request, slug)
    if not access.is_admin:
        return forbidden(request, _("Only the cluster's administrators constitute the council."))
    founding = founding_seat_formset(request.POST, enterprises=_member_enterprises(access.cluster))
    if founding.is_valid():
        try:
            seats = council_services.council_bootstrap(
                actor=request.user, cluster=access.cluster, seats=founding.seats()
            )
        except ConflictError as exc:
            _refused(request, exc)
            return redirect("council", access.cluster.slug)
        except (DomainError, ValidationError) as exc:
            founding.add_refusal(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "The council is constituted with %(count)d seat.",
                    "The council is constituted with %(count)d seats.",
                    len(seats),
                )
                % {"count": len(seats)},
            )
            return redirect("council", access.cluster.slug)
    return _render_council(request, access, founding)


@login_required
@require_POST
@access_refusals
def seat_resign(request, slug, seat_id):
    access = _access(request, slug)
    try:
        seat = council_services.seat_resign(actor=request.user, cluster=access.cluster, seat_id=seat_id)
    except (DomainError, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("You resigned your seat among the %(chamber)s.") % {"chamber": seat.get_chamber_display().lower()},
        )
    return redirect("council", access.cluster.slug)


# --- Proposals: the list ------------------------------------------------------------------------


def _listed(queryset):
    """Voting first (closing soonest first), then deliberation, petitions, drafts, and the rest, newest first."""
    return queryset.annotate(
        stage=Case(
            When(status=P.VOTING, then=Value(0)),
            When(status=P.DELIBERATION, then=Value(1)),
            When(status=P.PETITION, then=Value(2)),
            When(status=P.DRAFT, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        closing=Case(When(status=P.VOTING, then=F("voting_closes_at")), default=None),
    ).order_by("stage", F("closing").asc(nulls_last=True), "-created_at", "-pk")


@login_required
@access_refusals
def proposal_list(request, slug):
    access = _access(request, slug)
    query = PageQuery(request.GET, status=(STATUS_TABS, "all"), kind=(Proposal.Kind.values, ""))
    status, kind = query.value("status"), query.value("kind")
    proposals = selectors.proposals(cluster=access.cluster, user=request.user).select_related("petitioner")
    if TAB_STATUSES[status]:
        proposals = proposals.filter(status__in=TAB_STATUSES[status])
    if kind:
        proposals = proposals.filter(kind=kind)
    page = query.page_of(_listed(proposals), PAGE_SIZE)
    for proposal in page.object_list:
        proposal.window_open = proposal.voting_is_open
        proposal.counted = bool(proposal.tallied_at and proposal.result)
    return render(
        request,
        "governance/proposal_list.html",
        access.context(
            page=page,
            status=status,
            tabs=STATUS_TABS.items(),
            kind=kind,
            kinds=Proposal.Kind.choices,
            paging_query=query_string(query),
            can_propose=access.is_council,
            can_petition=access.is_member
            and bool(rules_in_force(access.cluster)["governance.petition_cosigners"])
            and bool(_enterprises_of(request.user, access.cluster)),
        ),
    )


# --- Proposals: drafting and amending -------------------------------------------------------------


def _sanctionable(cluster):
    return (
        Membership.objects.filter(cluster=cluster, status__in=[Membership.Status.ACTIVE, Membership.Status.SUSPENDED])
        .select_related("enterprise")
        .order_by("enterprise__legal_name_zh", "pk")
    )


def _seat_choices(cluster) -> dict:
    """What a council-seat proposal chooses from: the seats that have not ended, and the member enterprises."""
    return {
        "seats": list(selectors.seats(cluster=cluster).filter(term_end__gt=timezone.now())),
        "seat_enterprises": _member_enterprises(cluster),
    }


def _form_page(request, access: Access, form: ProposalForm | None, *, proposal=None, petition=None):
    return render(
        request,
        "governance/proposal_form.html",
        access.context(
            form=form,
            proposal=proposal,
            petition=petition,
            charter_keys=sorted(CHARTER_KEYS),
            change_kinds=[str(k) for k in CHANGE_KINDS],
        ),
    )


@login_required
@GET_POST
@access_refusals
def proposal_create(request, slug):
    access = _access(request, slug)
    if not access.is_council:
        return forbidden(request, _("Only council members with a current seat may draft proposals."))
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        values=rules_in_force(access.cluster),
        memberships=_sanctionable(access.cluster),
        kind=PageQuery(request.GET, kind=(Proposal.Kind.values, None)).value("kind"),
        **_seat_choices(access.cluster),
    )
    if form.is_bound and form.is_valid():
        try:
            proposal = proposals_services.proposal_draft(
                actor=request.user, cluster=access.cluster, **form.service_kwargs()
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is saved as a draft. Submit it to open the deliberation.") % {"title": proposal.title},
            )
            return redirect("proposal-detail", access.cluster.slug, proposal.pk)
    return _form_page(request, access, form)


@login_required
@GET_POST
@access_refusals
def petition_create(request, slug):
    """A member enterprise's owner or administrator petitions the council (if the charter allows petitions)."""
    access = _access(request, slug)
    values = rules_in_force(access.cluster)
    needed = values["governance.petition_cosigners"]
    if not needed:
        return _form_page(request, access, None, petition={"closed": True})
    enterprises = _enterprises_of(request.user, access.cluster)
    if not enterprises:
        return forbidden(
            request, _("Only owners and administrators of an active member enterprise may petition the council.")
        )
    form = PetitionForm(
        request.POST if request.method == "POST" else None,
        values=values,
        memberships=_sanctionable(access.cluster),
        kind=PageQuery(request.GET, kind=(Proposal.Kind.values, None)).value("kind"),
        enterprises=enterprises,
        **_seat_choices(access.cluster),
    )
    if form.is_bound and form.is_valid():
        try:
            proposal = petitions_services.petition_start(
                actor=request.user, cluster=access.cluster, **form.service_kwargs()
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "“%(title)s” is open for co-signing: the council debates it once %(count)d other member "
                    "enterprise co-signs.",
                    "“%(title)s” is open for co-signing: the council debates it once %(count)d other member "
                    "enterprises co-sign.",
                    needed,
                )
                % {"title": proposal.title, "count": needed},
            )
            return redirect("proposal-detail", access.cluster.slug, proposal.pk)
    return _form_page(request, access, form, petition={"closed": False, "needed": needed})


def _proposal_get(request, access: Access, pk: int) -> Proposal:
    """A proposal of the cluster the caller may see (drafts: their author only); 404 otherwise."""
    proposal = (
        selectors.proposals(cluster=access.cluster, user=request.user)
        .select_related("petitioner", "seat__holder")
        .prefetch_related(
            Prefetch("revisions", queryset=ProposalRevision.objects.select_related("author").order_by("number"))
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


@login_required
@GET_POST
@access_refusals
def proposal_amend(request, slug, pk):
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    if proposal.author_id != request.user.pk:
        return forbidden(request, _("Only the author may amend a proposal."))
    if proposal.status not in (P.DRAFT, P.DELIBERATION):
        messages.error(request, _("A proposal can be amended only before the vote."))
        return redirect("proposal-detail", access.cluster.slug, proposal.pk)
    form = ProposalForm(
        request.POST if request.method == "POST" else None, values=rules_in_force(access.cluster), proposal=proposal
    )
    if form.is_bound and form.is_valid():
        try:
            amended = proposals_services.proposal_amend(
                actor=request.user, cluster=access.cluster, proposal_id=proposal.pk, **form.service_kwargs()
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("Revision %(number)d is saved.") % {"number": amended.revision})
            return redirect("proposal-detail", access.cluster.slug, proposal.pk)
    return _form_page(request, access, form, proposal=proposal)


# --- Proposals: the page ----------------------------------------------------------------------


def _diff(proposal: Proposal, in_force: dict) -> dict | None:
    """Each proposed parameter against the rulebook in force — or, once enacted, against the version before."""
    if proposal.kind not in CHANGE_KINDS:
        return None
    before, version, enacted = in_force, None, False
    if proposal.status == P.ENACTED:
        version = RuleVersion.objects.filter(cluster=proposal.cluster_id, proposal=proposal).order_by("number").first()
        if version is not None:
            enacted = True
            previous = (
                RuleVersion.objects.filter(cluster=proposal.cluster_id, number__lt=version.number)
                .order_by("-number")
                .first()
            )
            before = {**defaults(), **(previous.values if previous else {})}
    rows = []
    for key, value in (proposal.changes or {}).items():
        rule = REGISTRY.get(key)
        current = before.get(key, rule.default if rule else None)
        rows.append(
            {
                "key": key,
                "description": rule.description if rule else "",
                "unit": _unit(key),
                "current": format_value(current),
                "proposed": format_value(value),
                "changed": current != value,
                "charter": key in CHARTER_KEYS,
            }
        )
    return {
        "rows": rows,
        "enacted": enacted,
        "version": version,
        "scheduled": bool(version and version.effective_at > timezone.now()),
    }


def _result(proposal: Proposal) -> dict | None:
    """The tally as the page shows it (only once tallied: never while the vote is open)."""
    if not proposal.tallied_at or not proposal.result:
        return None
    r = proposal.result
    seats, yes, no = r.get("seats", 0), r.get("yes", 0), r.get("no", 0)
    quorum, threshold = r.get("quorum", 0), r.get("threshold", 0)
    if r.get("threshold_basis") == "seats":
        basis = _("yes from at least %(share)s of all seats") % {"share": _percent(threshold)}
        yes_share = yes / seats if seats else 0
        approved = bool(seats) and yes_share >= threshold
        yes_of = _("%(yes)d of %(total)d seats") % {"yes": yes, "total": seats}
    else:
        basis = _("yes from more than %(share)s of the yes and no votes") % {"share": _percent(threshold)}
        yes_share = yes / (yes + no) if yes + no else 0
        approved = yes + no > 0 and yes_share > threshold
        yes_of = _("%(yes)d of %(total)d yes and no votes") % {"yes": yes, "total": yes + no}
    chambers = [
        {
            "label": Seat.Chamber(name).label if name in Seat.Chamber.values else name,
            "seats": c.get("seats", 0),
            "voted": c.get("voted", 0),
            "met": c.get("met", False),
        }
        for name, c in sorted((r.get("chambers") or {}).items())
    ]
    return {
        "passed": r.get("passed", False),
        "seats": seats,
        "cast": r.get("cast", 0),
        "yes": yes,
        "no": no,
        "abstain": r.get("abstain", 0),
        "quorum": _percent(quorum),
        "quorum_seats": math.ceil(quorum * seats - 1e-9) if seats else 0,
        "quorum_met": r.get("quorum_met", False),
        "threshold": _percent(threshold),
        "basis": basis,
        "approved": approved,
        "yes_share": _percent(yes_share),
        "yes_of": yes_of,
        "chambers": chambers,
    }


def _petition(request, access: Access, proposal: Proposal, needed: int) -> dict | None:
    """A petition collecting co-signers: who signed, how many are needed, and the caller's co-sign form."""
    if proposal.status != P.PETITION:
        return None
    signatures = list(
        PetitionSignature.objects.filter(proposal=proposal)
        .select_related("enterprise", "signed_by")
        .order_by("created_at", "pk")
    )
    signed = {s.enterprise_id for s in signatures}
    mine = _enterprises_of(request.user, access.cluster) if access.is_member else []
    eligible = [e for e in mine if e.pk != proposal.petitioner_id and e.pk not in signed]
    return {
        "signatures": signatures,
        "count": len(signatures),
        "needed": needed,
        "missing": max(needed - len(signatures), 0),
        "signed_for": [e for e in mine if e.pk in signed],
        "is_petitioner": any(e.pk == proposal.petitioner_id for e in mine),
        "cosign_form": CosignForm(enterprises=eligible) if eligible else None,
        "cosign_for": eligible[0] if len(eligible) == 1 else None,
    }


def _render_detail(request, access: Access, proposal: Proposal, *, vote_form=None, comment_form=None, open_form=None):
    user, cluster, now = request.user, access.cluster, timezone.now()
    values = rules_in_force(cluster)
    is_author = proposal.author_id == user.pk
    window_open = proposal.voting_is_open

    # The vote box: the caller's seats and their votes while the window is open.
    held = selectors.seats_of(user=user, cluster=cluster) if window_open else []
    my_seats = selectors.voting_seats(proposal=proposal, seats=held)
    my_votes = (
        list(Vote.objects.filter(proposal=proposal, seat__in=my_seats).select_related("seat")) if my_seats else []
    )
    changeable = bool(values["governance.votes_changeable"])
    can_vote = bool(my_seats) and (changeable or len(my_votes) < len(my_seats))
    if can_vote and vote_form is None:
        mine = my_votes[0] if my_votes and len(my_seats) == 1 else None
        vote_form = VoteForm(seats=my_seats, initial={"choice": mine.choice, "reason": mine.reason} if mine else None)

    can_comment = (access.is_member or access.is_council) and proposal.status in (P.DELIBERATION, P.VOTING)
    query = PageQuery(request.GET)
    comments = query.page_of(
        Comment.objects.filter(proposal=proposal).select_related("author").order_by("created_at", "pk"),
        COMMENT_PAGE_SIZE,
    )
    result = _result(proposal)
    roll_call = (
        list(Vote.objects.filter(proposal=proposal).select_related("seat", "voter").order_by("seat__chamber", "pk"))
        if result
        else []
    )
    can_open = proposal.status == P.DELIBERATION and (is_author or access.is_admin)
    can_amend = is_author and proposal.status in (P.DRAFT, P.DELIBERATION)
    can_submit = is_author and proposal.status == P.DRAFT
    can_withdraw = is_author and (proposal.status in (P.DRAFT, P.DELIBERATION) or window_open)
    petition = _petition(request, access, proposal, values["governance.petition_cosigners"])
    revisions = list(proposal.revisions.all())
    for revision in revisions:
        revision.change_list = [(k, format_value(v)) for k, v in (revision.changes or {}).items()]
    return render(
        request,
        "governance/proposal_detail.html",
        access.context(
            proposal=proposal,
            is_author=is_author,
            diff=_diff(proposal, values),
            revisions=revisions,
            comments=comments,
            comment_form=(comment_form or CommentForm()) if can_comment else None,
            window_open=window_open,
            window_pending=proposal.status == P.VOTING and proposal.voting_opens_at and proposal.voting_opens_at > now,
            counting=proposal.status == P.VOTING and proposal.voting_closes_at and proposal.voting_closes_at <= now,
            my_votes=my_votes,
            votes_changeable=changeable,
            vote_form=vote_form if can_vote else None,
            result=result,
            roll_call=roll_call,
            can_amend=can_amend,
            can_submit=can_submit,
            open_form=(open_form or OpenVotingForm()) if can_open else None,
            can_withdraw=can_withdraw,
            petition=petition,
            has_panel=bool(
                proposal.status == P.VOTING or petition or can_amend or can_submit or can_open or can_withdraw
            ),
            default_hours=values["governance.voting_hours"],
            paging_query=query_string(query),
        ),
    )


@login_required
@access_refusals
def proposal_detail(request, slug, pk):
    access = _access(request, slug)
    return _render_detail(request, access, _proposal_get(request, access, pk))


def _back(access: Access, proposal: Proposal):
    return redirect("proposal-detail", access.cluster.slug, proposal.pk)


@login_required
@require_POST
@access_refusals
def proposal_submit(request, slug, pk):
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    try:
        proposals_services.proposal_submit(actor=request.user, cluster=access.cluster, proposal_id=proposal.pk)
    except (DomainError, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The proposal is open for deliberation: members may now read and comment."))
    return _back(access, proposal)


@login_required
@require_POST
@access_refusals
def proposal_open_voting(request, slug, pk):
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    form = OpenVotingForm(request.POST)
    if form.is_valid():
        try:
            opened = proposals_services.proposal_open_voting(
                actor=request.user,
                cluster=access.cluster,
                proposal_id=proposal.pk,
                closes_at=form.cleaned_data["closes_at"],
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.field == "closes_at":
                form.add_error("closes_at", str(exc.message))
            else:
                _refused(request, exc)
                return _back(access, proposal)
        else:
            messages.success(
                request,
                _("Voting is open until %(time)s.")
                % {"time": timezone.localtime(opened.voting_closes_at).strftime("%Y-%m-%d %H:%M")},
            )
            return _back(access, proposal)
    return _render_detail(request, access, proposal, open_form=form)


@login_required
@require_POST
@access_refusals
def proposal_withdraw(request, slug, pk):
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    try:
        proposals_services.proposal_withdraw(actor=request.user, cluster=access.cluster, proposal_id=proposal.pk)
    except (DomainError, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The proposal is withdrawn."))
    return _back(access, proposal)


@login_required
@require_POST
@access_refusals
def proposal_cosign(request, slug, pk):
    """An owner or administrator of a member enterprise co-signs a petition for it."""
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    enterprises = _enterprises_of(request.user, access.cluster) if access.is_member else []
    if not enterprises:
        return forbidden(request, _("Only owners and administrators of an active member enterprise co-sign petitions."))
    form = CosignForm(request.POST, enterprises=enterprises)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("enterprise", [])))
        return _back(access, proposal)
    enterprise = form.cleaned_data["enterprise"]
    try:
        signed = petitions_services.petition_cosign(
            actor=request.user, cluster=access.cluster, proposal_id=proposal.pk, enterprise=enterprise
        )
    except (DomainError, ValidationError) as exc:
        _refused(request, exc)
    else:
        if signed.status == P.DELIBERATION:
            messages.success(
                request,
                _("%(enterprise)s co-signed. The petition has enough co-signers: it is open for deliberation.")
                % {"enterprise": enterprise.name},
            )
        else:
            messages.success(request, _("%(enterprise)s co-signed the petition.") % {"enterprise": enterprise.name})
    return _back(access, proposal)


@login_required
@require_POST
@access_refusals
def proposal_comment(request, slug, pk):
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    if not (access.is_member or access.is_council):
        return forbidden(request, _("Only the cluster's members and council members may comment."))
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            proposals_services.comment_add(
                actor=request.user, cluster=access.cluster, proposal_id=proposal.pk, body=form.cleaned_data["body"]
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.field == "body":
                form.add_error("body", str(exc.message))
            else:
                _refused(request, exc)
                return _back(access, proposal)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(reverse("proposal-detail", args=[access.cluster.slug, proposal.pk]) + "#comments")
    return _render_detail(request, access, proposal, comment_form=form)


@login_required
@require_POST
@access_refusals
def proposal_vote(request, slug, pk):
    access = _access(request, slug)
    proposal = _proposal_get(request, access, pk)
    seats = selectors.voting_seats(
        proposal=proposal, seats=selectors.seats_of(user=request.user, cluster=access.cluster)
    )
    form = VoteForm(request.POST, seats=seats)
    if form.is_valid():
        try:
            vote = voting_services.vote_cast(
                actor=request.user,
                cluster=access.cluster,
                proposal_id=proposal.pk,
                choice=form.cleaned_data["choice"],
                reason=form.cleaned_data["reason"],
                seat_id=form.cleaned_data.get("seat"),
            )
        except (DomainError, ValidationError) as exc:
            on_a_field = isinstance(exc, DomainError) and exc.field in form.fields
            if on_a_field and not isinstance(exc, PermissionDeniedError | NotFoundError):
                form.add_error(exc.field, str(exc.message))
                return _render_detail(request, access, proposal, vote_form=form)
            _refused(request, exc)
            return _back(access, proposal)
        messages.success(request, _("Your vote is recorded: %(choice)s.") % {"choice": vote.get_choice_display()})
        return _back(access, proposal)
    return _render_detail(request, access, proposal, vote_form=form)


# --- The rulebook ---------------------------------------------------------------------------------


def _history(versions: list[RuleVersion], previous: RuleVersion | None, in_force: RuleVersion | None) -> None:
    """What each version changed: every parameter's value before and after (versions newest first)."""
    now = timezone.now()
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else previous
        before = {**defaults(), **(older.values if older else {})}
        version.rows = [
            {
                "key": key,
                "description": REGISTRY[key].description if key in REGISTRY else "",
                "unit": _unit(key),
                "before": format_value(before.get(key)),
                "after": format_value(value),
            }
            for key, value in (version.changes or {}).items()
        ]
        version.scheduled = version.effective_at > now
        version.is_in_force = in_force is not None and version.pk == in_force.pk


def _group_order(key: str) -> int:
    """Parameters by section (in the order of ``RULE_GROUPS``), in the registry's order within each."""
    groups = list(RULE_GROUPS)
    group = key.partition(".")[0]
    return groups.index(group) if group in groups else len(groups)


@login_required
@access_refusals
def rulebook(request, slug):
    access = _access(request, slug)
    values = rules_in_force(access.cluster)
    in_force = selectors.rulebook_version_in_force(cluster=access.cluster)
    rules = [
        {
            "key": key,
            "group": key.partition(".")[0],
            "description": rule.description,
            "value": format_value(values[key]),
            "unit": _unit(key),
            "range": _rule_range(key),
            "default": format_value(rule.default),
            "charter": key in CHARTER_KEYS,
            "changed": values[key] != rule.default,
        }
        for key, rule in sorted(REGISTRY.items(), key=lambda item: _group_order(item[0]))
    ]
    for rule in rules:
        rule["group_label"] = RULE_GROUPS.get(rule["group"], rule["group"].capitalize())
    query = PageQuery(request.GET)
    page = query.page_of(selectors.rulebook_history(cluster=access.cluster), HISTORY_PAGE_SIZE)
    versions = list(page.object_list)
    previous = None
    if versions and versions[-1].number > 1:
        previous = (
            RuleVersion.objects.filter(cluster=access.cluster, number__lt=versions[-1].number)
            .order_by("-number")
            .first()
        )
    _history(versions, previous, in_force)
    return render(
        request,
        "governance/rulebook.html",
        access.context(
            rules=rules,
            in_force=in_force,
            page=page,
            versions=versions,
            paging_query=query_string(query),
            checkpoint=selectors.chain_checkpoints(cluster=access.cluster).first(),
        ),
    )
