"""Deals: my deals (administrators: the cluster's), a deal's terms and timeline, its next
milestone by the side entitled to it, and the ratings after delivery."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import ADMINISTRATOR, MEMBER, POST, cluster_page, refused

from .. import lifecycle, selectors
from ..forms import DealStepForm, DealStopForm, RatingForm
from ..lifecycle import DEAL_PATH, REASON_REQUIRED
from ..models import Deal, MatchKind
from ..services import deals as deal_services
from .common import MARKET_REFUSAL, PAGE_SIZE, scopes_of

D = Deal.Status
DEAL_TABS = {
    "active": gettext_lazy("In progress"),
    "delivered": gettext_lazy("Delivered"),
    "finished": gettext_lazy("Closed or cancelled"),
    "all": gettext_lazy("All"),
}
DEAL_TAB_STATUSES = {
    "active": [D.CONFIRMED, D.IN_PRODUCTION, D.QUALITY_CHECKED, D.SHIPPED, D.DISPUTED],
    "delivered": [D.DELIVERED],
    "finished": [D.CLOSED, D.CANCELLED],
    "all": None,
}
STEP_LABELS = {
    D.IN_PRODUCTION: gettext_lazy("Start production"),
    D.QUALITY_CHECKED: gettext_lazy("Mark quality checked"),
    D.SHIPPED: gettext_lazy("Mark as shipped"),
    D.DELIVERED: gettext_lazy("Confirm delivery"),
    D.CLOSED: gettext_lazy("Close the deal"),
    D.DISPUTED: gettext_lazy("Open a dispute"),
    D.CANCELLED: gettext_lazy("Cancel the deal"),
}
DEAL_SIDES = {"buyer": gettext_lazy("Buyer"), "supplier": gettext_lazy("Supplier")}
WAITING_FOR_SIDE = {
    "buyer": gettext_lazy("Waiting for the buyer: next, “%(step)s”."),
    "supplier": gettext_lazy("Waiting for the supplier: next, “%(step)s”."),
}


def _decorate_deal(deal: Deal, mine: frozenset[int]) -> Deal:
    match = deal.match
    deal.my_side = "buyer" if deal.buyer_id in mine else "supplier" if deal.supplier_id in mine else None
    deal.title = (
        match.order.title if match.order_id else match.channel_request.title if match.channel_request_id else ""
    )
    deal.unit = match.order.get_unit_display() if match.order_id else ""
    deal.total = deal.unit_price * deal.quantity if deal.kind == MatchKind.PRODUCTION else None
    return deal


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def my_deals(request, slug):
    access = request.cluster_access
    scopes = scopes_of(access, first="all")
    query = PageQuery(request.GET, status=(DEAL_TABS, "active"), scope=(scopes, scopes[0]))
    status, scope = query.value("status"), query.value("scope")
    deals = selectors.deal_rows(
        cluster=access.cluster,
        user=request.user,
        roles=access.roles,
        mine_only=scope == "mine",
        statuses=DEAL_TAB_STATUSES[status],
    )
    page = query.page_of(deals, PAGE_SIZE)
    mine = selectors.viewer_enterprise_ids(request.user)
    for deal in page.object_list:
        _decorate_deal(deal, mine)
    return render(
        request,
        "marketplace/my_deals.html",
        access.context(
            page=page,
            status=status,
            tabs=DEAL_TABS.items(),
            scope=scope,
            scopes=scopes if len(scopes) > 1 else [],
            paging_query=query_string(query),
        ),
    )


def _deal_get(request, pk: int) -> Deal:
    """A deal of the cluster that the caller is a side of (administrators: any); 404 otherwise."""
    access = request.cluster_access
    deal = selectors.deal_page(cluster=access.cluster, user=request.user, roles=access.roles, deal_id=pk)
    if deal is None:
        raise Http404
    return _decorate_deal(deal, selectors.viewer_enterprise_ids(request.user))


def _deal_actions(deal: Deal) -> tuple[list, list]:
    """The milestones the caller's side may record now: (steps, stops needing a reason)."""
    steps, stops = [], []
    for target in lifecycle.milestones_for(deal.status, deal.my_side):
        (stops if target in REASON_REQUIRED else steps).append((target.value, STEP_LABELS[target]))
    return steps, stops


def _waiting_for(deal: Deal) -> str:
    """What the other side is to do next (when the caller's side has no step of its own)."""
    awaited = lifecycle.awaited_from_other_side(deal.status, deal.my_side)
    if awaited is None:
        return ""
    side, target = awaited
    return WAITING_FOR_SIDE[side] % {"step": D(target).label.lower()}


def _render_deal(request, deal: Deal, *, step_form=None, stop_form=None, rating_form=None):
    steps, stops = _deal_actions(deal)
    ratings = list(deal.ratings.all())
    my_enterprise = {"buyer": deal.buyer_id, "supplier": deal.supplier_id}.get(deal.my_side)
    my_rating = next((r for r in ratings if r.rater_id == my_enterprise), None) if my_enterprise else None
    can_rate = lifecycle.can_rate(deal.status, deal.my_side, rated=my_rating is not None)
    reached = {event.status for event in deal.events.all()}
    path = [{"status": s, "label": s.label, "done": s in reached, "current": s == deal.status} for s in DEAL_PATH]
    for event in deal.events.all():
        event.side_label = DEAL_SIDES.get(event.side, event.side)
    return render(
        request,
        "marketplace/deal_detail.html",
        request.cluster_access.context(
            deal=deal,
            steps=steps,
            stops=stops,
            step_form=step_form or DealStepForm(auto_id="id_step_%s"),
            stop_form=stop_form or DealStopForm(auto_id="id_stop_%s"),
            rating_form=(rating_form or RatingForm()) if can_rate else None,
            published_ratings=[r for r in ratings if r.published_at],
            my_rating=my_rating,
            path=path,
            off_path=deal.status not in DEAL_PATH,
            my_side_label=DEAL_SIDES.get(deal.my_side, ""),
            waiting_for=_waiting_for(deal) if not steps else "",
        ),
    )


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def deal_detail(request, slug, pk):
    return _render_deal(request, _deal_get(request, pk))


@cluster_page(ADMINISTRATOR, MEMBER, methods=POST, refusal=MARKET_REFUSAL)
def deal_advance(request, slug, pk):
    access = request.cluster_access
    deal = _deal_get(request, pk)
    stopping = request.POST.get("status") in REASON_REQUIRED
    form = (DealStopForm if stopping else DealStepForm)(
        request.POST, auto_id="id_stop_%s" if stopping else "id_step_%s"
    )
    if form.is_valid():
        target = form.cleaned_data["status"]
        try:
            deal_services.deal_advance(
                actor=request.user,
                cluster=access.cluster,
                deal_id=deal.pk,
                to=target,
                note=form.cleaned_data["note"],
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, PermissionDeniedError | NotFoundError):
                raise
            if isinstance(exc, DomainError) and exc.field == "note":
                form.add_error("note", str(exc.message))
            else:
                refused(request, exc)
                return redirect("deal-detail", access.cluster.slug, deal.pk)
        else:
            messages.success(request, _("The deal is now %(status)s.") % {"status": D(target).label.lower()})
            return redirect("deal-detail", access.cluster.slug, deal.pk)
    elif "status" in form.errors:
        messages.error(request, _("Choose one of the next steps shown."))
        return redirect("deal-detail", access.cluster.slug, deal.pk)
    return _render_deal(request, deal, **({"stop_form": form} if stopping else {"step_form": form}))


@cluster_page(ADMINISTRATOR, MEMBER, methods=POST, refusal=MARKET_REFUSAL)
def deal_rate(request, slug, pk):
    access = request.cluster_access
    deal = _deal_get(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating = deal_services.deal_rate(
                actor=request.user, cluster=access.cluster, deal_id=deal.pk, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            refused(request, exc)
        else:
            if rating.published_at:
                messages.success(request, _("Thank you. Both sides have rated: the ratings are published."))
            else:
                messages.success(
                    request, _("Thank you. Your rating is published when the other side rates, or after a while.")
                )
        return redirect("deal-detail", access.cluster.slug, deal.pk)
    return _render_deal(request, deal, rating_form=form)
