"""Matches: my matches (administrators: the cluster's) with their score explained, and answering one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.forms import PageQuery, next_url, query_string
from apps.tenancy.pages import ADMINISTRATOR, MEMBER, POST, cluster_page, refused

from .. import factors, lifecycle, selectors
from ..forms import DeclineForm
from ..models import Match, MatchKind
from ..services import matches as match_services
from .common import MARKET_REFUSAL, PAGE_SIZE, scopes_of

#: (match kind, side) -> how the page names that side
SIDE_NAMES = {
    (MatchKind.PRODUCTION, "demand"): gettext_lazy("Buyer"),
    (MatchKind.PRODUCTION, "supply"): gettext_lazy("Supplier"),
    (MatchKind.CHANNEL, "demand"): gettext_lazy("Product owner"),
    (MatchKind.CHANNEL, "supply"): gettext_lazy("Channel"),
}
WAITING_FOR_OTHER = {
    (MatchKind.PRODUCTION, "demand"): gettext_lazy("You accepted — waiting for the supplier."),
    (MatchKind.PRODUCTION, "supply"): gettext_lazy("You accepted — waiting for the buyer."),
    (MatchKind.CHANNEL, "demand"): gettext_lazy("You accepted — waiting for the channel."),
    (MatchKind.CHANNEL, "supply"): gettext_lazy("You accepted — waiting for the product owner."),
}
YOUR_ROLE = {
    (MatchKind.PRODUCTION, "demand"): gettext_lazy("You buy"),
    (MatchKind.PRODUCTION, "supply"): gettext_lazy("You supply"),
    (MatchKind.CHANNEL, "demand"): gettext_lazy("You seek the channel"),
    (MatchKind.CHANNEL, "supply"): gettext_lazy("You offer the channel"),
}
OTHER_ACCEPTED = {
    (MatchKind.PRODUCTION, "demand"): gettext_lazy("The supplier accepted — your acceptance makes it a deal."),
    (MatchKind.PRODUCTION, "supply"): gettext_lazy("The buyer accepted — your acceptance makes it a deal."),
    (MatchKind.CHANNEL, "demand"): gettext_lazy("The channel accepted — your acceptance makes it a deal."),
    (MatchKind.CHANNEL, "supply"): gettext_lazy("The product owner accepted — your acceptance makes it a deal."),
}
MATCH_TABS = {
    "open": gettext_lazy("Proposed"),
    "accepted": gettext_lazy("Accepted"),
    "closed": gettext_lazy("Declined or expired"),
    "all": gettext_lazy("All"),
}
MATCH_TAB_STATUSES = {
    "open": [Match.Status.PROPOSED],
    "accepted": [Match.Status.ACCEPTED],
    "closed": [Match.Status.DECLINED, Match.Status.EXPIRED, Match.Status.WITHDRAWN],
    "all": None,
}


def decorate_matches(matches, mine: frozenset[int]) -> list[Match]:
    """What a match card shows: my side, the other party, the listings, the explanation, the state."""
    matches = list(matches)
    for match in matches:
        kind = match.kind
        match.my_side = (
            "demand" if match.demand_owner_id in mine else "supply" if match.supply_owner_id in mine else None
        )
        match.demand_listing, match.supply_listing = match.demand, match.supply
        production = kind == MatchKind.PRODUCTION
        match.demand_kind = "order" if production else "channel_request"
        match.supply_kind = "capacity" if production else "channel_offer"
        match.demand_name, match.supply_name = SIDE_NAMES[(kind, "demand")], SIDE_NAMES[(kind, "supply")]
        match.my_role = YOUR_ROLE.get((kind, match.my_side), "")
        match.other_party = (
            match.supply_owner
            if match.my_side == "demand"
            else match.demand_owner
            if match.my_side == "supply"
            else None
        )
        match.unit = match.order.get_unit_display() if kind == MatchKind.PRODUCTION and match.order else ""
        match.score_percent = round(match.score * 100)
        match.factors = factors.explain(match)
        match.deal_id = None
        if match.status == Match.Status.ACCEPTED:
            deal = getattr(match, "deal", None)
            match.deal_id = deal.pk if deal else None
        other_side = {"demand": "supply", "supply": "demand"}.get(match.my_side)
        mine_at = lifecycle.accepted_at(match, match.my_side)
        other_at = lifecycle.accepted_at(match, other_side)
        match.i_accepted = mine_at is not None
        match.can_answer = lifecycle.can_answer(match, match.my_side)
        match.state = ""
        if match.status == Match.Status.PROPOSED and match.my_side:
            if mine_at and not other_at:
                match.state = WAITING_FOR_OTHER[(kind, match.my_side)]
            elif other_at and not mine_at:
                match.state = OTHER_ACCEPTED[(kind, match.my_side)]
    return matches


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def my_matches(request, slug):
    access = request.cluster_access
    scopes = scopes_of(access, first="mine")
    query = PageQuery(request.GET, status=(MATCH_TABS, "all"), scope=(scopes, scopes[0]))
    status, scope = query.value("status"), query.value("scope")
    matches = selectors.match_cards(
        cluster=access.cluster,
        user=request.user,
        roles=access.roles,
        mine_only=scope == "mine",
        statuses=MATCH_TAB_STATUSES[status],
    )
    page = query.page_of(matches, PAGE_SIZE)
    page.object_list = decorate_matches(page.object_list, selectors.viewer_enterprise_ids(request.user))
    return render(
        request,
        "marketplace/my_matches.html",
        access.context(
            page=page,
            status=status,
            tabs=MATCH_TABS.items(),
            scope=scope,
            scopes=scopes if len(scopes) > 1 else [],
            paging_query=query_string(query),
            factor_glossary=factors.glossary(),
        ),
    )


def _require_visible_match(request, pk: int) -> None:
    """Only the two sides (and administrators) can even see a match: 404 for everyone else."""
    access = request.cluster_access
    if not selectors.match_is_visible(cluster=access.cluster, user=request.user, roles=access.roles, match_id=pk):
        raise Http404


@cluster_page(ADMINISTRATOR, MEMBER, methods=POST, refusal=MARKET_REFUSAL)
def match_accept(request, slug, pk):
    access = request.cluster_access
    _require_visible_match(request, pk)
    back = next_url(request, reverse("my-matches", args=[access.cluster.slug]))
    try:
        match = match_services.match_accept(actor=request.user, cluster=access.cluster, match_id=pk)
    except (DomainError, ValidationError) as exc:
        refused(request, exc)
        return redirect(back)
    if match.status == Match.Status.ACCEPTED:
        deal_id = selectors.deal_id_of(match)
        messages.success(request, _("Both sides accepted: the deal is confirmed."))
        if deal_id is not None:
            return redirect("deal-detail", access.cluster.slug, deal_id)
    else:
        messages.success(request, _("You accepted the match. It becomes a deal when the other side accepts too."))
    return redirect(back)


@cluster_page(ADMINISTRATOR, MEMBER, methods=POST, refusal=MARKET_REFUSAL)
def match_decline(request, slug, pk):
    access = request.cluster_access
    _require_visible_match(request, pk)
    back = next_url(request, reverse("my-matches", args=[access.cluster.slug]))
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        match_services.match_decline(
            actor=request.user, cluster=access.cluster, match_id=pk, reason=form.cleaned_data["reason"]
        )
    except (DomainError, ValidationError) as exc:
        refused(request, exc)
    else:
        messages.success(request, _("You declined the match. The demand is re-planned without it."))
    return redirect(back)
