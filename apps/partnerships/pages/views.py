"""Pages of partnerships: the cluster's partnerships, proposing one, and a partnership's page with
both councils' status and this council's motions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.tenancy.pages import ADMINISTRATOR, COUNCIL, GET_POST, MEMBER, POST, cluster_page

from .. import lifecycle, selectors, services
from ..forms import MotionForm, PartnershipForm, add_refusal

READERS = (MEMBER, COUNCIL, ADMINISTRATOR)
READERS_REFUSAL = gettext_lazy("Only members, council members and administrators of the cluster see its partnerships.")
COUNCIL_REFUSAL = gettext_lazy("Only council members with a current seat may put a partnership to their council.")


def _councils(partnership, cluster_id):
    readable = selectors.own_proposal_statuses(partnership.motions.all())
    sides = ((partnership.proposer, partnership.proposer_id), (partnership.partner, partnership.partner_id))
    return [
        {**selectors.council_status(partnership, pk, readable), "name": cluster.name, "own": pk == cluster_id}
        for cluster, pk in sides
    ]


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def partnership_list(request, slug):
    access = request.cluster_access
    rows = list(selectors.partnerships(cluster=access.cluster)[:100])
    for partnership in rows:
        partnership.other_cluster = (
            partnership.partner if partnership.proposer_id == access.cluster.pk else partnership.proposer
        )
        partnership.in_force_today = lifecycle.in_force_on(partnership)
    return render(request, "partnerships/list.html", access.context(partnerships=rows))


@cluster_page(COUNCIL, methods=GET_POST, refusal=COUNCIL_REFUSAL)
def partnership_create(request, slug):
    access = request.cluster_access
    form = PartnershipForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            partnership = services.partnership_propose(actor=request.user, cluster=access.cluster, **form.cleaned_data)
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(
                request, _("Your council's motion is saved as a draft proposal: submit it to the council.")
            )
            return redirect("partnership-detail", access.cluster.slug, partnership.pk)
    return render(request, "partnerships/form.html", access.context(form=form))


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def partnership_detail(request, slug, pk):
    access = request.cluster_access
    partnership = selectors.partnership_get(cluster=access.cluster, pk=pk)
    councils = _councils(partnership, access.cluster.pk)
    own = next(c for c in councils if c["own"])
    actions = [
        action
        for action in lifecycle.A.values
        if lifecycle.can_move(
            partnership,
            cluster_id=access.cluster.pk,
            action=action,
            open_motion=own["open_motion"] is not None,
            decided=own["entered"],
        )
    ]
    return render(
        request,
        "partnerships/detail.html",
        access.context(
            partnership=partnership,
            councils=councils,
            in_force_today=lifecycle.in_force_on(partnership),
            motion_form=MotionForm() if actions and access.is_council else None,
            actions=actions,
        ),
    )


@cluster_page(COUNCIL, methods=POST, refusal=COUNCIL_REFUSAL)
def partnership_motion(request, slug, pk):
    access = request.cluster_access
    form = MotionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the motion and give it a title and a reason."))
        return redirect("partnership-detail", access.cluster.slug, pk)
    try:
        motion = services.partnership_move(
            actor=request.user, cluster=access.cluster, partnership_id=pk, **form.cleaned_data
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
        return redirect("partnership-detail", access.cluster.slug, pk)
    messages.success(request, _("The motion is saved as a draft proposal of your council."))
    return redirect("proposal-detail", access.cluster.slug, motion.proposal_id)
