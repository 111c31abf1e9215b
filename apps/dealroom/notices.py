"""How the deal room's notifications read (registered with the notifications app), and who hears.

Every kind here is named under ``marketplace.`` so that it falls in the category "Matches and
deals" (``notifications.models.category_of`` reads a kind's prefix) and follows the preference
people set for matches and deals. A message raises an in-app notification only: its e-mail is
the digest (``services.conversation.message_digests_send``), never one mail per message.
"""

from django.utils.translation import gettext, gettext_lazy

from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import notify_users

# --- conversation ---------------------------------------------------------------------------

MESSAGE_KIND = "marketplace.deal_room_message"
#: how much of a message its notification quotes (in its author's words)
EXCERPT = 140


def _sender(values: dict) -> dict:
    sender = values.get("enterprise") or ""
    if values.get("administrator"):
        sender = gettext("The cluster's administrators")
    return {**values, "sender": sender}


def register() -> None:
    messages.register(
        MESSAGE_KIND,
        gettext_lazy("New message on match #%(match)s"),
        gettext_lazy("%(sender)s wrote: “%(excerpt)s”"),
        prepare=_sender,
    )


def message_posted(*, message, match, cluster, recipients, link: str) -> None:
    """The other participants hear of a new message, in the app (the e-mail is the digest)."""
    excerpt = message.body if len(message.body) <= EXCERPT else message.body[: EXCERPT - 1] + "…"
    notify_users(
        users=recipients,
        kind=MESSAGE_KIND,
        params={
            "match": match.pk,
            "enterprise": name_of(message.author_enterprise) if message.author_enterprise else "",
            "administrator": message.from_administrator,
            "excerpt": excerpt,
        },
        link=link,
        cluster=cluster,
        email=False,
    )
