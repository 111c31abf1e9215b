"""Who takes part in a deal room, and the checks beside it (raising ``NotFoundError``)."""

from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError
from apps.marketplace.models import Deal

# --- conversation ---------------------------------------------------------------------------

#: how a participant takes part in a match's conversation
DEMAND, SUPPLY, ADMIN, STAFF = "demand", "supply", "administrator", "staff"


def participants_may_include_admins(match) -> bool:
    """True while the match's deal is disputed: then the cluster's administrators join its
    conversation (they read it and write in it, their messages marked as theirs)."""
    return Deal.objects.filter(match_id=match.pk, status=Deal.Status.DISPUTED).exists()


def part_in_conversation(*, match, enterprise_ids, is_member: bool, is_administrator: bool, is_staff: bool) -> str:
    """How the caller takes part in ``match``'s conversation: a side (the people of the two
    enterprises, while a member of the cluster), an administrator during a dispute, or platform
    staff. Anyone else is not told the conversation exists (404): a member of the same cluster,
    and anyone of another cluster, alike."""
    if is_member and match.demand_owner_id in enterprise_ids:
        return DEMAND
    if is_member and match.supply_owner_id in enterprise_ids:
        return SUPPLY
    if is_administrator and participants_may_include_admins(match):
        return ADMIN
    if is_staff:
        return STAFF
    raise NotFoundError()


def check_message_body(body: str, *, max_length: int) -> str:
    """The body as kept (surrounding blank space dropped): not empty, at most ``max_length``."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message first."), field="body")
    if len(body) > max_length:
        raise DomainError(
            _("A message is at most %(max)d characters (this one has %(length)d).")
            % {"max": max_length, "length": len(body)},
            field="body",
        )
    return body
