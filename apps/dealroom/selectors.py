"""Every read of the deal room, shared by its pages and its API."""

from django.db.models import Q

from apps.core.errors import NotFoundError
from apps.marketplace import selectors as market
from apps.marketplace.models import Deal, Match
from apps.tenancy.selectors import ADMINISTRATOR

from .models import Dispute, Document

# --- documents and disputes ---


def _party(user, *fields: str) -> Q:
    mine = market.viewer_enterprise_ids(user)
    q = Q(pk__in=[])
    for field in fields:
        q |= Q(**{f"{field}__in": mine})
    return q


def _is_admin(user, roles) -> bool:
    return ADMINISTRATOR in roles or bool(user and user.is_staff)


def documents_visible(*, cluster, user, roles):
    """The documents the caller may see: its enterprises' matches' and deals', and, for the cluster's
    administrators, those of deals with an open dispute (to decide it). Anything else is not found."""
    q = _party(user, "match__demand_owner_id", "match__supply_owner_id")
    if _is_admin(user, roles):
        open_deals = Dispute.objects.filter(cluster=cluster, status=Dispute.Status.OPEN).values("deal__match_id")
        q |= Q(match_id__in=open_deals)
    return Document.objects.filter(cluster=cluster).filter(q)


def documents_for(*, cluster, user, roles, match_id: int | None = None, deal_id: int | None = None):
    """The documents of one match's room (or a deal's: its match's), uploader and deal loaded."""
    qs = documents_visible(cluster=cluster, user=user, roles=roles)
    if deal_id is not None:
        qs = qs.filter(match__deal__pk=deal_id)
    if match_id is not None:
        qs = qs.filter(match_id=match_id)
    return qs.select_related("enterprise", "uploaded_by").order_by("-created_at", "-pk")


def document_get(*, cluster, user, roles, document_id: int) -> Document:
    document = documents_visible(cluster=cluster, user=user, roles=roles).filter(pk=document_id).first()
    if document is None:
        raise NotFoundError()
    return document


def party_match(*, cluster, user, match_id: int) -> Match:
    """A match the caller's enterprise is a side of (others: not found), with its deal if any."""
    match = (
        Match.objects.filter(cluster=cluster, pk=match_id)
        .filter(_party(user, "demand_owner_id", "supply_owner_id"))
        .select_related("demand_owner", "supply_owner")
        .first()
    )
    if match is None:
        raise NotFoundError()
    return match


def party_deal(*, cluster, user, deal_id: int) -> Deal:
    deal = (
        Deal.objects.filter(cluster=cluster, pk=deal_id)
        .filter(_party(user, "buyer_id", "supplier_id"))
        .select_related("match", "buyer", "supplier", "cluster")
        .first()
    )
    if deal is None:
        raise NotFoundError()
    return deal


def room_deal(*, cluster, user, roles, deal_id: int) -> Deal:
    """A deal whose room the caller may read: a party, or an administrator while it is disputed."""
    deal = (
        Deal.objects.filter(cluster=cluster, pk=deal_id).select_related("match", "buyer", "supplier", "cluster").first()
    )
    if deal is None:
        raise NotFoundError()
    mine = market.viewer_enterprise_ids(user)
    if deal.buyer_id in mine or deal.supplier_id in mine:
        return deal
    if _is_admin(user, roles) and Dispute.objects.filter(deal=deal, status=Dispute.Status.OPEN).exists():
        return deal
    raise NotFoundError()


def disputes_visible(*, cluster, user, roles):
    """Administrators: the cluster's disputes; a party: those of its deals."""
    qs = Dispute.objects.filter(cluster=cluster)
    if not _is_admin(user, roles):
        qs = qs.filter(_party(user, "deal__buyer_id", "deal__supplier_id"))
    return qs.select_related("deal__buyer", "deal__supplier", "opened_by", "decided_by").prefetch_related("documents")


def dispute_of_deal(*, cluster, deal_id: int) -> Dispute | None:
    return Dispute.objects.filter(cluster=cluster, deal_id=deal_id).order_by("-created_at", "-pk").first()
