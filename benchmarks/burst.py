"""Orders posted flat out, matched in the background by a real Celery worker (issue 19's row).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python benchmarks/burst.py [--size 10000] [--orders 1500]

Builds (once) the benchmark cluster of benchmarks/replan.py (``--size`` orders and capacity
offers), starts a Celery worker on the Redis of ``REDIS_URL`` (``-Q celery,matching``,
concurrency 2, as a deployment runs it), then posts ``--orders`` orders as fast as one process
can through the path a member's post takes: ``listing_create`` (permission, open-listing limit,
validation, the row and its certifications, the market generation, the outbox message sent to
the broker on commit). Each order is a copy of one of the cluster's orders (its owner, the
poster a person of it), so it meets real capacity.

An order's matching pass is done when its run has succeeded: ``match_listing`` puts the order
in the cluster's pending set (``apps/matching/batching.py``), a pass moves it into the taken
set, plans it, and removes it from there only once its run succeeded. A watcher thread reads
both sets every few milliseconds; an order that was seen in them and has left them both is
matched, at that moment (an order the watcher never saw waiting is matched when its first
proposal was written, or counted as undetermined). Prints the orders posted per second, the
p50 / p95 / max of post (committed) → matched, and met / missed for ≥ 150 /s and ≤ 10 s.
The worker's first pass builds its warm capacity index; ``--warmup`` orders are posted and
matched before the burst so that the figure is the steady state (say ``--warmup 0`` for cold).
"""

import argparse
import multiprocessing
import os
import pathlib
import random
import statistics
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")
os.environ.setdefault("DEBUG", "false")  # as a deployment's web processes and the worker run

import django  # noqa: E402
import redis  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.marketplace.models import Match, Order  # noqa: E402
from apps.marketplace.services.listings import listing_create  # noqa: E402
from apps.matching import batching  # noqa: E402
from apps.membership.models import EnterpriseMember  # noqa: E402
from benchmarks.cluster_builder import build, order_like  # noqa: E402

TARGET_RATE = 150.0  # orders posted per second
TARGET_LATENCY = 10.0  # seconds from post to matched, every order
TITLE = "burst bench"
POSTER = "burst.bench@cluster.local"
WORKER = [sys.executable, "-m", "celery", "-A", "cluster_platform", "worker", "-Q", "celery,matching", "-c", "2"]


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children, alive ones (Linux ``/proc``)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
        children = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(cpu_seconds(int(child)) for child in children)


def start_worker() -> subprocess.Popen:
    log = open(ROOT / "var" / "burst-worker.log", "w")  # noqa: SIM115 (the worker's lifetime)
    return subprocess.Popen(
        [*WORKER, "-n", f"burst-{os.getpid()}@%h", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_ready(timeout: float = 60) -> None:
    from cluster_platform.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return
    raise RuntimeError(f"the Celery worker did not answer in {timeout} s (var/burst-worker.log)")


class Watcher(threading.Thread):
    """Reads the cluster's pending and taken sets in one round trip, every ``period`` seconds."""

    def __init__(self, cluster_id: int, period: float = 0.005):
        super().__init__(daemon=True)
        keys = batching._keys(cluster_id, "order")
        self.keys, self.period = (keys["pending"], keys["taken"]), period
        # a client of its own: the posting processes are forked while this thread runs, and a
        # pool (or its lock) shared with them could be caught mid-use
        self.client = redis.Redis.from_url(settings.REDIS_URL)
        self.seen: set[int] = set()  # waiting, now or before
        self.done: dict[int, float] = {}  # order id -> when it was seen to leave the sets
        self.expected: set[int] | None = set()  # None: every id waiting
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pipe = self.client.pipeline(transaction=False)
            for key in self.keys:
                pipe.smembers(key)
            now = time.perf_counter()
            waiting = {int(m.partition(b":")[0]) for members in pipe.execute() for m in members}
            with self.lock:
                self.seen |= waiting if self.expected is None else waiting & self.expected
                for order_id in self.seen - waiting - self.done.keys():
                    self.done[order_id] = now
            time.sleep(self.period)

    def expect(self, order_id: int) -> None:
        with self.lock:
            if self.expected is not None:
                self.expected.add(order_id)


def poster(cluster, owners) -> User:
    user = User.objects.filter(email=POSTER).first() or User.objects.create_user(POSTER, "burst-bench-2026")
    EnterpriseMember.objects.bulk_create(
        [EnterpriseMember(enterprise_id=owner, user=user, role=EnterpriseMember.Role.STAFF) for owner in owners],
        ignore_conflicts=True,
    )
    return user


def post(user, cluster, template: Order, certs: list[str], n: int) -> Order:
    return listing_create(
        actor=user,
        cluster=cluster,
        listing_kind="order",
        owner=template.owner,
        m2m={"required_certifications": certs} if certs else None,
        title=f"{TITLE} {n}",
        **order_like(template),
    )


def _post_share(user_id: int, cluster_id: int, share, certs, ready, go, out) -> None:
    """One posting process (spawned: a connection of its own): its share of the orders, each
    with when it was committed, once every posting process is ready."""
    from apps.tenancy.models import Cluster

    user, cluster = User.objects.get(pk=user_id), Cluster.objects.get(pk=cluster_id)
    templates = Order.objects.select_related("owner").in_bulk([pk for _n, pk in share])
    ready.put(True)
    go.wait()
    cpu, found = time.process_time(), []
    for n, pk in share:
        order = post(user, cluster, templates[pk], certs.get(pk, []), n)
        found.append((order.pk, time.perf_counter()))  # CLOCK_MONOTONIC: one clock for every process
    out.put((found, time.process_time() - cpu))


def burst_post(user, cluster, burst, certs, posters: int, watcher) -> tuple[dict[int, float], float, float]:
    """Post ``burst`` from ``posters`` processes at once; returns when each order was committed,
    the posters' CPU seconds and when they started. The watcher takes any order waiting meanwhile
    (the ids are known when the posters report) and keeps those of the burst."""
    context = multiprocessing.get_context("spawn")
    ready, go, out = context.Queue(), context.Event(), context.Queue()
    shares = [[(n, t.pk) for n, t in enumerate(burst)][k::posters] for k in range(posters)]
    processes = [
        context.Process(target=_post_share, args=(user.pk, cluster.pk, share, certs, ready, go, out))
        for share in shares
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    with watcher.lock:
        watcher.expected = None
    first = time.perf_counter()
    go.set()
    posted, cpu = {}, 0.0
    for _ in processes:
        found, spent = out.get()
        posted.update(found)
        cpu += spent
    for process in processes:
        process.join()
    with watcher.lock:
        watcher.expected = set(posted)
        watcher.seen &= watcher.expected
    return posted, cpu, first


def wait_matched(watcher: Watcher, ids: list[int], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with watcher.lock:
            if all(i in watcher.done for i in ids):
                return
        time.sleep(0.05)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="orders and capacity offers of the cluster")
    parser.add_argument("--orders", type=int, default=1500, help="orders posted flat out")
    parser.add_argument("--warmup", type=int, default=2, help="orders matched one by one before the burst")
    parser.add_argument("--posters", type=int, default=2, help="processes posting at once")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the matching")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        print(
            f"burst benchmark skipped: it needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), this is {connection.vendor}"
        )
        return
    (ROOT / "var").mkdir(exist_ok=True)
    cluster = build(args.size)
    Order.objects.filter(cluster=cluster, title__startswith=TITLE).delete()
    rng = random.Random(19)
    templates = list(
        Order.objects.filter(cluster=cluster, title__startswith="bench ")
        .select_related("owner")
        .order_by("pk")[: args.size]
    )
    templates = rng.sample(templates, min(len(templates), args.orders + args.warmup))
    certs = {}
    for order_id, scheme in Order.required_certifications.through.objects.filter(
        order_id__in=[t.pk for t in templates]
    ).values_list("order_id", "certificationscheme_id"):
        certs.setdefault(order_id, []).append(scheme)
    user = poster(cluster, {t.owner_id for t in templates})
    watcher = Watcher(cluster.pk)
    watcher.start()
    worker = start_worker()
    try:
        wait_ready()
        t = time.perf_counter()
        for n, template in enumerate(templates[: args.warmup]):
            order = post(user, cluster, template, certs.get(template.pk, []), n)
            watcher.expect(order.pk)
            wait_matched(watcher, [order.pk], args.timeout)
        if args.warmup:
            print(f"burst: {args.warmup} warm-up order(s) matched one by one in {time.perf_counter() - t:.1f} s")
        burst = templates[args.warmup :]
        worker_cpu, own_cpu = cpu_seconds(worker.pid), time.process_time()
        posted, poster_cpu, first = burst_post(user, cluster, burst, certs, args.posters, watcher)
        last = time.perf_counter()
        wait_matched(watcher, list(posted), args.timeout)
        worker_cpu, own_cpu = cpu_seconds(worker.pid) - worker_cpu, time.process_time() - own_cpu
    finally:
        watcher.stop.set()
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    watcher.join(5)
    done = dict(watcher.done)
    undetermined = [i for i in posted if i not in done]
    if undetermined:  # never seen waiting: matched when its first proposal was written, if it was
        offset = time.time() - time.perf_counter()
        for order_id, created in (
            Match.objects.filter(order_id__in=undetermined).order_by("created_at").values_list("order_id", "created_at")
        ):
            done.setdefault(order_id, created.timestamp() - offset)
        undetermined = [i for i in posted if i not in done]
    latencies = [done[i] - posted[i] for i in posted if i in done]
    rate = len(posted) / (last - first)
    matched_by = max(done.get(i, last) for i in posted)
    proposed = Match.objects.filter(order_id__in=list(posted)).values("order_id").distinct().count()
    print(
        f"burst {len(posted)} orders against {args.size} supplies: posted in {last - first:.1f} s, "
        f"{rate:.0f} orders/s; all matched {matched_by - first:.1f} s after the first post "
        f"({len(posted) / (matched_by - first):.0f} orders/s end to end); {proposed} with a proposal, "
        f"{len(undetermined)} undetermined"
    )
    if latencies:
        print(
            f"burst post → matched: p50 {statistics.median(latencies):.2f} s, p95 {pct(latencies, 0.95):.2f} s, "
            f"max {max(latencies):.2f} s over {len(latencies)} orders"
        )
    print(
        f"burst CPU per order: posting {1000 * poster_cpu / len(posted):.1f} ms ({args.posters} process(es)), "
        f"matching in the worker {1000 * worker_cpu / len(posted):.1f} ms (its pool of 2, until all matched); "
        f"the benchmark's own watcher {1000 * own_cpu / len(posted):.1f} ms"
    )
    print("load:", os.popen("uptime").read().strip())
    print(f"target orders posted flat out ≥ {TARGET_RATE:.0f} /s: {'met' if rate >= TARGET_RATE else 'missed'}")
    every = bool(latencies) and not undetermined and max(latencies) <= TARGET_LATENCY
    print(f"target every order matched within {TARGET_LATENCY:.0f} s: {'met' if every else 'missed'}")
    Order.objects.filter(cluster=cluster, title__startswith=TITLE).delete()


if __name__ == "__main__":
    main()
