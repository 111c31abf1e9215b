"""Offers on a match: its history, making one, and accepting, declining or countering the open one."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.dates import PLAN
from apps.core.errors import DomainError
from apps.core.forms import DateField
from apps.tenancy.pages import GET_POST, MEMBER, cluster_page, refused

from .. import files, lifecycle, selectors
from ..forms import AttachmentFields
from ..rules import PAYMENT_TERMS
from ..services import offers as services

REFUSAL = gettext_lazy("Only the member enterprises of this cluster negotiate its matches.")


class TermsForm(forms.Form):
    """The terms of an offer, a counter-offer or a quote (checked again by the service)."""

    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, max_value=2_000_000_000)
    unit_price = forms.DecimalField(label=gettext_lazy("Unit price"), max_digits=12, decimal_places=2, min_value=0.01)
    delivery_date = DateField(
        label=gettext_lazy("Delivery date"), span=PLAN, widget=forms.DateInput(attrs={"type": "date"})
    )
    lot_size = forms.IntegerField(label=gettext_lazy("Lot size"), min_value=1, max_value=2_000_000_000, initial=1)
    payment_terms = forms.ChoiceField(label=gettext_lazy("Payment terms"))
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_terms"].choices = [
            (code, PAYMENT_TERMS[code]) for code in services.allowed_payment_terms(cluster)
        ]

    def terms(self) -> tuple[dict, str]:
        data = self.cleaned_data
        return {k: data[k] for k in services.TERM_FIELDS}, data["note"]

    def refuse(self, error: DomainError) -> None:
        """The service's refusal shown beside the field it names."""
        self.add_error(error.field if error.field in self.fields else None, str(error.message))


class OfferForm(TermsForm, AttachmentFields):
    """An offer, a counter-offer or a quote, with the document it may carry (a drawing, a
    certificate…): the terms first, the document last."""

    field_order = [*TermsForm.base_fields, *AttachmentFields.base_fields]


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("make", "accept", "decline", "counter", "withdraw")])
    offer = forms.IntegerField(min_value=1, max_value=10**18, required=False)


@cluster_page(MEMBER, methods=GET_POST, refusal=REFUSAL)
def match_offers(request, slug, pk):
    access = request.cluster_access
    match = selectors.match_for_offers(cluster=access.cluster, user=request.user, match_id=pk)  # 404: not a side
    side = selectors.side_in(match, selectors.my_enterprise_ids(request.user))
    offers = list(selectors.offers_of_match(cluster=access.cluster, match_id=match.pk))
    open_offer = next((o for o in offers if lifecycle.offer_is_live(o)), None)
    initial = {
        **services.match_terms(match),
        **({k: getattr(open_offer, k) for k in services.TERM_FIELDS} if open_offer else {}),
    }
    form = OfferForm(initial=initial, cluster=access.cluster)
    if request.method == "POST":
        action = ActionForm(request.POST)
        if not action.is_valid():
            messages.error(request, _("Choose what to do with the offer."))
            return redirect("match-offers", slug, pk)
        verb, offer_id = action.cleaned_data["action"], action.cleaned_data["offer"] or 0
        kwargs = {"actor": request.user, "cluster": access.cluster, "match_id": match.pk}
        if verb in ("make", "counter"):
            form = OfferForm(request.POST, request.FILES, cluster=access.cluster)
            if not files.upload_cut_short(request, form) and form.is_valid():
                terms, note = form.terms()
                try:
                    if verb == "make":
                        services.offer_make(**kwargs, terms=terms, note=note, **form.attachment())
                    else:
                        services.offer_counter(**kwargs, offer_id=offer_id, terms=terms, note=note, **form.attachment())
                except DomainError as exc:
                    if exc.field:
                        form.refuse(exc)
                    else:
                        refused(request, exc)
                        return redirect("match-offers", slug, pk)
                else:
                    messages.success(request, _("Your offer was sent to the other side."))
                    return redirect("match-offers", slug, pk)
        else:
            try:
                if verb == "accept":
                    offer = services.offer_accept(**kwargs, offer_id=offer_id)
                    messages.success(request, _("You accepted the offer: the deal is confirmed on its terms."))
                    return redirect("deal-detail", slug, offer.deal_id)
                if verb == "withdraw":
                    services.offer_withdraw(**kwargs, offer_id=offer_id)
                    messages.success(request, _("You withdrew your offer. The match stays open."))
                else:
                    services.offer_decline(**kwargs, offer_id=offer_id)
                    messages.success(request, _("You declined the offer. The match stays open."))
            except DomainError as exc:
                refused(request, exc)
            return redirect("match-offers", slug, pk)
    return render(
        request,
        "dealroom/match_offers.html",
        access.context(
            match=match,
            side=side,
            offers=offers,
            open_offer=open_offer,
            can_answer=open_offer is not None and lifecycle.can_answer_offer(open_offer, side),
            can_withdraw=open_offer is not None and lifecycle.can_withdraw_offer(open_offer, side),
            can_make=open_offer is None and match.status == match.Status.PROPOSED,
            form=form,
            payment_terms=PAYMENT_TERMS,
        ),
    )
