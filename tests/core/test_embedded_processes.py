"""`make run`'s embedded default holds its own load: web + Celery worker + beat on one SQLite file
and the filesystem broker, through a burst of API activity, with no "database is locked".

The three processes are started as `make run` starts them (Procfile.dev), on a temporary folder
(``VAR_DIR``: the database, the broker's folders, the file cache, beat's schedule), whatever
DATABASE_URL and REDIS_URL say, so the test also runs in CI on PostgreSQL. Beat's intervals are
shortened (``CELERY_BEAT_SCALE``) so its whole minute-scale schedule runs during the burst.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "cluster-demo-2026"
BURST_SECONDS = 20
#: what must never appear in the output of any of the three processes
ERRORS = ("database is locked", "database table is locked", "OperationalError", "Traceback")

# Migrate, load the demo data, then name what the clients need (one Python process: one start-up).
SEED = """
import datetime, json, os, sys
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", interactive=False, verbosity=0)
with open(os.devnull, "w") as devnull:
    call_command("load_demo", stdout=devnull)
from apps.governance.models import Proposal, Seat, Vote
from apps.membership.models import EnterpriseMember, Membership
from apps.notifications.models import Notification
from apps.tenancy.models import ClusterRole

clusters = []
for role in ClusterRole.objects.select_related("cluster", "user").order_by("cluster__slug"):
    cluster = role.cluster
    proposal = Proposal.objects.filter(cluster=cluster, status="voting").first()
    voted = set(Vote.objects.filter(proposal=proposal).values_list("seat_id", flat=True))
    owner = (
        EnterpriseMember.objects.filter(
            role="owner", enterprise__memberships__cluster=cluster, enterprise__memberships__status="active"
        )
        .exclude(enterprise__capabilities=None)
        .select_related("user", "enterprise")
        .first()
    )
    if proposal is None or owner is None:  # a demo cluster without a market or a vote (the physical park)
        continue
    clusters.append({
        "slug": cluster.slug,
        "admin": role.user.email,
        "pending": list(Membership.objects.filter(cluster=cluster, status="pending").values_list("pk", flat=True)),
        "proposal": proposal.pk,
        "voters": sorted({s.holder.email for s in Seat.objects.filter(cluster=cluster, removed_at=None)
                          .select_related("holder") if s.pk not in voted}),
        "owner": owner.user.email,
        "enterprise": owner.enterprise.pk,
        "capability": owner.enterprise.capabilities.values_list("code", flat=True).first(),
    })
# one vote closes during the burst: beat's close_due_proposals must tally it on time
first = Proposal.objects.get(pk=clusters[0]["proposal"])
Proposal.objects.filter(pk=first.pk).update(voting_closes_at=timezone.now() + datetime.timedelta(seconds=30))
json.dump({"clusters": clusters, "last_notification": Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0}, sys.stdout)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="cluster_platform.settings.local",
        VAR_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CELERY_BEAT_SCALE="0.03",
        RATE_LIMIT_LOGIN="1000/m/ip",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
    )
    return env


class LoginFailed(Exception):
    pass


class Client:
    """One person on the API: a headless login, then calls with its session token."""

    def __init__(self, base: str, email: str, failures: list):
        self.base, self.email, self.failures = base, email, failures
        self.http = requests.Session()
        answer = self.call("post", "/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD})
        if answer is None:
            raise LoginFailed(email)
        self.http.headers["X-Session-Token"] = answer["meta"]["session_token"]

    def call(self, method: str, path: str, body=None, ok=(200, 201)):
        response = self.http.request(method, self.base + path, json=body, timeout=30)
        if response.status_code not in ok:
            self.failures.append(f"{self.email} {method.upper()} {path}: {response.status_code} {response.text[:300]}")
            return None
        return response.json()


def order(cluster: dict, n: int) -> dict:
    return {
        "owner": cluster["enterprise"],
        "title": f"Burst order {n}",
        "capability": cluster["capability"],
        "product_category": "burst",
        "quantity": 500 + n,
        "unit": "pcs",
        "target_unit_price": "18.50",
        "currency": "CNY",
        "need_by": time.strftime("%Y-%m-%d", time.localtime(time.time() + 60 * 86400)),
        "delivery_region_code": "330100",
        "delivery_latitude": "30.27000",
        "delivery_longitude": "120.15000",
        "required_certifications": [],
        "splittable": True,
        "min_lot": 100,
    }


def burst(base: str, seed: dict, deadline: float) -> tuple[list[int], list[str]]:
    """Several people at once until ``deadline``: administrators decide applications, council
    members vote, owners post orders (each enqueues matching) and everyone reads."""
    failures: list[str] = []
    orders: list[int] = []
    lock = threading.Lock()

    def administrator(cluster):
        client = Client(base, cluster["admin"], failures)
        prefix = f"/api/v1/clusters/{cluster['slug']}/"
        for pk in cluster["pending"]:
            client.call("post", f"{prefix}memberships/{pk}/approve/", {"reason": "burst test"})
            client.call("get", f"{prefix}memberships/")
        while time.monotonic() < deadline:
            client.call("get", f"{prefix}audit-events/")
            client.call("get", f"{prefix}memberships/")
            time.sleep(0.2)

    def council(cluster):
        prefix = f"/api/v1/clusters/{cluster['slug']}/"
        for email in cluster["voters"]:
            client = Client(base, email, failures)
            client.call("post", f"{prefix}proposals/{cluster['proposal']}/votes/", {"choice": "yes"})
            client.call("get", f"{prefix}proposals/")
        while time.monotonic() < deadline:
            client.call("get", f"{prefix}proposals/{cluster['proposal']}/")
            time.sleep(0.3)

    def owner(cluster):
        client = Client(base, cluster["owner"], failures)
        prefix = f"/api/v1/clusters/{cluster['slug']}/"
        n = 0
        while time.monotonic() < deadline:
            n += 1
            created = client.call("post", f"{prefix}orders/", order(cluster, n))
            if created:
                with lock:
                    orders.append(created["id"])
                client.call("get", f"{prefix}orders/{created['id']}/")
            client.call("get", f"{prefix}orders/")
            client.call("get", f"{prefix}matches/")
            time.sleep(1.5)

    with ThreadPoolExecutor(max_workers=3 * len(seed["clusters"])) as pool:
        futures = [
            pool.submit(role, cluster) for cluster in seed["clusters"] for role in (administrator, council, owner)
        ]
        for future in futures:
            with suppress(LoginFailed):  # already among the failures
                future.result()
    return orders, failures


def wait_until(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def test_web_worker_and_beat_share_sqlite_through_a_burst(tmp_path):
    env = environment(tmp_path)
    started = time.monotonic()
    seeded = subprocess.run(
        [sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    seed = json.loads(seeded.stdout.strip().splitlines()[-1])
    seeded_in = time.monotonic() - started
    # the demo's own tasks (a matching run per demo listing, its e-mails) are dropped: the worker
    # would spend the whole burst on them, and the test counts only what the burst enqueued
    shutil.rmtree(tmp_path / "celery-broker" / "queue")

    port = free_port()
    commands = {  # as Procfile.dev starts them
        "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            *(str(BIN / "celery"), "-A", "cluster_platform", "worker", "-Q", "celery,matching"),
            *("--loglevel", "INFO", "--concurrency", "2"),
        ],
        "beat": [str(BIN / "celery"), "-A", "cluster_platform", "beat", "--loglevel", "INFO"],
    }
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    processes = {}
    try:
        for name, command in commands.items():
            with open(logs[name], "w") as out:
                processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: _answers(base), 30), "the web server never answered"

        running_at = time.monotonic()
        orders, failures = burst(base, seed, time.monotonic() + BURST_SECONDS)
        burst_at = time.monotonic()
        completed = bool(orders) and wait_until(lambda: _drained(tmp_path, seed, orders), 30)
        db = sqlite3.connect(f"file:{tmp_path / 'db.sqlite3'}?mode=ro", uri=True, timeout=20)
        emailed = db.execute(
            "SELECT count(*) FROM notifications_notification WHERE id > ? AND emailed_at IS NOT NULL",
            [seed["last_notification"]],
        ).fetchone()[0]
        tallied = db.execute(
            "SELECT tallied_at FROM governance_proposal WHERE id = ?", [seed["clusters"][0]["proposal"]]
        ).fetchone()[0]
        heartbeats = db.execute("SELECT max(beats) FROM core_heartbeat").fetchone()[0] or 0
        db.close()
        drained_at = time.monotonic()
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    found = {
        name: [line for line in log.read_text(errors="replace").splitlines() if any(e in line for e in ERRORS)]
        for name, log in logs.items()
    }
    print(
        f"seeded in {seeded_in:.1f} s, started in {running_at - started - seeded_in:.1f} s, burst {burst_at - running_at:.1f} s"
        f" ({len(orders)} orders), drained in {drained_at - burst_at:.1f} s; whole test {time.monotonic() - started:.1f} s"
    )
    for name, lines in found.items():
        print(f"{name}: {sum('database is locked' in line for line in lines)} 'database is locked'")
    assert not any(found.values()), "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines[:10])
    assert not failures, "\n".join(failures[:10])
    assert orders, "no order was posted"
    assert completed, "the tasks the burst enqueued did not all complete"
    # the approvals notified their owners, and each e-mail went out
    assert emailed >= sum(len(c["pending"]) for c in seed["clusters"])
    # beat kept its schedule: the proposal whose vote closed mid-burst was tallied in time,
    # and the heartbeat ran many times
    assert tallied, "close_due_proposals did not tally the proposal whose vote closed"
    assert heartbeats >= BURST_SECONDS // 3


def _drained(folder: Path, seed: dict, orders: list[int]) -> bool:
    """Every e-mail of a notification raised during the burst is sent, every order's matching run
    succeeded, and the proposal whose vote closed mid-burst is tallied."""
    with closing(sqlite3.connect(f"file:{folder / 'db.sqlite3'}?mode=ro", uri=True, timeout=20)) as db:
        unsent = db.execute(  # a notification raised with an e-mail has its task in the outbox
            "SELECT count(*) FROM core_outboxmessage o JOIN notifications_notification n"
            " ON n.id = json_extract(o.args, '$[0]')"
            " WHERE o.task = 'notifications.send_email' AND n.id > ? AND n.emailed_at IS NULL",
            [seed["last_notification"]],
        ).fetchone()[0]
        triggers = db.execute(  # order:<pk>:<what happened>, e.g. order:42:new
            "SELECT DISTINCT trigger FROM marketplace_matchingrun WHERE status = 'succeeded' AND trigger LIKE 'order:%'"
        ).fetchall()
        matched = {int(trigger.split(":")[1]) for (trigger,) in triggers}
        tallied = db.execute(
            "SELECT tallied_at FROM governance_proposal WHERE id = ?", [seed["clusters"][0]["proposal"]]
        ).fetchone()[0]
    return unsent == 0 and set(orders) <= matched and tallied is not None


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/health/", timeout=2).status_code in (200, 503)
    except requests.RequestException:
        return False
