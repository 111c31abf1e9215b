"""The deal room's conversation: a 10,000-message conversation pages in bounded queries, and a
message reaches every open stream quickly (fan-out p95).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python benchmarks/dealroom.py

Builds one match's conversation of 10,000 messages once (bulk insert), then asks the API for
pages at the start, middle and end (and ``?after=``), printing the queries and time of each;
then opens READERS live streams (``apps.dealroom.live.stream``, as the SSE view runs it, each in
its own thread) and posts POSTS messages through the service, timing each from the post to its
arrival in every stream. With Redis the streams wait on pub/sub; without it they poll the
database (``DEALROOM_POLL_SECONDS``), and the figure says so.
"""

import os
import pathlib
import statistics
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from apps.dealroom import live  # noqa: E402
from apps.dealroom.models import Conversation, Message  # noqa: E402
from apps.dealroom.services.conversation import message_post  # noqa: E402
from apps.marketplace.models import Match  # noqa: E402
from apps.tenancy.models import Cluster  # noqa: E402

MESSAGES, READERS, POSTS, PAGE = 10_000, 20, 40, 20
SLUG = "bench-dealroom"


def build():
    from tests.factories import ClusterFactory, UserFactory
    from tests.factories.marketplace import CapacityOfferFactory, MatchFactory, OrderFactory
    from tests.factories.membership import EnterpriseFactory, MembershipFactory

    cluster = Cluster.objects.filter(slug=SLUG).first()
    if cluster is None:
        with transaction.atomic():
            cluster = ClusterFactory(slug=SLUG, name_en="Deal room benchmark")
            buyer, supplier = (EnterpriseFactory(owner=UserFactory()) for _ in range(2))
            for enterprise in (buyer, supplier):
                MembershipFactory(cluster=cluster, enterprise=enterprise)
            MatchFactory(
                order=OrderFactory(cluster=cluster, owner=buyer),
                capacity=CapacityOfferFactory(cluster=cluster, owner=supplier),
            )
    match = Match.objects.filter(cluster=cluster).select_related("demand_owner", "supply_owner").get()
    conversation, _ = Conversation.objects.get_or_create(match=match, defaults={"cluster": cluster})
    have = Message.objects.filter(conversation=conversation).count()
    if have < MESSAGES:
        from apps.membership.models import EnterpriseMember

        buyer = EnterpriseMember.objects.filter(enterprise=match.demand_owner).select_related("user").first().user
        Message.objects.bulk_create(
            [
                Message(
                    cluster=cluster,
                    conversation=conversation,
                    author=buyer,
                    author_enterprise=match.demand_owner,
                    body=f"Message {n}: the lot of 200 m ships on the 12th, inspection report attached.",
                    language="en",
                )
                for n in range(have, MESSAGES)
            ],
            batch_size=2000,
        )
        last = Message.objects.filter(conversation=conversation).order_by("-pk").values_list("pk", flat=True)[0]
        Conversation.objects.filter(pk=conversation.pk).update(last_message_id=last, message_count=MESSAGES)
    return cluster, match


def people(match):
    from apps.membership.models import EnterpriseMember

    def first(enterprise):
        return EnterpriseMember.objects.filter(enterprise=enterprise).select_related("user").first().user

    return first(match.demand_owner), first(match.supply_owner)


def paging(cluster, match, reader) -> None:
    client = APIClient()
    client.force_authenticate(reader)
    base = f"/api/v1/clusters/{cluster.slug}/matches/{match.pk}/messages/"
    pages = MESSAGES // PAGE
    newest = Message.objects.filter(conversation__match=match).order_by("-pk").values_list("pk", flat=True)[PAGE]
    print(f"dealroom: a conversation of {Message.objects.filter(conversation__match=match).count():,} messages")
    for label, query in (
        ("first page", f"?page=1&page_size={PAGE}"),
        ("middle page", f"?page={pages // 2}&page_size={PAGE}"),
        ("last page", f"?page={pages}&page_size={PAGE}"),
        ("newest (?after=)", f"?after={newest}&page_size={PAGE}"),
    ):
        client.get(base + query)  # warm the access cache, as a reader's second page would find it
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.get(base + query)
            elapsed = (time.perf_counter() - started) * 1000
        assert answer.status_code == 200, answer.content
        print(
            f"  {label:<18} {len(answer.json()['results']):>3} messages  {len(queries):>2} queries  {elapsed:6.1f} ms"
        )


def fan_out(cluster, match, author) -> None:
    received: dict[int, list[float]] = {}
    ready = threading.Barrier(READERS + 1)
    lock = threading.Lock()
    latest = Message.objects.filter(conversation__match=match).order_by("-pk").values_list("pk", flat=True)[0]

    def reader():
        try:
            chunks = live.stream(cluster_id=cluster.pk, match_id=match.pk, last_event_id=latest, language="en")
            next(chunks)  # subscribed (or polling) from here on
            ready.wait()
            seen = 0
            for chunk in chunks:
                if chunk.startswith("id: "):
                    arrived = time.perf_counter()
                    message_id = int(chunk.split("\n", 1)[0][4:])
                    with lock:
                        received.setdefault(message_id, []).append(arrived)
                    seen += 1
                    if seen == POSTS:
                        break
        finally:
            connections.close_all()

    with override_settings(DEALROOM_STREAM_SECONDS=120, DEALROOM_POLL_SECONDS=float(os.environ.get("POLL", "1"))):
        threads = [threading.Thread(target=reader, daemon=True) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        ready.wait()
        sent: dict[int, float] = {}
        for n in range(POSTS):
            started = time.perf_counter()
            message = message_post(
                actor=author, cluster=cluster, roles=frozenset({"member"}), match_id=match.pk, body=f"fan-out {n}"
            )
            sent[message.pk] = started
            time.sleep(0.02)
        for thread in threads:
            thread.join(30)
    latencies = sorted(
        (arrived - sent[message_id]) * 1000 for message_id, times in received.items() for arrived in times
    )
    expected = READERS * POSTS
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    print(
        f"dealroom: fan-out over {live.backend()} to {READERS} open streams, {POSTS} messages "
        f"({len(latencies)}/{expected} deliveries): median {statistics.median(latencies):.1f} ms, "
        f"p95 {p95:.1f} ms (post -> each stream; target < 50 ms with Redis)"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    cluster, match = build()
    buyer, supplier = people(match)
    paging(cluster, match, supplier)
    fan_out(cluster, match, buyer)
    # leave the conversation at 10,000 messages for the next run
    Message.objects.filter(conversation__match=match, body__startswith="fan-out ").delete()


if __name__ == "__main__":
    main()
