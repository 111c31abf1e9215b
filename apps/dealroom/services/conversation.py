"""Writing the conversation of a match (and its deal): messages, read markers, e-mail digests."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, PermissionDeniedError
from apps.marketplace.models import Deal
from apps.membership.models import EnterpriseMember, Membership
from apps.notifications.models import NotificationPreference
from apps.notifications.services import absolute_url, language_of
from apps.tenancy.models import ClusterRole

from .. import lifecycle, live, notices, selectors
from ..models import MESSAGE_LANGUAGES, MESSAGE_MAX_LENGTH, Conversation, Message, ReadState
from . import documents

log = logging.getLogger(__name__)

#: the most messages of one conversation a digest quotes (it says how many more there are)
DIGEST_QUOTES = 10
LANGUAGE_CODES = frozenset(code for code, _name in MESSAGE_LANGUAGES)


def room_path(cluster, match_id: int) -> str:
    return reverse("deal-room", args=[cluster.slug, match_id])


def _language(actor, language: str | None) -> str:
    if language in (None, ""):
        preferred = language_of(actor)
        return preferred if preferred in LANGUAGE_CODES else settings.LANGUAGE_CODE
    if language not in LANGUAGE_CODES:
        raise DomainError(
            _("Choose one of: %(codes)s.") % {"codes": ", ".join(sorted(LANGUAGE_CODES))}, field="language"
        )
    return language


def _administrator_ids(cluster) -> list[int]:
    return list(
        ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR).values_list(
            "user_id", flat=True
        )
    )


def _recipients(*, party, cluster, actor) -> list:
    """Who hears of a message: the other side's people (both sides' for an administrator or
    staff), and the administrators while the deal is disputed; never the author."""
    match = party.match
    if party.part == lifecycle.DEMAND:
        enterprises = [match.supply_owner_id]
    elif party.part == lifecycle.SUPPLY:
        enterprises = [match.demand_owner_id]
    else:
        enterprises = [match.demand_owner_id, match.supply_owner_id]
    who = Q(enterprise_memberships__enterprise_id__in=enterprises)
    if party.part != lifecycle.ADMIN and lifecycle.participants_may_include_admins(match):
        who |= Q(pk__in=_administrator_ids(cluster))
    users = get_user_model().objects.filter(who, is_active=True).exclude(pk=actor.pk).distinct()
    return list(users)


def _checked_attachment(*, party, cluster, kind: str, file):
    """The attachment of a message checked before anything is written (None: no attachment)."""
    if file is None and not kind:
        return None
    if not party.is_side:
        raise PermissionDeniedError(_("Only the two sides attach documents to the conversation."))
    return documents.check_file(cluster=cluster, kind=kind, file=file)


@transaction.atomic
def message_post(
    *, actor, cluster, roles, match_id: int, body: str, language: str | None = None, kind: str = "", file=None
) -> Message:
    """Post a message in a match's conversation (a side's person, or an administrator during a
    dispute), with a document attached when ``file`` (of ``kind``) is given: one write, the file
    checked before the message is written and stored last, so a refused file leaves no message.
    The other participants are notified in the app; the open streams receive it once the
    transaction commits. Refused with the field named: an empty or overlong ``body``, an unknown
    ``language``, a file that fails its checks; an unknown match, or one the caller is no party
    to, is a 404."""
    party = selectors.conversation_party(cluster=cluster, user=actor, roles=roles, match_id=match_id)
    body = lifecycle.check_message_body(body, max_length=MESSAGE_MAX_LENGTH)
    language = _language(actor, language)
    attachment = _checked_attachment(party=party, cluster=cluster, kind=kind, file=file)
    conversation = party.conversation
    if conversation is None:
        conversation, _created = Conversation.objects.get_or_create(match=party.match, defaults={"cluster": cluster})
    message = Message.objects.create(
        cluster=cluster,
        conversation=conversation,
        author=actor,
        author_enterprise=party.enterprise,
        from_administrator=party.part == lifecycle.ADMIN,
        body=body,
        language=language,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_id=Greatest(F("last_message_id"), message.pk), message_count=F("message_count") + 1
    )
    recipients = _recipients(party=party, cluster=cluster, actor=actor)
    # the author has read their own message; the others get a marker for their digest
    ReadState.objects.bulk_create(
        [ReadState(conversation=conversation, user=user) for user in recipients], ignore_conflicts=True
    )
    _advance_marker(conversation_id=conversation.pk, user=actor, up_to=message.pk)
    attached = []
    if attachment is not None:
        deal = Deal.objects.filter(match=party.match).first()
        attached.append(
            documents.document_keep(
                checked=attachment, actor=actor, cluster=cluster, match=party.match, deal=deal, message=message
            )
        )
    message._prefetched_objects_cache = {"attachments": attached}  # what readers see (no query)
    link = room_path(cluster, party.match.pk)
    notices.message_posted(message=message, match=party.match, cluster=cluster, recipients=recipients, link=link)
    message.author, message.author_enterprise = actor, party.enterprise
    payload = live.payload_of(message)
    match_id = party.match.pk
    transaction.on_commit(lambda: live.publish(match_id, payload))
    return message


def _advance_marker(*, conversation_id: int, user, up_to: int) -> None:
    state, created = ReadState.objects.get_or_create(
        conversation_id=conversation_id, user=user, defaults={"last_read_id": up_to}
    )
    if not created and state.last_read_id < up_to:
        ReadState.objects.filter(pk=state.pk, last_read_id__lt=up_to).update(last_read_id=up_to)


@transaction.atomic
def conversation_mark_read(*, actor, cluster, roles, match_id: int, up_to: int | None = None) -> dict:
    """Mark the conversation read by ``actor`` up to message ``up_to`` (default: the newest).
    A marker never moves back; an id that is not a message of this conversation is refused
    (400 naming ``up_to``). Answers the marker and what is still unread."""
    party = selectors.conversation_party(cluster=cluster, user=actor, roles=roles, match_id=match_id)
    conversation = party.conversation
    if conversation is None:
        if up_to:
            raise DomainError(_("This conversation has no such message."), field="up_to")
        return {"last_read_id": 0, "unread": 0}
    if up_to is None:
        up_to = conversation.last_message_id
    elif not Message.objects.filter(conversation=conversation, pk=up_to).exists():
        raise DomainError(_("This conversation has no such message."), field="up_to")
    if up_to:
        _advance_marker(conversation_id=conversation.pk, user=actor, up_to=up_to)
    return {
        "last_read_id": selectors.read_marker(conversation_id=conversation.pk, user=actor),
        "unread": selectors.unread_count(conversation_id=conversation.pk, user=actor),
    }


# --- digests --------------------------------------------------------------------------------


def _still_a_participant(state: ReadState) -> bool:
    """The person may still read the conversation: a person of a side that is an active member,
    platform staff, or an administrator while the deal is disputed (as ``lifecycle`` decides)."""
    match = state.conversation.match
    sides = EnterpriseMember.objects.filter(
        user_id=state.user_id, enterprise_id__in=[match.demand_owner_id, match.supply_owner_id]
    ).values("enterprise_id")
    if Membership.objects.filter(
        cluster_id=match.cluster_id, enterprise_id__in=sides, status=Membership.Status.ACTIVE
    ).exists():
        return True
    if state.user.is_staff:
        return True
    return (
        ClusterRole.objects.filter(
            cluster_id=match.cluster_id, user_id=state.user_id, role=ClusterRole.Role.ADMINISTRATOR
        ).exists()
        and Deal.objects.filter(match_id=match.pk, status=Deal.Status.DISPUTED).exists()
    )


def _wants_email(user_id: int) -> bool:
    preference = NotificationPreference.objects.filter(
        user_id=user_id, category=NotificationPreference.Category.DEALROOM
    ).first()
    return preference is None or preference.email


@transaction.atomic
def message_digest_send(*, user_id: int) -> int:
    """Mail one person, in their language, the messages of others they have neither read nor
    had in a digest yet, every conversation in one mail; then move their digest markers to the
    newest message. Run again, it finds nothing and sends nothing. Answers the messages mailed."""
    states = list(
        ReadState.objects.select_for_update(of=("self",))
        .filter(user_id=user_id)
        .filter(conversation__last_message_id__gt=F("last_read_id"))
        .filter(conversation__last_message_id__gt=F("digested_id"))
        .select_related("user", "conversation__match__demand_owner", "conversation__match__supply_owner")
        .order_by("conversation_id")
    )
    if not states:
        return 0
    user = states[0].user
    sections, mailed = [], 0
    wants = user.is_active and _wants_email(user_id)
    for state in states:
        since = max(state.last_read_id, state.digested_id)
        newest = state.conversation.last_message_id
        if wants and _still_a_participant(state):
            unread = Message.objects.filter(conversation_id=state.conversation_id, pk__gt=since, pk__lte=newest)
            unread = unread.exclude(author_id=user_id)
            total = unread.count()
            if total:
                quoted = list(unread.select_related("author", "author_enterprise").order_by("pk")[:DIGEST_QUOTES])
                sections.append({"state": state, "messages": quoted, "more": total - len(quoted)})
                mailed += total
        ReadState.objects.filter(pk=state.pk).update(digested_id=newest)
    if sections:
        _send_digest(user=user, sections=sections)
    return mailed


def _send_digest(*, user, sections) -> None:
    with translation.override(language_of(user)):
        for section in sections:
            match = section["state"].conversation.match
            section["match"] = match
            section["link"] = absolute_url(room_path(match.cluster, match.pk))
        context = {"site_name": _(settings.SITE_NAME), "user": user, "sections": sections}
        context["preferences_url"] = absolute_url(reverse("notification-preferences"))
        context["count"] = sum(len(s["messages"]) + s["more"] for s in sections)
        subject = render_to_string("dealroom/email/digest_subject.txt", context)
        message = render_to_string("dealroom/email/digest_message.txt", context)
    send_mail(subject=" ".join(subject.split()), message=message, from_email=None, recipient_list=[user.email])


def message_digests_send() -> int:
    """Every person with messages waiting gets their digest (each in its own transaction, so
    one failing mail leaves the others sent and itself to the next run). Answers the mails sent."""
    waiting = (
        ReadState.objects.filter(conversation__last_message_id__gt=F("last_read_id"))
        .filter(conversation__last_message_id__gt=F("digested_id"))
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(waiting):
        try:
            sent += bool(message_digest_send(user_id=user_id))
        except Exception:
            log.exception("dealroom: the digest of user %s failed; the next run retries it", user_id)
    return sent
