"""Requests for quotation: sending an order for quotes, the buyer's comparison and award, a supplier's quote."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.dates import PLAN
from apps.core.errors import DomainError
from apps.core.forms import DateTimeField
from apps.marketplace.models import Order
from apps.membership.models import Enterprise
from apps.tenancy.pages import GET_POST, MEMBER, cluster_page, refused

from .. import files, lifecycle, selectors
from ..forms import FileUploadForm
from ..rules import PAYMENT_TERMS
from ..services import rfq as services
from ..services.offers import TERM_FIELDS
from .offers import OfferForm

REFUSAL = gettext_lazy("Only the member enterprises of this cluster ask for and send quotes.")


class RfqForm(forms.Form):
    suppliers = forms.MultipleChoiceField(
        label=gettext_lazy("Suppliers to ask"), required=False, widget=forms.CheckboxSelectMultiple
    )
    best = forms.IntegerField(
        label=gettext_lazy("Or ask the best N the engine proposes"), min_value=1, max_value=50, required=False
    )
    deadline = DateTimeField(
        label=gettext_lazy("Quotes by"), span=PLAN, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the suppliers"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].choices = choices


@cluster_page(MEMBER, methods=GET_POST, refusal=REFUSAL)
def rfq_create(request, slug, order_id):
    access = request.cluster_access
    order = Order.objects.filter(cluster=access.cluster, pk=order_id).first()
    if order is None or order.owner_id not in selectors.my_enterprise_ids(request.user):
        raise Http404
    ranked = services.ranked_suppliers(order)
    names = {e.pk: e for e in Enterprise.objects.filter(pk__in={r["owner"] for r in ranked})}
    seen, choices = set(), []
    for entry in ranked:
        if entry["owner"] not in seen:
            seen.add(entry["owner"])
            choices.append((str(entry["owner"]), f"{names[entry['owner']].name} · {round(entry['score'] * 100)}%"))
    form = RfqForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rfq = services.rfq_create(
                actor=request.user,
                cluster=access.cluster,
                order_id=order.pk,
                suppliers=[int(pk) for pk in data["suppliers"]],
                best=data["best"],
                deadline=data["deadline"],
                message=data["message"],
            )
        except DomainError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, str(exc.message))
            else:
                refused(request, exc)
        else:
            messages.success(request, _("Your request for quotation was sent."))
            return redirect("rfq-detail", slug, rfq.pk)
    return render(request, "dealroom/rfq_form.html", access.context(order=order, form=form))


@cluster_page(MEMBER, refusal=REFUSAL)
def rfq_list(request, slug):
    access = request.cluster_access
    rfqs = selectors.rfqs_visible(cluster=access.cluster, user=request.user)[:100]
    return render(request, "dealroom/rfq_list.html", access.context(rfqs=rfqs))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why (the suppliers read it)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _award_form(rows, data=None):
    form = forms.Form(data)
    for row in rows:
        quote = row["quote"]
        form.fields[f"award-{quote.pk}"] = forms.IntegerField(
            label=_("Award quantity"), min_value=0, max_value=quote.quantity, required=False
        )
        row["field"] = form[f"award-{quote.pk}"]
    return form


def _post_document(request, rfq, form) -> bool:
    """The buyer's or an invited supplier's document added to the request (False: refused, the form says why)."""
    if files.upload_cut_short(request, form) or not form.is_valid():
        return False
    try:
        document = services.rfq_document_upload(
            actor=request.user, cluster=rfq.cluster, rfq_id=rfq.pk, **form.cleaned_data
        )
    except DomainError as exc:
        if exc.field not in form.fields:
            raise
        form.add_error(exc.field, str(exc.message))
        return False
    messages.success(request, _("“%(name)s” is uploaded.") % {"name": document.name})
    return True


def _post_quote(request, rfq, form, *, revise: bool) -> bool:
    """An invited supplier's quote or revision, with the document it may carry (False: refused)."""
    if files.upload_cut_short(request, form) or not form.is_valid():
        return False
    terms, note = form.terms()
    submit = services.quote_revise if revise else services.quote_submit
    try:
        submit(actor=request.user, cluster=rfq.cluster, rfq_id=rfq.pk, terms=terms, note=note, **form.attachment())
    except DomainError as exc:
        if exc.field not in form.fields:
            raise
        form.refuse(exc)
        return False
    messages.success(
        request, _("Your revised quote was sent to the buyer.") if revise else _("Your quote was sent to the buyer.")
    )
    return True


def _post_buyer(request, rfq, rows, verb: str, forms_: dict) -> bool:
    """The buyer cancels the request or awards quotes (False: refused, the form says why)."""
    if verb == "cancel":
        forms_["cancel"] = CancelForm(request.POST)
        if not forms_["cancel"].is_valid():
            return False
        reason = forms_["cancel"].cleaned_data["reason"]
        services.rfq_cancel(actor=request.user, cluster=rfq.cluster, rfq_id=rfq.pk, reason=reason)
        messages.success(request, _("The request is cancelled: the suppliers are told."))
        return True
    forms_["award"] = _award_form(rows, request.POST)
    if not forms_["award"].is_valid():
        return False
    awards = [
        {"quote": int(name.removeprefix("award-")), "quantity": value}
        for name, value in forms_["award"].cleaned_data.items()
        if value
    ]
    services.rfq_award(actor=request.user, cluster=rfq.cluster, rfq_id=rfq.pk, awards=awards)
    messages.success(request, _("The quotes were awarded: the deals are confirmed."))
    return True


@cluster_page(MEMBER, methods=GET_POST, refusal=REFUSAL)
def rfq_detail(request, slug, pk):
    access = request.cluster_access
    rfq = selectors.rfq_get(cluster=access.cluster, user=request.user, rfq_id=pk)  # 404: neither buyer nor invited
    buyer = selectors.is_buyer(rfq, request.user)
    rows = selectors.comparison(rfq=rfq, user=request.user)
    invitation = None if buyer else selectors.invitations_visible(rfq=rfq, user=request.user).first()
    mine = rows[0]["quote"] if rows and not buyer else None
    initial = (
        {k: getattr(mine, k) for k in (*TERM_FIELDS, "note")}
        if mine is not None
        else {"quantity": rfq.quantity, "delivery_date": rfq.order.need_by}
    )
    forms_ = {
        "quote": OfferForm(initial=initial, cluster=access.cluster),
        "award": _award_form(rows) if buyer else None,
        "cancel": CancelForm() if buyer else None,
        "document": FileUploadForm(),
    }
    if request.method == "POST":
        verb = request.POST.get("action", "")
        try:
            if verb == "document":
                forms_["document"] = FileUploadForm(request.POST, request.FILES)
                done = _post_document(request, rfq, forms_["document"])
            elif buyer:
                done = _post_buyer(request, rfq, rows, verb, forms_)
            else:
                forms_["quote"] = OfferForm(request.POST, request.FILES, cluster=access.cluster)
                done = _post_quote(request, rfq, forms_["quote"], revise=verb == "revise")
        except DomainError as exc:
            refused(request, exc)
            done = False
        if done:
            return redirect("rfq-detail", slug, pk)
    taking_quotes = lifecycle.rfq_open_for_quotes(rfq)
    return render(
        request,
        "dealroom/rfq_detail.html",
        access.context(
            rfq=rfq,
            buyer=buyer,
            rows=rows,
            invitations=selectors.invitations_visible(rfq=rfq, user=request.user) if buyer else [],
            invitation=invitation,
            can_quote=invitation is not None and invitation.status == "invited" and taking_quotes,
            can_award=buyer and rfq.status == rfq.Status.OPEN and bool(rows),
            can_cancel=buyer and rfq.status == rfq.Status.OPEN,
            can_add_documents=(rfq.status == rfq.Status.OPEN) if buyer else taking_quotes,
            documents=selectors.documents_of_rfq(
                cluster=access.cluster, user=request.user, roles=access.roles, rfq_id=rfq.pk
            )[:200],
            cancel_form=forms_["cancel"],
            can_revise=mine is not None and lifecycle.can_revise_quote(rfq, mine, cluster=access.cluster),
            quote_form=forms_["quote"],
            award_form=forms_["award"],
            document_form=forms_["document"],
            payment_terms=PAYMENT_TERMS,
        ),
    )
