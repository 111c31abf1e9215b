"""Disputes: a side opens one from the deal's documents page; the administrators' queue and
the decision form (resume, partial delivery, cancel, with a reason)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, POST, cluster_page, refused

from .. import selectors
from ..filters import DisputeQueueFilter
from ..forms import DisputeDecideForm, DisputeOpenForm
from ..services import disputes as dispute_services
from .documents import _render, _room

QUEUE_REFUSAL = gettext_lazy("Only the cluster's administrators decide disputes.")


def _form_error(request, form, exc) -> None:
    if isinstance(exc, PermissionDeniedError | NotFoundError):
        raise exc
    if exc.field in form.fields:
        form.add_error(exc.field, str(exc.message))
    else:
        refused(request, exc)


@cluster_page(MEMBER, methods=POST)
def dispute_open(request, slug, pk):
    access = request.cluster_access
    deal = _room(request, pk)
    documents = selectors.documents_for(cluster=access.cluster, user=request.user, roles=access.roles, deal_id=pk)
    form = DisputeOpenForm(request.POST, documents=documents)
    if form.is_valid():
        try:
            dispute_services.dispute_open(
                actor=request.user,
                cluster=access.cluster,
                deal_id=deal.pk,
                reason=form.cleaned_data["reason"],
                documents=form.cleaned_data["documents"],
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("The dispute is open: the cluster's administrators will decide it."))
            return redirect("deal-documents", slug, deal.pk)
    return _render(request, deal, dispute_form=form)


@cluster_page(ADMINISTRATOR, refusal=QUEUE_REFUSAL)
def dispute_queue(request, slug):
    access = request.cluster_access
    filterset = DisputeQueueFilter(
        request.GET, queryset=selectors.disputes_visible(cluster=access.cluster, user=request.user, roles=access.roles)
    )
    disputes = list(filterset.qs[:100]) if filterset.is_valid() else []
    return render(request, "dealroom/dispute_queue.html", access.context(disputes=disputes, filter_form=filterset.form))


def _dispute(request, pk):
    access = request.cluster_access
    dispute = (
        selectors.disputes_visible(cluster=access.cluster, user=request.user, roles=access.roles).filter(pk=pk).first()
    )
    if dispute is None:
        raise Http404
    return dispute


@cluster_page(ADMINISTRATOR, methods=GET_POST, refusal=QUEUE_REFUSAL)
def dispute_detail(request, slug, pk):
    access = request.cluster_access
    dispute = _dispute(request, pk)
    form = DisputeDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute_services.dispute_decide(
                actor=request.user, cluster=access.cluster, dispute_id=dispute.pk, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, _("The dispute is decided; both sides are told."))
            return redirect("dispute-detail", slug, dispute.pk)
    documents = selectors.documents_for(
        cluster=access.cluster, user=request.user, roles=access.roles, deal_id=dispute.deal_id
    )
    return render(
        request,
        "dealroom/dispute_detail.html",
        access.context(
            dispute=dispute,
            documents=list(documents),
            form=form if dispute.status == dispute.Status.OPEN else None,
        ),
    )
