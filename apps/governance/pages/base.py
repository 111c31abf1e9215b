"""What the governance pages share: who may open them, how a refused button says why, and how
the rulebook's values are written."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from apps.tenancy.pages import ADMINISTRATOR, COUNCIL, MEMBER
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY

from .. import selectors
from ..forms import CHANGE_KINDS, value_text
from ..models import Proposal

#: every governance page opens to the cluster's members, its council and its administrators
READERS = (MEMBER, COUNCIL, ADMINISTRATOR)
READERS_REFUSAL = gettext_lazy(
    "The council, its proposals and the rulebook are open to the cluster's members, council and administrators."
)


def percent(fraction) -> str:
    return f"{float(fraction) * 100:.4g}\u00a0%"


def parameter(key: str) -> dict:
    """What people read of a rulebook parameter: its own name and description, its unit and allowed
    range (as its app declared them, ``apps.tenancy.rules``), and whether it belongs to the charter."""
    rule = REGISTRY.get(key)
    if rule is None:  # a key an old version carries that no app provides any more
        return {"key": key, "name": key, "description": "", "unit": "", "range": "", "charter": False}
    return {
        "key": key,
        "name": str(rule.name or key),
        "description": str(rule.description),
        "unit": rule.unit_label,
        "range": rule.range_label,
        "charter": key in CHARTER_KEYS,
    }


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


def parameter_details(values: dict) -> dict:
    """Every parameter as the form's script shows the chosen one: name, description, unit, range and value in force."""
    return {
        key: {**parameter(key), "value": value_text(key, values.get(key, rule.default))}
        for key, rule in REGISTRY.items()
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
            parameters=parameter_details(form.values) if form is not None else {},
            change_kinds=[str(k) for k in CHANGE_KINDS],
        ),
    )
