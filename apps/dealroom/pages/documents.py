"""A deal's documents: the list (each with a link signed for the reader), the upload form
(optionally as a milestone's evidence), and the download behind a signed link."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace import selectors as market
from apps.tenancy.pages import ADMINISTRATOR, AUTHENTICATED, GET_POST, MEMBER, cluster_page, refused

from .. import files, lifecycle, selectors, storage
from ..forms import DisputeOpenForm, DocumentUploadForm
from ..services import documents as document_services


def _room(request, pk: int):
    access = request.cluster_access
    try:
        return selectors.room_deal(cluster=access.cluster, user=request.user, roles=access.roles, deal_id=pk)
    except NotFoundError:
        raise Http404 from None


def _render(request, deal, *, upload_form=None, dispute_form=None):
    access = request.cluster_access
    documents = list(
        selectors.documents_for(cluster=access.cluster, user=request.user, roles=access.roles, deal_id=deal.pk)
    )
    for document in documents:
        token = storage.link_token(document_id=document.pk, user_id=request.user.pk)
        document.link = reverse("document-download", args=[access.cluster.slug, document.pk, token])
    mine = market.viewer_enterprise_ids(request.user)
    side = "buyer" if deal.buyer_id in mine else "supplier" if deal.supplier_id in mine else None
    dispute = selectors.dispute_of_deal(cluster=access.cluster, deal_id=deal.pk)
    required = {
        milestone.label: lifecycle.required_evidence(cluster=access.cluster, milestone=milestone)
        for milestone in lifecycle.EVIDENCE_MILESTONES
    }
    return render(
        request,
        "dealroom/deal_documents.html",
        access.context(
            deal=deal,
            side=side,
            documents=documents,
            dispute=dispute,
            required=[(label, kind) for label, kind in required.items() if kind],
            upload_form=(upload_form or DocumentUploadForm()) if side else None,
            dispute_form=(dispute_form or DisputeOpenForm(documents=documents))
            if lifecycle.can_open_dispute(deal, side)
            else None,
        ),
    )


@cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST)
def deal_documents(request, slug, pk):
    deal = _room(request, pk)
    if request.method != "POST":
        return _render(request, deal)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not files.upload_cut_short(request, form) and form.is_valid():
        try:
            document = document_services.document_upload(
                actor=request.user,
                cluster=request.cluster_access.cluster,
                deal_id=deal.pk,
                kind=form.cleaned_data["kind"],
                milestone=form.cleaned_data["milestone"],
                file=form.cleaned_data["file"],
            )
        except (PermissionDeniedError, NotFoundError):
            raise
        except DomainError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, str(exc.message))
            else:
                refused(request, exc)
        else:
            messages.success(request, _("“%(name)s” is uploaded.") % {"name": document.name})
            return redirect("deal-documents", slug, deal.pk)
    return _render(request, deal, upload_form=form)


@cluster_page(AUTHENTICATED)
def document_open(request, slug, pk):
    """A document attached to a message or an offer, opened from the room: a link signed now for
    this reader (so pages and live messages need not carry one), if they may see it (else 404)."""
    access = request.cluster_access
    try:
        document = selectors.document_get(cluster=access.cluster, user=request.user, roles=access.roles, document_id=pk)
    except NotFoundError:
        raise Http404 from None
    token = storage.link_token(document_id=document.pk, user_id=request.user.pk)
    return redirect("document-download", slug, document.pk, token)


@cluster_page(AUTHENTICATED)
def document_download(request, slug, pk, token):
    """The file behind a link signed for this document and this reader, if still a party (else 404).

    Open to anyone signed in, so that whoever is not the link's reader, or no longer a party
    (a member of another cluster too), gets the same 404 rather than a 403 that tells the
    document exists; the token and the selector decide."""
    access = request.cluster_access
    if not storage.read_token(token, document_id=pk, user_id=request.user.pk):
        raise Http404
    try:
        document = selectors.document_get(cluster=access.cluster, user=request.user, roles=access.roles, document_id=pk)
    except NotFoundError:
        raise Http404 from None
    return storage.download(key=document.storage_key, name=document.name, content_type=document.content_type)
