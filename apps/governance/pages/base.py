"""What the governance pages share: who may open them, how a refused button says why, and how
the rulebook's values are written."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.tenancy.pages import ADMINISTRATOR, COUNCIL, MEMBER
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY

from .. import selectors
from ..forms import CHANGE_KINDS, format_value
from ..models import Proposal

#: every governance page opens to the cluster's members, its council and its administrators
READERS = (MEMBER, COUNCIL, ADMINISTRATOR)
READERS_REFUSAL = gettext_lazy(
    "The council, its proposals and the rulebook are open to the cluster's members, council and administrators."
)

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


def percent(fraction) -> str:
    return f"{float(fraction) * 100:.4g}\u00a0%"


def unit(key: str) -> str:
    rule = REGISTRY.get(key)
    return UNIT_LABELS.get(rule.unit, rule.unit) if rule else ""


def rule_range(key: str) -> str:
    rule = REGISTRY[key]
    if rule.type == "bool":
        return _("yes or no")
    if rule.type == "choice":
        return " / ".join(rule.choices)
    return f"{format_value(rule.minimum)} – {format_value(rule.maximum)}"


def proposal_get(request, pk: int) -> Proposal:
    """A proposal of the cluster the caller may see (drafts: their author only); 404 otherwise."""
    proposal = selectors.proposal_page(cluster=request.cluster_access.cluster, user=request.user, pk=pk)
    if proposal is None:
        raise Http404
    return proposal


def back(request, proposal: Proposal):
    """Back to the proposal's page."""
    return redirect("proposal-detail", request.cluster_access.cluster.slug, proposal.pk)


def proposal_terms(cluster) -> dict:
    """What a new proposal's form chooses from: the memberships a sanction may be about, the seats
    that have not ended (to remove one) and the member enterprises (to name on a seat)."""
    return {
        "memberships": selectors.sanctionable_memberships(cluster=cluster),
        "seats": list(selectors.seats_not_ended(cluster=cluster)),
        "seat_enterprises": selectors.member_enterprises(cluster=cluster),
    }


def form_page(request, form, *, proposal=None, petition=None):
    """The page of a proposal's form: drafting, amending or petitioning."""
    return render(
        request,
        "governance/proposal_form.html",
        request.cluster_access.context(
            form=form,
            proposal=proposal,
            petition=petition,
            charter_keys=sorted(CHARTER_KEYS),
            change_kinds=[str(k) for k in CHANGE_KINDS],
        ),
    )
