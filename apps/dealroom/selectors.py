"""Every read of the deal room, shared by its pages, its API and its live stream."""

from dataclasses import dataclass

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce

from apps.core.errors import NotFoundError
from apps.marketplace import selectors as market
from apps.marketplace.models import Deal, Match, Reputation
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from . import lifecycle
from .models import Conversation, Dispute, Document, Message, Offer, ReadState, RequestForQuotation, RfqInvitation

# --- conversation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """The caller in one match's conversation: how they take part, and for which enterprise."""

    match: Match
    part: str  # lifecycle.DEMAND, SUPPLY, ADMIN or STAFF
    conversation: Conversation | None

    @property
    def enterprise(self):
        """The enterprise the caller writes for (None for an administrator or staff)."""
        return {lifecycle.DEMAND: self.match.demand_owner, lifecycle.SUPPLY: self.match.supply_owner}.get(self.part)

    @property
    def is_side(self) -> bool:
        return self.part in (lifecycle.DEMAND, lifecycle.SUPPLY)


def conversation_party(*, cluster, user, roles, match_id: int) -> Party:
    """The caller's part in the conversation of match ``match_id`` of ``cluster`` (two queries:
    the match with both enterprises and its conversation, the caller's enterprises). A match of
    another cluster, or one the caller is no party to, is not found (``NotFoundError``)."""
    match = (
        Match.objects.filter(cluster=cluster, pk=match_id)
        .select_related("demand_owner", "supply_owner", "conversation")
        .first()
    )
    if match is None or not user.is_authenticated:
        raise NotFoundError()
    part = lifecycle.part_in_conversation(
        match=match,
        enterprise_ids=viewer_enterprise_ids(user),
        is_member=MEMBER in roles,
        is_administrator=ADMINISTRATOR in roles,
        is_staff=user.is_staff,
    )
    return Party(match=match, part=part, conversation=getattr(match, "conversation", None))


def match_id_of_deal(*, cluster, deal_id: int) -> int | None:
    """The match a deal of ``cluster`` was made from (its conversation is the match's)."""
    return Deal.objects.filter(cluster=cluster, pk=deal_id).values_list("match_id", flat=True).first()


def deal_of(match) -> Deal | None:
    return Deal.objects.filter(match_id=match.pk).only("pk", "status", "match_id").first()


def messages_of(conversation_id: int | None):
    """A conversation's messages, oldest first, with their authors and enterprises (one query a page)."""
    if conversation_id is None:
        return Message.objects.none()
    return (
        Message.objects.filter(conversation_id=conversation_id)
        .select_related("author", "author_enterprise")
        .prefetch_related("attachments")
        .order_by("pk")
    )


def latest_messages(conversation_id: int | None, *, limit: int) -> list[Message]:
    """The newest ``limit`` messages, oldest first (what the room shows when it opens)."""
    newest = list(messages_of(conversation_id).order_by("-pk")[:limit])
    return newest[::-1]


def messages_after(conversation_id: int, *, after: int, limit: int) -> list[Message]:
    """Messages newer than id ``after``, oldest first (a stream catching up)."""
    return list(messages_of(conversation_id).filter(pk__gt=after)[:limit])


def read_marker(*, conversation_id: int | None, user) -> int:
    """The id of the last message ``user`` has read in the conversation (0: none)."""
    if conversation_id is None:
        return 0
    marker = ReadState.objects.filter(conversation_id=conversation_id, user=user).values_list("last_read_id", flat=True)
    return marker.first() or 0


def unread_count(*, conversation_id: int | None, user) -> int:
    """Messages of others newer than what ``user`` has read (one query)."""
    if conversation_id is None:
        return 0
    last_read = ReadState.objects.filter(conversation_id=conversation_id, user=user).values("last_read_id")[:1]
    qs = Message.objects.filter(conversation_id=conversation_id).exclude(author=user)
    return qs.filter(pk__gt=Coalesce(Subquery(last_read), 0)).count()


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
    return (
        Offer.objects.filter(cluster=cluster, match_id=match_id)
        .select_related("enterprise", "author")
        .prefetch_related("attachments")
    )


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
    qs = (
        Offer.objects.filter(cluster_id=rfq.cluster_id, invitation__rfq=rfq)
        .select_related("enterprise", "author", "invitation")
        .prefetch_related("attachments")
    )
    if not is_buyer(rfq, user):
        qs = qs.filter(enterprise_id__in=my_enterprise_ids(user))
    return qs.order_by("unit_price", "delivery_date", "pk")


def comparison(*, rfq, user) -> list[dict]:
    """The latest quotes side by side: terms, the engine's score of the supplier and its reputation
    in the cluster, and each quote's earlier revisions, newest first (three queries, however many)."""
    visible = list(quotes_visible(rfq=rfq, user=user))
    quotes = [q for q in visible if q.status != Offer.Status.SUPERSEDED]
    earlier: dict[int, list] = {}
    for old in sorted((q for q in visible if q.status == Offer.Status.SUPERSEDED), key=lambda q: -q.pk):
        earlier.setdefault(old.invitation_id, []).append(old)
    reputations = {
        r.enterprise_id: r
        for r in Reputation.objects.filter(
            cluster_id=rfq.cluster_id, enterprise_id__in={q.enterprise_id for q in quotes}
        )
    }
    for quote in quotes:
        quote.revisions = earlier.get(quote.invitation_id, [])
    return [
        {"quote": quote, "score": quote.invitation.score, "reputation": reputations.get(quote.enterprise_id)}
        for quote in quotes
    ]


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
    q = _party(user, "match__demand_owner_id", "match__supply_owner_id", "rfq__buyer_id", "invitation__supplier_id")
    # the buyer's own documents of a request reach every supplier it invited
    invited = RfqInvitation.objects.filter(cluster=cluster, supplier_id__in=market.viewer_enterprise_ids(user))
    q |= Q(invitation__isnull=True, rfq_id__in=invited.values("rfq_id"))
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


def documents_of_rfq(*, cluster, user, roles, rfq_id: int):
    """A request for quotation's documents the caller may see (the buyer's, and the suppliers' —
    each supplier only its own), newest first."""
    qs = documents_visible(cluster=cluster, user=user, roles=roles).filter(rfq_id=rfq_id)
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
