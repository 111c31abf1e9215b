"""The e-mail of the conversation is a digest: one mail per person per run with every message
waiting for them, in their language, sent once, honouring the "matches and deals" preference."""

from django.conf import settings

from apps.dealroom.services.conversation import message_digests_send, message_post
from apps.dealroom.tasks import send_message_digests
from apps.notifications.models import NotificationPreference


def post(room, user, body, match=None):
    return message_post(
        actor=user, cluster=room.cluster, roles=frozenset({"member"}), match_id=(match or room.match).pk, body=body
    )


def mails_to(mailoutbox, user):
    return [mail for mail in mailoutbox if mail.to == [user.email]]


def test_one_digest_with_every_waiting_message_then_nothing_again(room, mailoutbox):
    post(room, room.supplier_owner, "Yes, the 12th.")
    post(room, room.buyer_owner, "Can you ship on the 12th?")
    post(room, room.buyer_staff, "And send a sample first?")
    deal = room.accepted_with_deal()
    post(room, room.buyer_owner, "About the deal: invoice please.", match=deal.match)
    assert mailoutbox == []  # nothing per message
    # the supplier's owner, and the buyer's owner (their colleague's message: they had read the
    # supplier's when they answered it); the buyer's staff wrote last, so had read everything
    assert send_message_digests() == 2
    assert mails_to(mailoutbox, room.buyer_staff) == []
    [colleague] = mails_to(mailoutbox, room.buyer_owner)
    assert "And send a sample first?" in colleague.body and "Yes, the 12th." not in colleague.body
    assert "new message" in colleague.subject  # in English, their language
    [mail] = mails_to(mailoutbox, room.supplier_owner)
    # the supplier's owner reads Chinese: the digest is in Chinese (the site's name; the lead
    # translates the new sentences), the messages in their authors' words
    assert mail.subject.startswith("产业集群平台") and "3" in mail.subject
    for body in ("Can you ship on the 12th?", "And send a sample first?", "About the deal: invoice please."):
        assert body in mail.body
    assert f"/clusters/{room.cluster.slug}/matches/{room.match.pk}/room/" in mail.body
    assert "Hangzhou Buyer Apparel" in mail.body or "杭州采购服饰" in mail.body
    # run again: nothing new, nothing sent
    mailoutbox.clear()
    assert message_digests_send() == 0 and mailoutbox == []


def test_what_was_read_or_already_mailed_is_not_mailed(room, mailoutbox):
    first = post(room, room.buyer_owner, "first")
    room.api(room.supplier_owner).post(room.messages_url() + "read/", {"up_to": first.pk}, format="json")
    post(room, room.buyer_owner, "second")
    message_digests_send()
    [mail] = mails_to(mailoutbox, room.supplier_owner)
    assert "second" in mail.body and "- " in mail.body and "first\n" not in mail.body
    post(room, room.buyer_owner, "third")
    mailoutbox.clear()
    message_digests_send()
    [mail] = mails_to(mailoutbox, room.supplier_owner)
    assert "third" in mail.body and "second" not in mail.body


def test_no_digest_for_someone_who_turned_the_emails_of_the_deal_room_off(room, mailoutbox):
    NotificationPreference.objects.create(user=room.supplier_owner, category="dealroom", in_app=True, email=False)
    post(room, room.buyer_owner, "hello")
    message_digests_send()
    assert mails_to(mailoutbox, room.supplier_owner) == []
    # the marker moved on: turning e-mails back on does not mail old messages
    NotificationPreference.objects.filter(user=room.supplier_owner).update(email=True)
    assert message_digests_send() == 0


def test_a_long_conversation_quotes_the_first_messages_and_counts_the_rest(room, mailoutbox):
    for n in range(13):
        post(room, room.buyer_owner, f"line {n}")
    message_digests_send()
    [mail] = mails_to(mailoutbox, room.supplier_owner)
    assert "line 9" in mail.body and "line 10" not in mail.body and "3" in mail.body


def test_the_digest_is_on_beat_s_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["dealroom-message-digests"]
    assert entry["task"] == "dealroom.send_message_digests" and entry["schedule"] <= 10 * 60


def test_no_digest_once_the_side_is_no_longer_an_active_member(room, mailoutbox):
    from apps.membership.models import Membership

    post(room, room.buyer_owner, "hello")
    Membership.objects.filter(cluster=room.cluster, enterprise=room.supplier).update(status="suspended")
    message_digests_send()
    assert mails_to(mailoutbox, room.supplier_owner) == []
