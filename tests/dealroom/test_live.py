"""The live stream of a conversation (server-sent events): through Redis pub/sub when Redis is
there, by polling the database when it is not; resuming after Last-Event-ID; heartbeats; an
end after its lifetime; and the same 404 as the API for anyone no party to the match."""

import json
import threading
import time

import pytest
from django.test import Client

from apps.dealroom import live
from apps.dealroom.services.conversation import message_post
from tests.factories.dealroom import ConversationFactory, MessageFactory


def stream_of(room, user, **headers):
    client = Client()
    client.force_login(user)
    response = client.get(room.page_url() + "stream/", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache"
    return iter(response.streaming_content)


def events_in(chunks: list[bytes]) -> list[dict]:
    found = []
    for chunk in chunks:
        text = chunk.decode()
        if "event: message" in text:
            found.append(json.loads(text.split("data: ", 1)[1]))
    return found


def post(room, user, body):
    return message_post(
        actor=user, cluster=room.cluster, roles=frozenset({"member"}), match_id=room.match.pk, body=body
    )


@pytest.fixture
def short_streams(settings):
    settings.DEALROOM_STREAM_SECONDS = 1.5
    settings.DEALROOM_HEARTBEAT_SECONDS = 0.4
    settings.DEALROOM_POLL_SECONDS = 0.05


def test_without_redis_the_stream_polls_the_database(room, settings, short_streams, django_capture_on_commit_callbacks):
    settings.REDIS_URL = ""
    assert live.backend() == "database"
    chunks = stream_of(room, room.supplier_owner)
    first = next(chunks).decode()
    assert first.startswith("retry: ") and ": database" in first
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(room, room.buyer_owner, "Polled, not pushed")
    rest = list(chunks)  # until the stream's lifetime ends
    [event] = events_in(rest)
    assert event["id"] == sent.pk and event["body"] == "Polled, not pushed"
    assert event["enterprise"]["name"] == "Hangzhou Buyer Apparel" and event["language"] == "en"
    assert any(chunk == b": heartbeat\n\n" for chunk in rest)
    assert f"id: {sent.pk}\n".encode() in b"".join(rest)


def test_the_stream_resumes_after_the_last_event_id_its_browser_sends(room, settings, short_streams):
    settings.REDIS_URL = ""
    settings.DEALROOM_STREAM_SECONDS = 0.1
    conversation = ConversationFactory(match=room.match)
    seen, missed, also_missed = (MessageFactory(conversation=conversation) for _ in range(3))
    chunks = list(stream_of(room, room.supplier_owner, HTTP_LAST_EVENT_ID=str(seen.pk)))
    assert [e["id"] for e in events_in(chunks)] == [missed.pk, also_missed.pk]
    # a first connection says where the page ended (?after=); a bad value is ignored, not a 500
    chunks = list(stream_of(room, room.supplier_owner, QUERY_STRING=f"after={missed.pk}"))
    assert [e["id"] for e in events_in(chunks)] == [also_missed.pk]
    assert len(events_in(list(stream_of(room, room.supplier_owner, HTTP_LAST_EVENT_ID="x" * 40)))) == 3


def test_the_stream_ends_after_its_lifetime(room, settings):
    settings.REDIS_URL = ""
    settings.DEALROOM_STREAM_SECONDS = 0.3
    settings.DEALROOM_POLL_SECONDS = 0.05
    started = time.monotonic()
    list(stream_of(room, room.buyer_owner))
    assert 0.3 <= time.monotonic() - started < 2


@pytest.mark.parametrize("who", ["bystander", "foreign_member", "admin"])
def test_no_one_but_the_parties_opens_the_stream(room, who):
    client = Client()
    client.force_login(getattr(room, who))
    assert client.get(room.page_url() + "stream/").status_code == 404


@pytest.mark.redis
def test_with_redis_each_message_is_pushed_to_every_open_stream(room, settings, short_streams):
    """Two readers' streams are subscribed; a message posted (and committed) reaches both through
    Redis pub/sub, not through the database: the stream's database polling is disabled."""
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert live.backend() == "redis"
    settings.DEALROOM_POLL_SECONDS = 1000  # were it polling, nothing would arrive in time
    readers = [stream_of(room, room.supplier_owner), stream_of(room, room.buyer_staff)]
    for chunks in readers:
        assert ": redis" in next(chunks).decode()  # subscribed before this returns
    received = {}

    def read(index, chunks):
        received[index] = events_in(list(chunks))

    payload = {
        "id": 10**12,
        "body": "pushed",
        "language": "en",
        "author": None,
        "enterprise": None,
        "from_administrator": False,
        "created_at": "2026-12-02T10:00:00+00:00",
    }
    threads = [threading.Thread(target=read, args=(i, chunks)) for i, chunks in enumerate(readers)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    assert live.publish(room.match.pk, payload)
    for thread in threads:
        thread.join(5)
    assert [[e["body"] for e in received[i]] for i in range(2)] == [["pushed"], ["pushed"]]


@pytest.mark.redis
def test_with_redis_a_posted_message_is_published_after_commit(room, settings, django_capture_on_commit_callbacks):
    import os

    import redis

    settings.REDIS_URL = os.environ["REDIS_URL"]
    subscription = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(live.channel_of(room.match.pk))
    subscription.get_message(timeout=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = post(room, room.buyer_owner, "after commit")
    assert subscription.get_message(timeout=0.2) is None  # nothing before the commit
    for callback in callbacks:
        callback()
    item = subscription.get_message(timeout=2)
    assert json.loads(item["data"])["id"] == sent.pk
    subscription.close()


def test_redis_away_the_message_is_kept_and_the_stream_polls(
    room, settings, short_streams, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.DEALROOM_STREAM_SECONDS = 0.5
    live._clients.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(room, room.buyer_owner, "kept")  # publishing fails quietly
    chunks = list(stream_of(room, room.supplier_owner))
    assert b": database" in chunks[0]
    assert [e["id"] for e in events_in(chunks)] == [sent.pk]
