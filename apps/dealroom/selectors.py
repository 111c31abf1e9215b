"""Every read of the deal room, shared by its pages, its API and its live stream."""

from dataclasses import dataclass

from django.db.models import Subquery
from django.db.models.functions import Coalesce

from apps.core.errors import NotFoundError
from apps.marketplace.models import Deal, Match
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from . import lifecycle
from .models import Conversation, Message, ReadState

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
