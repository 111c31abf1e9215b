"""Listings: the market (one tab per kind, with its filters), my listings with their fill,
posting, editing, a listing's page (with its matches for the owner) and its transitions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, POST, cluster_page, refused

from .. import lifecycle, selectors
from ..filters import MARKET_FILTERS
from ..forms import LISTING_FORMS, ListingTransitionForm
from ..models import LISTING_MODELS, ListingStatus
from ..services import listings as listing_services
from .common import MARKET_REFUSAL, PAGE_SIZE
from .matches import decorate_matches

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
#: listing kind -> (used quantity field, total quantity field)
LISTING_FILL = {
    "order": ("filled_quantity", "quantity"),
    "capacity": ("reserved_quantity", "total_quantity"),
    "channel_offer": ("reserved_volume", "monthly_volume"),
    "channel_request": ("filled_volume", "monthly_volume"),
}
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


def _fill(listing, kind: str) -> None:
    """``used``, ``total`` and ``fill_percent`` of a listing (filled or reserved quantity)."""
    used, total = LISTING_FILL[kind]
    listing.used, listing.total = getattr(listing, used), getattr(listing, total)
    listing.fill_percent = round(100 * listing.used / listing.total) if listing.total else 0


def _rows(listings, kind: str, mine: frozenset[int]):
    """What a listing row shows: its kind, whether it is the caller's, its fill, its city."""
    for listing in listings:
        listing.kind = kind
        listing.is_mine = listing.owner_id in mine
        _fill(listing, kind)
    selectors.with_region_names(listings, kind)
    return listings


def _listing_get(request, kind: str, pk: int):
    """A listing of the cluster that the caller may see; another enterprise's draft is a 404."""
    mine = selectors.viewer_enterprise_ids(request.user)
    listing = selectors.listing_shown(
        cluster=request.cluster_access.cluster, kind=kind, listing_id=pk, enterprise_ids=mine
    )
    if listing is None:
        raise Http404
    return _rows([listing], kind, mine)[0]


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def market(request, slug):
    access = request.cluster_access
    query = PageQuery(request.GET, kind=(LISTING_MODELS, "order"))
    kind = query.value("kind")
    mine = selectors.viewer_enterprise_ids(request.user)
    listings = selectors.market_listings(cluster=access.cluster, kind=kind, enterprise_ids=mine)
    # an invalid filter is shown with its error beside the field and left out
    filters = MARKET_FILTERS[kind](request.GET, queryset=listings, request=request)
    form = filters.form
    page = query.page_of(filters.qs, PAGE_SIZE)
    _rows(page.object_list, kind, mine)
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
            filtered=any(form.cleaned_data.get(name) for name in form.fields if name != "ordering"),
            sorted=bool(form.cleaned_data.get("ordering")),
        ),
    )


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def my_listings(request, slug):
    access = request.cluster_access
    query = PageQuery(request.GET, kind=(LISTING_MODELS, "order"), show=(("active", "all"), "active"))
    kind, show = query.value("kind"), query.value("show")
    mine = selectors.viewer_enterprise_ids(request.user)
    ended = lifecycle.ENDED if show == "active" else ()
    counts = selectors.owned_counts(cluster=access.cluster, enterprise_ids=mine, ended=ended)
    tabs = [(k, label, counts[k]) for k, label in KIND_TABS.items()]
    listings = selectors.owned_listings(cluster=access.cluster, kind=kind, enterprise_ids=mine, ended=ended)
    page = query.page_of(listings, PAGE_SIZE)
    _rows(page.object_list, kind, mine)
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


@cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST, refusal=MARKET_REFUSAL)
def listing_create(request, slug, kind):
    access = request.cluster_access
    enterprises = selectors.postable_enterprises(user=request.user, cluster=access.cluster)
    if not enterprises:
        raise PermissionDeniedError(_("Only the people of an active member enterprise can post listings."))
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


@cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST, refusal=MARKET_REFUSAL)
def listing_edit(request, slug, kind, pk):
    access = request.cluster_access
    listing = _listing_get(request, kind, pk)
    if not listing.is_mine:
        raise PermissionDeniedError(_("Only the people of the owning enterprise may change this listing."))
    if not lifecycle.can_edit(listing.status):
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


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def listing_detail(request, slug, kind, pk):
    access = request.cluster_access
    listing = _listing_get(request, kind, pk)
    transitions, matches = [], []
    if listing.is_mine:
        allowed = lifecycle.transitions_from(listing.status)
        transitions = [(target, label) for target, label in TRANSITION_LABELS.items() if target in allowed]
        matches = decorate_matches(
            selectors.listing_match_cards(cluster=access.cluster, kind=kind, listing=listing),
            selectors.viewer_enterprise_ids(request.user),
        )
    return render(
        request,
        "marketplace/listing_detail.html",
        access.context(
            kind=kind,
            listing=listing,
            noun=KIND_NOUNS[kind],
            can_edit=listing.is_mine and lifecycle.can_edit(listing.status),
            transitions=transitions,
            matches=matches,
            report_url=(
                f"{reverse('report-create', args=[access.cluster.slug])}?listing={kind}:{listing.pk}"
                if access.is_member and not listing.is_mine
                else ""
            ),
        ),
    )


@cluster_page(ADMINISTRATOR, MEMBER, methods=POST, refusal=MARKET_REFUSAL)
def listing_transition(request, slug, kind, pk):
    access = request.cluster_access
    listing = _listing_get(request, kind, pk)
    form = ListingTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose publish, close or cancel."))
    else:
        target = form.cleaned_data["to"]
        try:
            listing_services.listing_transition(actor=request.user, listing=listing, to=target)
        except (DomainError, ValidationError) as exc:
            refused(request, exc)
        else:
            messages.success(request, TRANSITION_DONE[target])
    return redirect("listing-detail", access.cluster.slug, kind, listing.pk)
