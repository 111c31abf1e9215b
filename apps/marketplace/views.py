"""Pages of the marketplace: the market, posting and managing listings, matches with their
score explanation, deals to delivery and rating (the administrators' matching runs are matching's).

Every page belongs to one cluster and opens only to its active members and administrators
(others get a 403 page; objects of another cluster are a 404). Views validate input with a
form and call one service — the same services as the REST API; a service's refusal becomes
a form error or an error message, never a 500. Every state change is a POST that redirects
with a message. Lists are paginated and read with a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import PageQuery, next_url, query_string
from apps.matching.engine.types import CHANNEL_FACTORS, FACTORS
from apps.membership.models import Enterprise, Membership
from apps.membership.views import access_refusals, forbidden
from apps.reference.models import Region
from apps.tenancy import selectors as tenancy_selectors

from . import lifecycle
from . import selectors as marketplace_selectors
from .forms import (
    LISTING_FORMS,
    DealStepForm,
    DealStopForm,
    DeclineForm,
    ListingTransitionForm,
    MarketFilterForm,
    RatingForm,
)
from .models import (
    MATCHABLE,
    Deal,
    DealEvent,
    ListingStatus,
    Match,
    MatchKind,
    Rating,
)
from .services import deals as deal_services
from .services import listings as listing_services
from .services import matches as match_services

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "HEAD", "POST"])

KINDS = listing_services.LISTING_MODELS  # kind -> model
KIND_TABS = {
    "order": gettext_lazy("Orders"),
    "capacity": gettext_lazy("Capacity"),
    "channel_offer": gettext_lazy("Channel offers"),
    "channel_request": gettext_lazy("Channel requests"),
}
KIND_NOUNS = {
    "order": gettext_lazy("Production order"),
    "capacity": gettext_lazy("Capacity offer"),
    "channel_offer": gettext_lazy("Channel offer"),
    "channel_request": gettext_lazy("Channel request"),
}
NEW_LISTING = {
    "order": gettext_lazy("Post an order"),
    "capacity": gettext_lazy("Offer capacity"),
    "channel_offer": gettext_lazy("Offer a sales channel"),
    "channel_request": gettext_lazy("Seek a sales channel"),
}
#: listing kind -> (field of Match that points at it, used quantity field, total quantity field)
LISTING_FILL = {
    "order": ("order", "filled_quantity", "quantity"),
    "capacity": ("capacity", "reserved_quantity", "total_quantity"),
    "channel_offer": ("channel_offer", "reserved_volume", "monthly_volume"),
    "channel_request": ("channel_request", "filled_volume", "monthly_volume"),
}
RELATED = {"order": ("owner", "capability"), "capacity": ("owner", "capability")}

TRANSITION_LABELS = {
    ListingStatus.OPEN: gettext_lazy("Publish"),
    ListingStatus.CLOSED: gettext_lazy("Close"),
    ListingStatus.CANCELLED: gettext_lazy("Cancel the listing"),
}
TRANSITION_DONE = {
    ListingStatus.OPEN: gettext_lazy("The listing is published; matching starts now."),
    ListingStatus.CLOSED: gettext_lazy("The listing is closed."),
    ListingStatus.CANCELLED: gettext_lazy("The listing is cancelled."),
}

FACTOR_LABELS = {
    "price": gettext_lazy("Price"),
    "distance": gettext_lazy("Distance"),
    "lead_time": gettext_lazy("Lead time"),
    "reputation": gettext_lazy("Reputation"),
    "coverage": gettext_lazy("Coverage"),
    "certifications": gettext_lazy("Certifications"),
    "region": gettext_lazy("Region"),
    "markets": gettext_lazy("Markets"),
    "fees": gettext_lazy("Fees"),
}
FACTOR_HINTS = {
    "price": gettext_lazy("the asked price against the target price (50 % means exactly the target)"),
    "distance": gettext_lazy("how close the supplier is to the delivery place"),
    "lead_time": gettext_lazy("days to spare between the lead time and the need-by date"),
    "reputation": gettext_lazy("on-time delivery and ratings in this cluster (a newcomer gets 50 %)"),
    "coverage": gettext_lazy("the share of the quantity sought that this match covers"),
    "certifications": gettext_lazy("certifications held beyond those required"),
    "region": gettext_lazy("same city (100 %) or same province (60 %) as the delivery"),
    "markets": gettext_lazy("the share of the markets sought that the channel reaches"),
    "fees": gettext_lazy("how far the commission stays below the highest acceptable"),
}
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
#: the deal's happy path, for the progress line on the deal page
DEAL_PATH = [D.CONFIRMED, D.IN_PRODUCTION, D.QUALITY_CHECKED, D.SHIPPED, D.DELIVERED, D.CLOSED]
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

# --- Access -------------------------------------------------------------------------------------


@dataclass
class Access:
    """Who the caller is in the cluster of the URL."""

    cluster: object
    is_admin: bool
    is_member: bool
    enterprise_ids: set[int] = field(default_factory=set)

    def context(self, **extra) -> dict:
        return {"cluster": self.cluster, "is_admin": self.is_admin, "is_member": self.is_member, **extra}


def _access(request, slug) -> Access:
    """The cluster (404 if hidden) and the caller's standing; 403 unless an active member or administrator."""
    cluster = tenancy_selectors.cluster_get(slug=slug, user=request.user)
    roles = tenancy_selectors.cluster_roles_for(user=request.user, cluster=cluster)
    is_admin = tenancy_selectors.ADMINISTRATOR in roles or request.user.is_staff
    is_member = tenancy_selectors.MEMBER in roles
    if not (is_admin or is_member):
        raise PermissionDeniedError(_("The marketplace is open to the cluster's members and administrators."))
    ids = marketplace_selectors.viewer_enterprise_ids(request.user)
    return Access(cluster=cluster, is_admin=is_admin, is_member=is_member, enterprise_ids=ids)


def _postable_enterprises(user, cluster) -> list[Enterprise]:
    """The user's enterprises that are active members of the cluster (the owners they may post for)."""
    return list(
        Enterprise.objects.filter(
            people__user=user,
            memberships__cluster=cluster,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("legal_name_zh")
    )


def _refused(request, error: Exception) -> None:
    """A button's action was refused: say why (access refusals keep their 403 / 404)."""
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error
    if isinstance(error, DomainError):
        messages.error(request, str(error.message))
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        raise error


# --- Listings: reads ----------------------------------------------------------------------------


def _listings(kind: str, access: Access):
    """Listings of one kind that the caller may see (drafts only their owners'), with what their
    rows show (no per-row queries)."""
    qs = marketplace_selectors.listings_visible(
        cluster=access.cluster, kind=kind, enterprise_ids=access.enterprise_ids
    ).select_related(*RELATED.get(kind, ("owner",)))
    if kind == "order":
        qs = qs.prefetch_related("required_certifications")
    return qs


def _market_filter(qs, kind: str, filters: dict):
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    if filters.get("capability"):
        qs = qs.filter(capability_id=filters["capability"])
    region = filters.get("region")
    if region:
        if kind == "order":
            qs = qs.filter(delivery_region_code__startswith=region)
        elif kind == "capacity":
            qs = qs.filter(region_code__startswith=region)
        else:  # a market code in the JSON list that starts with it
            qs = qs.filter(markets__icontains=f'"{region}')
    if filters.get("need_by_after"):
        qs = qs.filter(need_by__gte=filters["need_by_after"])
    if filters.get("need_by_before"):
        qs = qs.filter(need_by__lte=filters["need_by_before"])
    if filters.get("available_on"):
        day = filters["available_on"]
        if kind == "capacity":
            qs = qs.filter(available_from__lte=day, available_until__gte=day)
        else:
            qs = qs.filter(available_from__lte=day)
    if filters.get("start_by_before"):
        qs = qs.filter(start_by__lte=filters["start_by_before"])
    return qs


def _fill(listing, kind: str) -> None:
    """``used``, ``total`` and ``fill_percent`` of a listing (filled or reserved quantity)."""
    _field, used, total = LISTING_FILL[kind]
    listing.used, listing.total = getattr(listing, used), getattr(listing, total)
    listing.fill_percent = round(100 * listing.used / listing.total) if listing.total else 0


def _with_region_names(listings, kind: str) -> None:
    """``region_label``: the city's name for the region code of orders and capacity (one query)."""
    field = {"order": "delivery_region_code", "capacity": "region_code"}.get(kind)
    if not field or not listings:
        return
    codes = {getattr(listing, field) for listing in listings}
    names = {region.code: region.name for region in Region.objects.filter(code__in=codes)}
    for listing in listings:
        code = getattr(listing, field)
        listing.region_label = f"{names[code]} ({code})" if code in names else code


def _listing_get(access: Access, kind: str, pk: int):
    """A listing of the cluster that the caller may see; another enterprise's draft is a 404."""
    listing = _listings(kind, access).filter(pk=pk).first()
    if listing is None:
        raise Http404
    listing.kind = kind
    listing.is_mine = listing.owner_id in access.enterprise_ids
    _fill(listing, kind)
    _with_region_names([listing], kind)
    return listing


# --- Listings: pages ----------------------------------------------------------------------------


@login_required
@access_refusals
def market(request, slug):
    access = _access(request, slug)
    query = PageQuery(request.GET, kind=(KINDS, "order"))
    kind = query.value("kind")
    form = MarketFilterForm(request.GET, kind=kind)
    form.is_valid()  # invalid filters are shown with their error and ignored
    listings = _market_filter(_listings(kind, access).filter(status__in=MATCHABLE), kind, form.cleaned_data).order_by(
        "-published_at", "-pk"
    )
    page = query.page_of(listings, PAGE_SIZE)
    for listing in page.object_list:
        listing.kind = kind
        listing.is_mine = listing.owner_id in access.enterprise_ids
        _fill(listing, kind)
    _with_region_names(page.object_list, kind)
    return render(
        request,
        "marketplace/market.html",
        access.context(
            kind=kind,
            tabs=KIND_TABS.items(),
            form=form,
            page=page,
            paging_query=query_string(query, form),
            new_label=NEW_LISTING[kind],
            can_post=access.is_member,
            filtered=any(form.cleaned_data.get(name) for name in form.fields) if form.is_bound else False,
        ),
    )


@login_required
@access_refusals
def my_listings(request, slug):
    access = _access(request, slug)
    query = PageQuery(request.GET, kind=(KINDS, "order"), show=(("active", "all"), "active"))
    kind, show = query.value("kind"), query.value("show")
    mine = Q(owner_id__in=access.enterprise_ids)
    live = ~Q(status__in=[ListingStatus.CLOSED, ListingStatus.CANCELLED, ListingStatus.EXPIRED])

    def shown(qs):
        return qs.filter(mine, live) if show == "active" else qs.filter(mine)

    tabs = [
        (k, label, shown(KINDS[k].objects.filter(cluster=access.cluster)).count()) for k, label in KIND_TABS.items()
    ]
    listings = shown(_listings(kind, access))
    page = query.page_of(listings.order_by("-created_at", "-pk"), PAGE_SIZE)
    for listing in page.object_list:
        listing.kind = kind
        _fill(listing, kind)
    _with_region_names(page.object_list, kind)
    return render(
        request,
        "marketplace/my_listings.html",
        access.context(
            kind=kind,
            tabs=tabs,
            show=show,
            page=page,
            paging_query=query_string(query),
            new_label=NEW_LISTING[kind],
            can_post=access.is_member,
        ),
    )


@login_required
@GET_POST
@access_refusals
def listing_create(request, slug, kind):
    access = _access(request, slug)
    enterprises = _postable_enterprises(request.user, access.cluster)
    if not enterprises:
        return forbidden(request, _("Only the people of an active member enterprise can post listings."))
    form = LISTING_FORMS[kind](request.POST if request.method == "POST" else None, enterprises=enterprises)
    if form.is_bound and form.is_valid():
        publish = request.POST.get("action") != "draft"
        try:
            listing = listing_services.listing_create(
                actor=request.user,
                cluster=access.cluster,
                listing_kind=kind,
                owner=form.cleaned_data["owner"],
                publish=publish,
                m2m=form.m2m(),
                **form.service_fields(),
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            if publish:
                messages.success(
                    request, _("“%(title)s” is published; matching proposals will follow.") % {"title": listing.title}
                )
            else:
                messages.success(
                    request, _("“%(title)s” is saved as a draft. Publish it when ready.") % {"title": listing.title}
                )
            return redirect("listing-detail", access.cluster.slug, kind, listing.pk)
    return render(
        request,
        "marketplace/listing_form.html",
        access.context(kind=kind, form=form, listing=None, heading=NEW_LISTING[kind], noun=KIND_NOUNS[kind]),
    )


@login_required
@GET_POST
@access_refusals
def listing_edit(request, slug, kind, pk):
    access = _access(request, slug)
    listing = _listing_get(access, kind, pk)
    if not listing.is_mine:
        return forbidden(request, _("Only the people of the owning enterprise may change this listing."))
    if listing.status not in (ListingStatus.DRAFT, *MATCHABLE):
        messages.error(
            request,
            _("A listing that is %(status)s cannot be edited.") % {"status": listing.get_status_display().lower()},
        )
        return redirect("listing-detail", access.cluster.slug, kind, listing.pk)
    form = LISTING_FORMS[kind](request.POST if request.method == "POST" else None, listing=listing)
    if form.is_bound and form.is_valid():
        try:
            listing_services.listing_update(
                actor=request.user, listing=listing, m2m=form.m2m(), **form.service_fields()
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("The listing was saved. Open proposals on it are re-planned."))
            return redirect("listing-detail", access.cluster.slug, kind, listing.pk)
    return render(
        request,
        "marketplace/listing_form.html",
        access.context(
            kind=kind,
            form=form,
            listing=listing,
            heading=_("Edit “%(title)s”") % {"title": listing.title},
            noun=KIND_NOUNS[kind],
        ),
    )


@login_required
@access_refusals
def listing_detail(request, slug, kind, pk):
    access = _access(request, slug)
    listing = _listing_get(access, kind, pk)
    transitions, matches = [], []
    if listing.is_mine:
        allowed = lifecycle.transitions_from(listing.status)
        transitions = [(target, label) for target, label in TRANSITION_LABELS.items() if target in allowed]
        match_field = LISTING_FILL[kind][0]
        matches = _decorate_matches(
            _matches_base(access.cluster).filter(**{match_field: listing})[:50], access.enterprise_ids
        )
    return render(
        request,
        "marketplace/listing_detail.html",
        access.context(
            kind=kind,
            listing=listing,
            noun=KIND_NOUNS[kind],
            can_edit=listing.is_mine and listing.status in (ListingStatus.DRAFT, *MATCHABLE),
            transitions=transitions,
            matches=matches,
            report_url=(
                f"{reverse('report-create', args=[access.cluster.slug])}?listing={kind}:{listing.pk}"
                if access.is_member and not listing.is_mine
                else ""
            ),
        ),
    )


@login_required
@require_POST
@access_refusals
def listing_transition(request, slug, kind, pk):
    access = _access(request, slug)
    listing = _listing_get(access, kind, pk)
    form = ListingTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose publish, close or cancel."))
    else:
        target = form.cleaned_data["to"]
        try:
            listing_services.listing_transition(actor=request.user, listing=listing, to=target)
        except (DomainError, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, TRANSITION_DONE[target])
    return redirect("listing-detail", access.cluster.slug, kind, listing.pk)


# --- Matches ------------------------------------------------------------------------------------


def _matches_base(cluster):
    return (
        Match.objects.filter(cluster=cluster)
        .select_related(
            "demand_owner",
            "supply_owner",
            "order",
            "capacity",
            "channel_request",
            "channel_offer",
            "declined_by",
            "deal",
        )
        .annotate(
            open_first=Case(
                When(status=Match.Status.PROPOSED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_first", "-created_at", "-pk")
    )


def explain(match: Match) -> list[dict]:
    """The score's factors in plain language: value and weight as percentages, in the engine's order."""
    canonical = FACTORS if match.kind == MatchKind.PRODUCTION else CHANNEL_FACTORS
    breakdown = match.breakdown or {}
    names = [name for name in canonical if name in breakdown] + [n for n in breakdown if n not in canonical]
    factors = []
    for name in names:
        item = breakdown[name] or {}
        value, weight = float(item.get("value", 0)), float(item.get("weight", 0))
        factors.append(
            {
                "name": name,
                "label": FACTOR_LABELS.get(name, name.replace("_", " ").capitalize()),
                "hint": FACTOR_HINTS.get(name, ""),
                "value": round(value * 100),
                "weight": round(weight * 100),
                "points": round(value * weight * 100, 1),
            }
        )
    return factors


def _decorate_matches(matches, mine: set[int]) -> list[Match]:
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
        match.unit = match.order.unit if kind == MatchKind.PRODUCTION and match.order else ""
        match.score_percent = round(match.score * 100)
        match.factors = explain(match)
        match.deal_id = None
        if match.status == Match.Status.ACCEPTED:
            deal = getattr(match, "deal", None)
            match.deal_id = deal.pk if deal else None
        mine_at = other_at = None
        if match.my_side:
            mine_at = match.demand_accepted_at if match.my_side == "demand" else match.supply_accepted_at
            other_at = match.supply_accepted_at if match.my_side == "demand" else match.demand_accepted_at
        match.i_accepted = mine_at is not None
        match.can_answer = match.status == Match.Status.PROPOSED and match.my_side is not None and mine_at is None
        match.state = ""
        if match.status == Match.Status.PROPOSED and match.my_side:
            if mine_at and not other_at:
                match.state = WAITING_FOR_OTHER[(kind, match.my_side)]
            elif other_at and not mine_at:
                match.state = OTHER_ACCEPTED[(kind, match.my_side)]
    return matches


@login_required
@access_refusals
def my_matches(request, slug):
    access = _access(request, slug)
    scopes = ["mine", "all"] if access.is_admin and access.is_member else ["all"] if access.is_admin else ["mine"]
    query = PageQuery(request.GET, status=(MATCH_TABS, "all"), scope=(scopes, scopes[0]))
    status, scope = query.value("status"), query.value("scope")
    matches = _matches_base(access.cluster)
    if scope == "mine":
        ids = access.enterprise_ids
        matches = matches.filter(Q(demand_owner_id__in=ids) | Q(supply_owner_id__in=ids))
    if MATCH_TAB_STATUSES[status]:
        matches = matches.filter(status__in=MATCH_TAB_STATUSES[status])
    page = query.page_of(matches, PAGE_SIZE)
    page.object_list = _decorate_matches(page.object_list, access.enterprise_ids)
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
            factor_glossary=[(FACTOR_LABELS[name], hint) for name, hint in FACTOR_HINTS.items()],
        ),
    )


def _require_visible_match(access: Access, pk: int) -> None:
    """Only the two sides (and administrators) can even see a match: 404 for everyone else."""
    matches = Match.objects.filter(cluster=access.cluster, pk=pk)
    if not access.is_admin:
        ids = access.enterprise_ids
        matches = matches.filter(Q(demand_owner_id__in=ids) | Q(supply_owner_id__in=ids))
    if not matches.exists():
        raise Http404


@login_required
@require_POST
@access_refusals
def match_accept(request, slug, pk):
    access = _access(request, slug)
    _require_visible_match(access, pk)
    back = next_url(request, reverse("my-matches", args=[access.cluster.slug]))
    try:
        match = match_services.match_accept(actor=request.user, cluster=access.cluster, match_id=pk)
    except (DomainError, ValidationError) as exc:
        _refused(request, exc)
        return redirect(back)
    if match.status == Match.Status.ACCEPTED:
        deal = Deal.objects.filter(match=match).only("pk").first()
        messages.success(request, _("Both sides accepted: the deal is confirmed."))
        if deal is not None:
            return redirect("deal-detail", access.cluster.slug, deal.pk)
    else:
        messages.success(request, _("You accepted the match. It becomes a deal when the other side accepts too."))
    return redirect(back)


@login_required
@require_POST
@access_refusals
def match_decline(request, slug, pk):
    access = _access(request, slug)
    _require_visible_match(access, pk)
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
        _refused(request, exc)
    else:
        messages.success(request, _("You declined the match. The demand is re-planned without it."))
    return redirect(back)


# --- Deals --------------------------------------------------------------------------------------


def _deals_base(cluster):
    return (
        Deal.objects.filter(cluster=cluster)
        .select_related("buyer", "supplier", "match__order", "match__channel_request")
        .order_by("-created_at", "-pk")
    )


def _deal_side(deal: Deal, mine: set[int]) -> str | None:
    if deal.buyer_id in mine:
        return "buyer"
    if deal.supplier_id in mine:
        return "supplier"
    return None


def _decorate_deal(deal: Deal, mine: set[int]) -> Deal:
    match = deal.match
    deal.my_side = _deal_side(deal, mine)
    deal.title = (
        match.order.title if match.order_id else match.channel_request.title if match.channel_request_id else ""
    )
    deal.unit = match.order.unit if match.order_id else ""
    deal.total = deal.unit_price * deal.quantity if deal.kind == MatchKind.PRODUCTION else None
    return deal


@login_required
@access_refusals
def my_deals(request, slug):
    access = _access(request, slug)
    scopes = ["all", "mine"] if access.is_admin and access.is_member else ["all"] if access.is_admin else ["mine"]
    query = PageQuery(request.GET, status=(DEAL_TABS, "active"), scope=(scopes, scopes[0]))
    status, scope = query.value("status"), query.value("scope")
    deals = _deals_base(access.cluster)
    if scope == "mine":
        ids = access.enterprise_ids
        deals = deals.filter(Q(buyer_id__in=ids) | Q(supplier_id__in=ids))
    if DEAL_TAB_STATUSES[status]:
        deals = deals.filter(status__in=DEAL_TAB_STATUSES[status])
    page = query.page_of(deals, PAGE_SIZE)
    for deal in page.object_list:
        _decorate_deal(deal, access.enterprise_ids)
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


def _deal_get(access: Access, pk: int) -> Deal:
    """A deal of the cluster that the caller is a side of (administrators: any); 404 otherwise."""
    deal = (
        _deals_base(access.cluster)
        .select_related("match__capacity", "match__channel_offer")
        .prefetch_related(
            Prefetch("events", queryset=DealEvent.objects.select_related("actor").order_by("created_at", "pk")),
            Prefetch("ratings", queryset=Rating.objects.select_related("rater", "ratee").order_by("pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if deal is None or not (access.is_admin or _deal_side(deal, access.enterprise_ids)):
        raise Http404
    return _decorate_deal(deal, access.enterprise_ids)


def _deal_actions(deal: Deal) -> tuple[list, list]:
    """The milestones the caller's side may record now: (steps, stops needing a reason)."""
    steps, stops = [], []
    if deal.my_side is None:
        return steps, stops
    for target, (sources, entitled) in lifecycle.MILESTONES.items():
        if deal.status in sources and entitled in (deal.my_side, "either"):
            item = (target.value, STEP_LABELS[target])
            (stops if target in lifecycle.REASON_REQUIRED else steps).append(item)
    return steps, stops


def _waiting_for(deal: Deal) -> str:
    """What the other side is to do next (when the caller's side has no step of its own)."""
    for target, (sources, entitled) in lifecycle.MILESTONES.items():
        other_sides = entitled in WAITING_FOR_SIDE and entitled != deal.my_side
        if deal.status in sources and target not in lifecycle.REASON_REQUIRED and other_sides:
            return WAITING_FOR_SIDE[entitled] % {"step": D(target).label.lower()}
    return ""


def _render_deal(request, access: Access, deal: Deal, *, step_form=None, stop_form=None, rating_form=None):
    steps, stops = _deal_actions(deal)
    ratings = list(deal.ratings.all())
    my_enterprise = {"buyer": deal.buyer_id, "supplier": deal.supplier_id}.get(deal.my_side)
    my_rating = next((r for r in ratings if r.rater_id == my_enterprise), None) if my_enterprise else None
    can_rate = deal.my_side is not None and deal.status in (D.DELIVERED, D.CLOSED) and my_rating is None
    reached = {event.status for event in deal.events.all()}
    path = [{"status": s, "label": s.label, "done": s in reached, "current": s == deal.status} for s in DEAL_PATH]
    for event in deal.events.all():
        event.side_label = DEAL_SIDES.get(event.side, event.side)
    return render(
        request,
        "marketplace/deal_detail.html",
        access.context(
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


@login_required
@access_refusals
def deal_detail(request, slug, pk):
    access = _access(request, slug)
    return _render_deal(request, access, _deal_get(access, pk))


@login_required
@require_POST
@access_refusals
def deal_advance(request, slug, pk):
    access = _access(request, slug)
    deal = _deal_get(access, pk)
    stopping = request.POST.get("status") in lifecycle.REASON_REQUIRED
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
                _refused(request, exc)
                return redirect("deal-detail", access.cluster.slug, deal.pk)
        else:
            messages.success(request, _("The deal is now %(status)s.") % {"status": D(target).label.lower()})
            return redirect("deal-detail", access.cluster.slug, deal.pk)
    elif "status" in form.errors:
        messages.error(request, _("Choose one of the next steps shown."))
        return redirect("deal-detail", access.cluster.slug, deal.pk)
    return _render_deal(request, access, deal, **({"stop_form": form} if stopping else {"step_form": form}))


@login_required
@require_POST
@access_refusals
def deal_rate(request, slug, pk):
    access = _access(request, slug)
    deal = _deal_get(access, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating = deal_services.deal_rate(
                actor=request.user, cluster=access.cluster, deal_id=deal.pk, **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            _refused(request, exc)
        else:
            if rating.published_at:
                messages.success(request, _("Thank you. Both sides have rated: the ratings are published."))
            else:
                messages.success(
                    request, _("Thank you. Your rating is published when the other side rates, or after a while.")
                )
        return redirect("deal-detail", access.cluster.slug, deal.pk)
    return _render_deal(request, access, deal, rating_form=form)
