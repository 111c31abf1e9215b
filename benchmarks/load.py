"""Load test: gunicorn on PostgreSQL with the seeded 1M-listing dataset, N concurrent clients.

    python manage.py seed_load_data                 # once (DATABASE_URL on PostgreSQL); each run repeats it
    DATABASE_URL=postgres://... REDIS_URL=redis://... python benchmarks/load.py [--clients 8] [--seconds 20]

Starts gunicorn on 127.0.0.1 (loopback only) and a Celery worker (the matching of each posted
order runs in the background while the clients keep posting), signs in the seeded load user through the
headless API, then drives each operation with N client threads on keep-alive connections
for a fixed time: the trivial JSON view (the ceiling), the market list with filters, a
listing detail, posting an order, accepting a match. Prints requests per second and
p50 / p95 / p99 per operation. Every loop is bounded in time; the server is stopped at the end.
"""

import argparse
import http.client
import json
import os
import pathlib
import random
import signal
import statistics
import subprocess
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
HOST, PORT = "127.0.0.1", 8765
LOAD_USER = ("load.tester@cluster.local", "cluster-load-2026")


def request(conn, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Session-Token"] = token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "cluster_platform.settings.local",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "ERROR",
}


def start_worker() -> subprocess.Popen:
    """A Celery worker, so each posted order's matching runs in the background during the run."""
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "cluster_platform", "worker", "-c", "1", "-l", "ERROR"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
    )


def start_server(workers: int) -> subprocess.Popen:
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "cluster_platform.wsgi:application",
            "-b",
            f"{HOST}:{PORT}",
            "-w",
            str(workers),
            "--keep-alive",
            "30",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            if request(conn, "GET", "/ping/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def wait_for_idle_worker(limit: float = 300) -> None:
    """Let the worker finish queued matching first (a flat-out posting phase leaves a backlog),
    so one phase's background work does not eat the next phase's CPU. Redis brokers only."""
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url or not url.startswith("redis"):
        return
    import redis

    queue, started = redis.Redis.from_url(url), time.monotonic()
    while queue.llen("celery") and time.monotonic() - started < limit:
        time.sleep(1)
    time.sleep(2)  # the task in hand


def login() -> str:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    status, data = request(
        conn, "POST", "/_allauth/app/v1/auth/login", body={"email": LOAD_USER[0], "password": LOAD_USER[1]}
    )
    if status != 200:
        raise SystemExit(f"login failed ({status}): run `manage.py seed_load_data` first")
    return json.loads(data)["meta"]["session_token"]


def drive(make_request, clients: int, seconds: float, rate: float | None = None) -> dict:
    """``clients`` threads send requests back to back (closed loop), or, with ``rate``, at that
    many requests per second between them (open loop: latency at a given load, not at saturation)."""
    latencies, errors, rejected, lock = [], [0], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(index):
        conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
        rng = random.Random(index)
        mine = []
        interval = clients / rate if rate else 0.0
        next_at = time.monotonic() + index * interval / clients
        while time.monotonic() < stop_at:
            if interval:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            method, path, body = make_request(rng, index)
            t = time.perf_counter()
            try:
                status, _ = request(conn, method, path, TOKEN if path.startswith(("/api", "/_allauth")) else None, body)
            except OSError:
                conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
                status = 599
            mine.append(time.perf_counter() - t)
            if status >= 500:
                with lock:
                    errors[0] += 1
            elif status >= 400:
                with lock:
                    rejected[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    return {
        "latencies": latencies,
        "elapsed": time.perf_counter() - started,
        "errors": errors[0],
        "rejected": rejected[0],
    }


def summarise(name: str, runs: list[dict]) -> dict:
    """One row from one or more runs of an operation: requests per second over their total time."""
    latencies = sorted(latency for run in runs for latency in run["latencies"])

    def pct(p):
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {
        "name": name,
        "requests": len(latencies),
        "rps": len(latencies) / sum(run["elapsed"] for run in runs),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": sum(run["errors"] for run in runs),
        "rejected": sum(run["rejected"] for run in runs),
        "mean": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
    }


TOKEN = ""


def main() -> None:
    global TOKEN
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--post-rate", type=float, default=5, help="posts per second in the paced run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="the reads (ceiling, market, detail) take turns in this many rounds of seconds/rounds each,"
        " so a slow spell of the machine weighs on all three alike",
    )
    args = parser.parse_args()
    # idempotent once seeded: it cancels the orders earlier runs posted, so runs start alike
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "seed_load_data"], cwd=ROOT, check=True)
    server = start_server(args.workers)
    worker = start_worker()
    try:
        TOKEN = login()
        base = "/api/v1/clusters/load-000"
        conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
        _, data = request(conn, "GET", f"{base}/orders/?capability=cnc-machining&status=open&page_size=100", TOKEN)
        order_ids = [o["id"] for o in json.loads(data)["results"]]
        _, data = request(conn, "GET", f"{base}/matches/?status=proposed&page_size=100", TOKEN)
        match_ids = [m["id"] for m in json.loads(data)["results"]]
        _, data = request(conn, "GET", "/api/v1/enterprises/", TOKEN)
        my_enterprise = json.loads(data)["results"][0]["id"]
        need_by = time.strftime("%Y-%m-%d", time.localtime(time.time() + 40 * 86400))
        order = {
            "owner": my_enterprise,
            "title": "load test order",
            "capability": "cnc-machining",
            "product_category": "brackets",
            "quantity": 100,
            "unit": "pcs",
            "target_unit_price": "50.00",
            "currency": "CNY",
            "need_by": need_by,
            "delivery_region_code": "330600",
            "delivery_latitude": "30.00000",
            "delivery_longitude": "120.50000",
        }

        def post_order(rng, i):
            return "POST", f"{base}/orders/", order

        reads = [
            ("trivial JSON view (ceiling)", lambda rng, i: ("GET", "/ping/", None), None),
            (
                "market list, filtered",
                lambda rng, i: (
                    "GET",
                    f"{base}/orders/?capability={rng.choice(['cnc-machining', 'injection-moulding', 'weaving'])}"
                    f"&status=open&ordering=-created_at&page_size=20",
                    None,
                ),
                None,
            ),
            ("listing detail", lambda rng, i: ("GET", f"{base}/orders/{rng.choice(order_ids)}/", None), None),
        ]
        writes = [
            ("accept a match", lambda rng, i: ("POST", f"{base}/matches/{rng.choice(match_ids)}/accept/", None), None),
            (f"post an order, {args.post_rate:g}/s", post_order, args.post_rate),
            ("post an order", post_order, None),
        ]
        runs = {name: [] for name, _make, _rate in reads}
        wait_for_idle_worker()
        for _round in range(args.rounds):
            for name, make, rate in reads:
                runs[name].append(drive(make, args.clients, args.seconds / args.rounds, rate))
        rows = [summarise(name, runs[name]) for name, _make, _rate in reads]
        for name, make, rate in writes:
            wait_for_idle_worker()
            rows.append(summarise(name, [drive(make, args.clients, args.seconds, rate)]))
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            process.wait(30)
    ceiling = rows[0]["rps"]
    print(
        f"{'operation':<30} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'5xx':>5} {'4xx':>5}"
        f" {'% of ceiling':>13}"
    )
    for r in rows:
        print(
            f"{r['name']:<30} {r['requests']:>9} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
            f"{r['errors']:>5} {r['rejected']:>5} {100 * r['rps'] / ceiling:>12.1f}%"
        )
    print(
        f"load: {args.clients} clients, {args.seconds:.0f} s per operation (the three reads in {args.rounds} interleaved"
        f" rounds), gunicorn {args.workers} workers, one Celery worker matching each posted order;"
        " rows without a rate send back to back"
    )


if __name__ == "__main__":
    main()
