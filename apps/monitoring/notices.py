"""How monitoring's alerts read: one template per alert kind, registered from ready().

An alert's notification stores the alert's parameters and is rendered in the reader's
language when read. A late deal milestone is a deal event: it notifies under the kind
``marketplace.milestone_late`` (the "Matches and deals" preference), once per milestone.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.notifications import messages

#: notification kind of each alert kind (default: ``alert.<kind>``)
NOTIFY_KIND = {"deal_overdue": "marketplace.milestone_late"}


def notify_kind(kind: str) -> str:
    return NOTIFY_KIND.get(kind, f"alert.{kind}")


def _milestone(values: dict) -> dict:
    from apps.marketplace.models import Deal

    return {**values, "milestone": Deal.Status(values["milestone"]).label.lower()}


def _alternatives(values: dict) -> str:
    if not values.get("alternatives"):
        return _("No capacity in the cluster can serve it, even at a higher price. Consider a later date.")
    # Translators: the separator between the items of a list
    return _("Closest alternatives at a higher price: %(list)s") % {"list": _("; ").join(values["alternatives"])}


TEMPLATES = {
    "deal_overdue": (
        gettext_lazy("Deal %(id)d: “%(milestone)s” is %(days)d days late"),
        gettext_lazy("%(supplier)s has not delivered %(quantity)d to %(buyer)s."),
        _milestone,
    ),
    "capacity_window": (
        gettext_lazy("Capacity window ends on %(date)s: %(title)s"),
        gettext_lazy("%(left)d still unreserved."),
        None,
    ),
    "order_unmatched": (gettext_lazy("Order still unmatched, needed by %(date)s: %(title)s"), _alternatives, None),
    "listing_stale": (
        gettext_lazy("Listing unchanged for a long time: %(title)s"),
        gettext_lazy("Confirm it is still valid, update it or close it."),
        None,
    ),
    "certification_expiring": (
        gettext_lazy("%(scheme)s certificate expires on %(date)s"),
        gettext_lazy("Renew it: once expired it no longer counts when orders require it."),
        None,
    ),
    "resource_idle": (
        gettext_lazy("Resource idle: %(name)s"),
        gettext_lazy("No booking in the last %(days)d days."),
        None,
    ),
    "bookings_pending": (
        gettext_lazy("%(count)d bookings await confirmation"),
        gettext_lazy("Confirm or reject the booking requests in the queue."),
        None,
    ),
}


def register() -> None:
    for kind, (title, body, prepare) in TEMPLATES.items():
        messages.register(notify_kind(kind), title, body, prepare=prepare)
