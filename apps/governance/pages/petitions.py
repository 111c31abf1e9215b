"""Petitions: a member enterprise's owner or administrator petitions the council (if the charter
allows petitions), and the others co-sign from the petition's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core.errors import DomainError, PermissionDeniedError
from apps.tenancy.pages import GET_POST, MEMBER, POST, cluster_page, refused
from apps.tenancy.rules import rules_in_force

from .. import selectors
from ..forms import CosignForm, PetitionForm
from ..models import Proposal
from ..services import petitions as petition_services
from .base import back, form_page, proposal_get, proposal_terms
from .proposals import preselected_kind

P = Proposal.Status
PETITION_REFUSAL = gettext_lazy(
    "Only owners and administrators of an active member enterprise may petition the council."
)
COSIGN_REFUSAL = gettext_lazy("Only owners and administrators of an active member enterprise co-sign petitions.")


def _acted_for(request, refusal) -> list:
    """The caller's member enterprises they may act for; a 403 with ``refusal`` if none."""
    enterprises = selectors.enterprises_acted_for(user=request.user, cluster=request.cluster_access.cluster)
    if not enterprises:
        raise PermissionDeniedError(refusal)
    return enterprises


@cluster_page(MEMBER, methods=GET_POST, refusal=PETITION_REFUSAL)
def petition_create(request, slug):
    """A member enterprise's owner or administrator petitions the council (if the charter allows petitions)."""
    cluster = request.cluster_access.cluster
    values = rules_in_force(cluster)
    needed = values["governance.petition_cosigners"]
    if not needed:
        return form_page(request, None, petition={"closed": True})
    form = PetitionForm(
        request.POST if request.method == "POST" else None,
        values=values,
        kind=preselected_kind(request),
        enterprises=_acted_for(request, PETITION_REFUSAL),
        **proposal_terms(cluster),
    )
    if form.is_bound and form.is_valid():
        try:
            proposal = petition_services.petition_start(actor=request.user, cluster=cluster, **form.service_kwargs())
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
            return redirect("proposal-detail", cluster.slug, proposal.pk)
    return form_page(request, form, petition={"closed": False, "needed": needed})


@cluster_page(MEMBER, methods=POST, refusal=COSIGN_REFUSAL)
def proposal_cosign(request, slug, pk):
    """An owner or administrator of a member enterprise co-signs a petition for it."""
    proposal = proposal_get(request, pk)
    form = CosignForm(request.POST, enterprises=_acted_for(request, COSIGN_REFUSAL))
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("enterprise", [])))
        return back(request, proposal)
    enterprise = form.cleaned_data["enterprise"]
    try:
        signed = petition_services.petition_cosign(
            actor=request.user, cluster=request.cluster_access.cluster, proposal_id=proposal.pk, enterprise=enterprise
        )
    except (DomainError, ValidationError) as exc:
        refused(request, exc)
    else:
        if signed.status == P.DELIBERATION:
            messages.success(
                request,
                _("%(enterprise)s co-signed. The petition has enough co-signers: it is open for deliberation.")
                % {"enterprise": enterprise.name},
            )
        else:
            messages.success(request, _("%(enterprise)s co-signed the petition.") % {"enterprise": enterprise.name})
    return back(request, proposal)
