"""The listings a report may name, provided by the app that owns them.

Membership comes before the marketplace and imports nothing of it: it declares here what it
needs of a listing, and the marketplace registers its listings in its ``AppConfig.ready()``.
Without a provider no listing is found, so a report can only name a member.

Every callable takes keyword arguments:

* ``get(cluster=, kind=, listing_id=)``: the listing of ``kind`` with this id in ``cluster``
  that anyone may see (never a draft), its ``owner`` loaded; else None. The reports read its
  ``pk``, ``title``, ``status``, ``owner`` and ``owner_id``.
* ``summaries(cluster=, refs=)``: ``{(kind, id): {"title", "status"}}`` for the listings
  ``refs`` names (one query whatever their kinds); drafts and unknown refs left out.
* ``status_label(status=)``: the listing status as the pages write it.
* ``removable(status=)``: whether an administrator may still take a listing in this status off
  the market.
* ``remove(actor=, cluster=, listing=)``: take it off the market (a report upheld); returns
  the listing as it is now.
* ``url(cluster=, kind=, listing_id=)``: the listing's page.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ListingProvider:
    get: Callable
    summaries: Callable
    status_label: Callable
    removable: Callable
    remove: Callable
    url: Callable


NO_LISTINGS = ListingProvider(
    get=lambda **_kwargs: None,
    summaries=lambda **_kwargs: {},
    status_label=lambda *, status: status,
    removable=lambda **_kwargs: False,
    remove=lambda *, listing, **_kwargs: listing,
    url=lambda **_kwargs: "",
)

_provider = NO_LISTINGS


def register(provider: ListingProvider) -> None:
    """Called once, by the app that owns the listings (``apps.marketplace.apps``)."""
    global _provider
    _provider = provider


def listings() -> ListingProvider:
    return _provider
