"""The conversation of a match and its deal, through the API: who takes part, what a message
carries, read state, notifications, bad input and bounded pages."""

import pytest

from apps.core.models import OutboxMessage
from apps.dealroom.lifecycle import participants_may_include_admins
from apps.dealroom.models import MESSAGE_MAX_LENGTH, Message, ReadState
from apps.notifications.models import Notification, NotificationPreference
from tests.factories.dealroom import ConversationFactory, MessageFactory
from tests.factories.membership import PersonFactory
from tests.queries import cold_queries

KIND = "dealroom.message"


def post(room, user, body="When can you ship?", url=None, **extra):
    return room.api(user).post(url or room.messages_url(), {"body": body, **extra}, format="json")


def test_the_two_sides_talk_and_each_message_says_who_wrote_it_in_which_language(room):
    sent = post(room, room.buyer_owner, "Can you deliver 200 m by the 20th?")
    assert sent.status_code == 201, sent.content
    answer = post(room, room.supplier_owner, "可以，二十号前发货。")
    assert answer.status_code == 201
    listed = room.api(room.buyer_staff).get(room.messages_url())
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2
    first, second = body["results"]  # oldest first, newest last
    assert first["body"] == "Can you deliver 200 m by the 20th?"
    assert first["language"] == "en" and first["language_name"] == "English"
    assert first["enterprise"] == {"id": room.buyer.pk, "name": "Hangzhou Buyer Apparel"}
    assert first["author"]["name"] == "Zhang Wei" and first["from_administrator"] is False
    # the supplier's owner prefers Chinese: their message is marked as written in it
    assert second["language"] == "zh-hans" and second["enterprise"]["id"] == room.supplier.pk
    # a reader in Chinese reads the enterprise's Chinese name and the language's name in Chinese
    chinese = room.api(room.buyer_owner).get(room.messages_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["results"][0]["enterprise"]["name"] == "杭州采购服饰"
    assert [m["language_name"] for m in chinese["results"]] == ["英语", "简体中文"]


def test_the_author_may_choose_the_language_of_a_message(room):
    sent = post(room, room.supplier_owner, "Sample ships Monday.", language="en")
    assert sent.status_code == 201 and sent.json()["language"] == "en"


def test_the_deal_continues_its_match_conversation(room):
    deal = room.accepted_with_deal()
    assert post(room, room.buyer_owner, "Before the deal", url=room.messages_url(deal.match)).status_code == 201
    assert post(room, room.supplier_owner, "On the deal", url=room.deal_messages_url(deal)).status_code == 201
    from_match = room.api(room.buyer_owner).get(room.messages_url(deal.match)).json()["results"]
    from_deal = room.api(room.buyer_owner).get(room.deal_messages_url(deal)).json()["results"]
    assert [m["body"] for m in from_match] == [m["body"] for m in from_deal] == ["Before the deal", "On the deal"]
    assert Message.objects.filter(conversation__match=deal.match).count() == 2


@pytest.mark.parametrize("who", ["bystander", "foreign_member", "foreign_admin", "admin"])
def test_no_one_but_the_parties_reaches_the_conversation(room, who):
    MessageFactory(conversation=ConversationFactory(match=room.match), body="secret terms")
    deal = room.accepted_with_deal()
    MessageFactory(conversation=ConversationFactory(match=deal.match), body="secret deal terms")
    client = room.api(getattr(room, who))
    expected = {404}
    for url in (room.messages_url(), room.deal_messages_url(deal)):
        for answer in (
            client.get(url),
            client.post(url, {"body": "let me in"}, format="json"),
            client.post(url + "read/", {}, format="json"),
        ):
            assert answer.status_code in expected, (who, url, answer.status_code)
            assert "secret" not in answer.content.decode()
    assert not Message.objects.filter(body="let me in").exists()


def test_administrators_join_while_the_deal_is_disputed_and_their_messages_are_marked(room):
    deal = room.accepted_with_deal()
    assert not participants_may_include_admins(deal.match)
    assert room.api(room.admin).get(room.deal_messages_url(deal)).status_code == 404
    deal.status = "disputed"
    deal.save()
    assert participants_may_include_admins(deal.match)
    post(room, room.buyer_owner, "The goods arrived wet.", url=room.deal_messages_url(deal))
    # the administrator was told of the side's message, and now reads and writes
    assert Notification.objects.filter(user=room.admin, kind=KIND).count() == 1
    assert room.api(room.admin).get(room.deal_messages_url(deal)).json()["count"] == 1
    written = post(room, room.admin, "Please both upload photos.", url=room.deal_messages_url(deal))
    assert written.status_code == 201
    assert written.json()["from_administrator"] is True and written.json()["enterprise"] is None
    # both sides hear of the administrator's message
    hearing = set(Notification.objects.filter(kind=KIND, params__administrator=True).values_list("user", flat=True))
    assert hearing == {room.buyer_owner.pk, room.buyer_staff.pk, room.supplier_owner.pk}


def test_platform_staff_read_the_conversation(room):
    post(room, room.buyer_owner)
    assert room.api(room.staff).get(room.messages_url()).json()["count"] == 1


def test_each_message_notifies_the_other_side_in_the_app_and_mails_nothing_at_once(
    room, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=room.buyer_staff, category="dealroom", in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        post(room, room.supplier_owner, "Price is 18.20 per metre.")
    notified = Notification.objects.filter(kind=KIND)
    assert set(notified.values_list("user", flat=True)) == {
        room.buyer_owner.pk
    }  # not the author, not staff who opted out
    note = notified.get()
    assert note.params["excerpt"] == "Price is 18.20 per metre." and note.link == room.page_url()
    assert "Shaoxing Weaving wrote" in note.rendered()[1]
    assert mailoutbox == []
    assert not OutboxMessage.objects.filter(task="notifications.send_emails").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [("", "body"), ("   \n ", "body"), ("x" * (MESSAGE_MAX_LENGTH + 1), "body"), (None, "body")],
)
def test_a_bad_body_is_a_400_naming_it_and_writes_nothing(room, body, field):
    payload = {} if body is None else {"body": body}
    answer = room.api(room.buyer_owner).post(room.messages_url(), payload, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert not Message.objects.exists() and not Notification.objects.exists()


def test_an_unknown_language_or_match_is_refused(room):
    answer = post(room, room.buyer_owner, "hi", language="fr")
    assert answer.status_code == 400 and "language" in answer.json()["errors"]
    base = f"/api/v1/clusters/{room.cluster.slug}/"
    for url in (base + "matches/999999/messages/", base + "deals/999999/messages/", base + "matches/9" * 30):
        assert room.api(room.buyer_owner).post(url, {"body": "hi"}, format="json").status_code == 404
    assert not Message.objects.exists()


def test_read_state_per_person_with_unread_counts(room):
    ids = [post(room, room.buyer_owner, f"message {n}").json()["id"] for n in range(3)]
    read = room.api(room.supplier_owner).post(room.messages_url() + "read/", {"up_to": ids[0]}, format="json")
    assert read.status_code == 200 and read.json() == {"last_read_id": ids[0], "unread": 2}
    # a marker never moves back
    back = room.api(room.supplier_owner).post(room.messages_url() + "read/", {"up_to": ids[0]}, format="json")
    assert back.json()["unread"] == 2
    everything = room.api(room.supplier_owner).post(room.messages_url() + "read/", {}, format="json")
    assert everything.json() == {"last_read_id": ids[2], "unread": 0}
    # each person has their own marker; the author has read their own messages
    staff = room.api(room.buyer_staff).post(room.messages_url() + "read/", {"up_to": ids[0]}, format="json")
    assert staff.json()["unread"] == 2  # a colleague's messages are the others' to read
    assert ReadState.objects.get(user=room.buyer_owner).last_read_id == ids[2]


def test_marking_read_a_message_of_another_conversation_is_refused(room):
    other = MessageFactory()  # another match's conversation
    post(room, room.buyer_owner)
    for up_to in (other.pk, "abc", 0):
        answer = room.api(room.supplier_owner).post(room.messages_url() + "read/", {"up_to": up_to}, format="json")
        assert answer.status_code == 400 and "up_to" in answer.json()["errors"], up_to


def test_a_long_conversation_pages_in_the_same_bounded_queries(room):
    conversation = ConversationFactory(match=room.match)
    batch = Message.objects.bulk_create(
        Message(
            cluster=room.cluster,
            conversation=conversation,
            author=room.buyer_owner,
            author_enterprise=room.buyer,
            body=f"m{n}",
            language="en",
        )
        for n in range(30)
    )
    client = room.api(room.supplier_owner)

    def counted(url):
        with cold_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = counted(room.messages_url() + "?page=2&page_size=10")
    Message.objects.bulk_create(
        Message(
            cluster=room.cluster,
            conversation=conversation,
            author=room.supplier_owner,
            author_enterprise=room.supplier,
            body=f"n{n}",
            language="zh-hans",
        )
        for n in range(120)
    )
    large = counted(room.messages_url() + "?page=12&page_size=10")
    assert small == large <= 10
    after = client.get(room.messages_url() + f"?after={batch[-1].pk}&page_size=5").json()
    assert after["count"] == 120 and after["results"][0]["body"] == "n0"
    assert client.get(room.messages_url() + "?after=abc").status_code == 400


def statements(queries) -> int:
    """The queries of the work itself (not the tenant role's binding, sent when a scope begins).
    Both requests run with a cold cache (``cold_queries``): people added bump the access cache."""
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].strip() and "set_config" not in q["sql"] and not q["sql"].lstrip().upper().startswith("SET ")
    )


def test_counting_queries_of_a_post(room):
    assert post(room, room.buyer_owner).status_code == 201  # the conversation begins
    with cold_queries() as queries:
        assert post(room, room.buyer_owner).status_code == 201
    first = statements(queries)
    for _ in range(5):
        PersonFactory(enterprise=room.supplier, role="staff")
    with cold_queries() as queries:
        assert post(room, room.buyer_owner).status_code == 201
    assert statements(queries) == first  # five more recipients, no more queries: read and notified in bulk


def test_a_side_whose_membership_is_suspended_no_longer_reaches_the_conversation(room):
    from apps.membership.models import Membership

    post(room, room.buyer_owner)
    Membership.objects.filter(cluster=room.cluster, enterprise=room.supplier).update(status="suspended")
    assert room.api(room.supplier_owner).get(room.messages_url()).status_code == 404
    assert post(room, room.supplier_owner).status_code == 404
