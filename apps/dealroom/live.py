"""The conversation, live: server-sent events from a plain (sync) Django view.

A posted message is published, after its transaction commits, on the Redis channel of its
match (``dealroom:match:<id>``) with everything a reader shows (``payload_of``). Each open
stream (``stream``) first catches up from the database after the ``Last-Event-ID`` its
browser sends, then waits on that channel and writes each message as an SSE event, with a
comment every ``DEALROOM_HEARTBEAT_SECONDS`` so proxies keep the connection open. After
``DEALROOM_STREAM_SECONDS`` (25 s) it ends; the browser's ``EventSource`` reconnects by
itself with the last id it saw, so nothing is lost and no worker is held for long.

Without Redis (the embedded default, or Redis away) the stream polls the database every
``DEALROOM_POLL_SECONDS`` (1 s) instead: one indexed query per second per open stream.

The stream runs after the request's own transaction has ended (a streaming response is
written after the middleware returns), so each of its reads opens a short one bound to the
cluster (``tenant_scope``): row-level security holds there too, and no transaction is held
open for the stream's lifetime.
"""

import contextlib
import json
import logging
import time

from django.conf import settings
from django.utils.translation import get_language, get_language_info, override

from apps.core.dates import format_utc
from apps.notifications.messages import name_of
from apps.tenancy.rls import tenant_scope

from .models import DocumentKind, Message

log = logging.getLogger(__name__)

#: what the browser waits before reconnecting when a stream ends (milliseconds)
RETRY_MS = 1000
#: the most messages one catch-up read returns (the rest follow on the next read)
CATCH_UP = 100
_clients: dict[str, object] = {}


def lifetime() -> float:
    return float(getattr(settings, "DEALROOM_STREAM_SECONDS", 25))


def heartbeat() -> float:
    return float(getattr(settings, "DEALROOM_HEARTBEAT_SECONDS", 10))


def poll_interval() -> float:
    return float(getattr(settings, "DEALROOM_POLL_SECONDS", 1))


def channel_of(match_id: int) -> str:
    return f"dealroom:match:{int(match_id)}"


def redis_client():
    """One redis-py client (and connection pool) per URL, or None without ``REDIS_URL``."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        import redis

        client = _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=2, health_check_interval=30)
    return client


def backend() -> str:
    """``redis`` (pub/sub) when a Redis is configured, else ``database`` (polling)."""
    return "redis" if redis_client() is not None else "database"


def payload_of(message: Message) -> dict:
    """A message as every reader receives it, whatever their language (names in both scripts)."""
    enterprise = message.author_enterprise
    author = message.author
    return {
        "id": message.pk,
        "body": message.body,
        "language": message.language,
        "author": {"id": author.pk, "name": author.name or author.email.split("@")[0]} if author else None,
        "enterprise": {"id": enterprise.pk, "name": name_of(enterprise)} if enterprise else None,
        "from_administrator": message.from_administrator,
        "created_at": format_utc(message.created_at),
        "attachments": [attachment_of(document) for document in message.attachments.all()],
    }


def attachment_of(document) -> dict:
    """A document attached to a message or an offer, as its readers see it (never its storage
    key: it is fetched through ``…/documents/<id>/open/``, which signs a link for the reader)."""
    return {
        "id": document.pk,
        "kind": document.kind,
        "name": document.name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
    }


def localized(payload: dict) -> dict:
    """``payload`` for a reader in the active language: the enterprise's name in its script and
    the name of the message's language (the room says which language a message is in)."""
    zh = (get_language() or "").startswith("zh")
    data = dict(payload)
    enterprise = payload.get("enterprise")
    if enterprise:
        name = enterprise["name"]
        if isinstance(name, dict) and "i18n" in name:
            name = name["i18n"]["zh" if zh else "en"]
        data["enterprise"] = {"id": enterprise["id"], "name": name}
    data["language_name"] = str(get_language_info(payload["language"])["name_translated"])
    data["attachments"] = [
        {**a, "kind_label": str(DocumentKind(a["kind"]).label)} for a in payload.get("attachments", ())
    ]
    return data


def publish(match_id: int, payload: dict) -> bool:
    """Tell the open streams of a match's conversation (after commit). Redis away is logged, not
    raised: the message is stored, and streams polling or reconnecting find it."""
    client = redis_client()
    if client is None:
        return False
    try:
        client.publish(channel_of(match_id), json.dumps(payload))
    except Exception as exc:  # a message written is never refused because Redis is away
        log.warning("dealroom: could not publish on %s (%s)", channel_of(match_id), exc)
        return False
    return True


def _event(payload: dict) -> str:
    return f"id: {payload['id']}\nevent: message\ndata: {json.dumps(localized(payload), ensure_ascii=False)}\n\n"


def _read_after(cluster_id: int, match_id: int, after: int) -> list[dict]:
    with tenant_scope(cluster_id):
        rows = (
            Message.objects.filter(cluster_id=cluster_id, conversation__match_id=match_id, pk__gt=after)
            .select_related("author", "author_enterprise")
            .prefetch_related("attachments")
            .order_by("pk")[:CATCH_UP]
        )
        return [payload_of(row) for row in rows]


def _subscribe(match_id: int):
    client = redis_client()
    if client is None:
        return None
    try:
        subscription = client.pubsub(ignore_subscribe_messages=True)
        subscription.subscribe(channel_of(match_id))
        subscription.get_message(timeout=0)  # reads the confirmation: subscribed from here on
    except Exception as exc:
        log.warning("dealroom: Redis away, the stream of match %s polls the database (%s)", match_id, exc)
        return None
    return subscription


def stream(*, cluster_id: int, match_id: int, last_event_id: int, language: str, clock=time.monotonic):
    """The SSE body of one match's conversation for one reader (a generator of text chunks)."""
    with override(language):
        start = clock()
        deadline, next_beat = start + lifetime(), start + heartbeat()
        subscription = _subscribe(match_id)  # before catching up, so nothing falls in between
        last = last_event_id
        yield f"retry: {RETRY_MS}\n: {'redis' if subscription is not None else 'database'}\n\n"
        try:
            for payload in _read_after(cluster_id, match_id, last):
                last = payload["id"]
                yield _event(payload)
            while (now := clock()) < deadline:
                wait = max(0.0, min(deadline, next_beat) - now)
                if subscription is not None:
                    try:
                        item = subscription.get_message(timeout=wait)
                    except Exception as exc:
                        log.warning("dealroom: Redis lost, the stream of match %s polls (%s)", match_id, exc)
                        subscription = None
                        continue
                    if item and item.get("type") == "message":
                        payload = json.loads(item["data"])
                        if payload["id"] > last:
                            last = payload["id"]
                            yield _event(payload)
                else:
                    time.sleep(min(wait, poll_interval()))
                    for payload in _read_after(cluster_id, match_id, last):
                        last = payload["id"]
                        yield _event(payload)
                if clock() >= next_beat:
                    next_beat = clock() + heartbeat()
                    yield ": heartbeat\n\n"
        finally:
            if subscription is not None:
                with contextlib.suppress(Exception):  # closing a dead connection
                    subscription.close()
