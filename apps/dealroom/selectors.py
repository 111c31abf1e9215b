"""Every read of the deal room, shared by the pages and the API; always scoped by cluster."""

from django.db.models import Q

from apps.core.errors import NotFoundError
from apps.marketplace import selectors as market
from apps.marketplace.models import Reputation

from .models import Offer, RequestForQuotation, RfqInvitation

# --- offers and requests for quotation ---------------------------------------------------------


def my_enterprise_ids(user) -> frozenset[int]:
    return market.viewer_enterprise_ids(user)


def match_for_offers(*, cluster, user, match_id: int):
    """The match whose offers ``user`` may read and make: only its two sides (anyone else: 404)."""
    match = (
        market.matches_visible(cluster=cluster, user=user, roles=frozenset(), mine_only=True)
        .select_related("demand_owner", "supply_owner", "order", "capacity", "channel_request", "channel_offer")
        .filter(pk=match_id)
        .first()
    )
    if match is None:
        raise NotFoundError()
    return match


def offers_of_match(*, cluster, match_id: int):
    """A match's offers, newest first, each with the enterprise and person who made it (one query)."""
    return Offer.objects.filter(cluster=cluster, match_id=match_id).select_related("enterprise", "author")


def side_in(match, enterprise_ids) -> str | None:
    if match.demand_owner_id in enterprise_ids:
        return "demand"
    if match.supply_owner_id in enterprise_ids:
        return "supply"
    return None


def rfqs_visible(*, cluster, user):
    """The requests for quotation the caller's enterprises sent, or were invited to (others: 404)."""
    mine = my_enterprise_ids(user)
    invited = RfqInvitation.objects.filter(cluster=cluster, supplier_id__in=mine).values("rfq_id")
    return (
        RequestForQuotation.objects.filter(cluster=cluster)
        .filter(Q(buyer_id__in=mine) | Q(pk__in=invited))
        .select_related("order", "buyer")
    )


def rfq_get(*, cluster, user, rfq_id: int) -> RequestForQuotation:
    rfq = rfqs_visible(cluster=cluster, user=user).filter(pk=rfq_id).first()
    if rfq is None:
        raise NotFoundError()
    return rfq


def is_buyer(rfq, user) -> bool:
    return rfq.buyer_id in my_enterprise_ids(user)


def invitations_visible(*, rfq, user):
    """The buyer sees every invitation; an invited supplier only its own."""
    qs = RfqInvitation.objects.filter(cluster_id=rfq.cluster_id, rfq=rfq).select_related("supplier", "capacity")
    if not is_buyer(rfq, user):
        qs = qs.filter(supplier_id__in=my_enterprise_ids(user))
    return qs


def quotes_visible(*, rfq, user):
    """The quotes of ``rfq`` the caller may read: the buyer every one, a supplier only its own."""
    qs = Offer.objects.filter(cluster_id=rfq.cluster_id, invitation__rfq=rfq).select_related(
        "enterprise", "author", "invitation"
    )
    if not is_buyer(rfq, user):
        qs = qs.filter(enterprise_id__in=my_enterprise_ids(user))
    return qs.order_by("unit_price", "delivery_date", "pk")


def comparison(*, rfq, user) -> list[dict]:
    """The quotes side by side: terms, the engine's score of the supplier and its reputation in the
    cluster (two queries, however many quotes)."""
    quotes = list(quotes_visible(rfq=rfq, user=user))
    reputations = {
        r.enterprise_id: r
        for r in Reputation.objects.filter(
            cluster_id=rfq.cluster_id, enterprise_id__in={q.enterprise_id for q in quotes}
        )
    }
    return [
        {"quote": quote, "score": quote.invitation.score, "reputation": reputations.get(quote.enterprise_id)}
        for quote in quotes
    ]
