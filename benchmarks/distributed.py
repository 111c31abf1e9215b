"""Benchmark: a full plan across Celery workers (apps/matching/distributed.py), 1 and 2 processes.

    python benchmarks/distributed.py                      # 1M x 1M (issue 19's target row)
    python benchmarks/distributed.py --size 100000        # a smaller instance

The instance is benchmarks/matching.py's generator. The same instance is planned twice through
Redis and real worker processes (``celery worker --pool solo`` on a queue of its own): with one
worker process, then with two. Each time counts from the submission (the coordinator storing
the parts' inputs in Redis) to the merged plan stored back, so the serial part is in it. The
plan is checked against the instance (``decompose.check``: quantities, minimums, unsplittable
orders whole to one supply, capability and owner rules) and its gap is to the sum of the parts'
bounds (the flow relaxation over the candidate pairs kept, which adds up over independent
parts). ``REDIS_URL`` names the Redis; unset, a private ``redis-server`` is started if there is one.
``--max-seconds`` bounds each run: a run that does not finish in time is reported as missed.
"""

import argparse
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.matching import generate  # noqa: E402

TARGET_SPEEDUP = 1.6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_redis() -> tuple[str, subprocess.Popen | None]:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("distributed: REDIS_URL is not set and there is no redis-server: skipped (missed)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0", server


def start_workers(count: int, redis_url: str, queue: str) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cluster_platform.settings.local",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_MATCHING_QUEUE": queue,
        "CELERY_TASK_TIME_LIMIT": "86400",
        "CELERY_TASK_SOFT_TIME_LIMIT": "86000",
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "cluster_platform", "worker", "--pool", "solo", "-Q", queue]
    return [
        subprocess.Popen(
            [*command, "-n", f"bench{n}-{os.getpid()}@%h", "--without-mingle", "--loglevel", "WARNING"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def wait_ready(app, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=0.5) or []) >= count:
            return
    raise RuntimeError(f"{count} worker processes did not start in {timeout} s")


def run(count: int, instance, args, redis_url: str) -> dict:
    from apps.matching import distributed
    from apps.matching.engine import decompose
    from cluster_platform.celery import app

    demands, supplies, rules = instance
    queue = f"bench-matching-{os.getpid()}-{count}"
    app.conf.update(matching_queue=queue)
    workers = start_workers(count, redis_url, queue)
    try:
        wait_ready(app, count)
        t0 = time.perf_counter()
        job = distributed.submit(demands, supplies, rules, parts=args.parts, explain=False)
        submitted = time.perf_counter() - t0
        found = None
        while found is None and time.perf_counter() - t0 < args.max_seconds:
            time.sleep(0.2)
            found = distributed.result(job)
        seconds = time.perf_counter() - t0
    finally:
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.wait(30)
    if found is None:
        distributed.cleanup(job)
        return {"workers": count, "done": False, "seconds": seconds}
    summary, allocations = found
    distributed.cleanup(job)
    problems = decompose.check(allocations, demands, supplies)
    bound = summary["bound"]
    return {
        "workers": count,
        "done": True,
        "seconds": seconds,
        "submit_s": submitted,
        "pairs": summary["candidate_pairs"],
        "objective": summary["objective"],
        "bound": bound,
        "gap_pct": 100 * max(0.0, bound - summary["objective"]) / bound if bound else 0.0,
        "valid": not problems,
        "problems": problems[:3],
        "took_part": summary["workers"],
        "chunks": summary["chunks"],
        "parts": summary["parts"],
        "allocations": sorted((a.demand_id, a.supply_id, a.quantity) for a in allocations),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--parts", type=int, default=8, help="chunks and solve bins to aim for")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="per run")
    args = parser.parse_args()
    redis_url, server = private_redis()
    os.environ.update(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")
    import django

    django.setup()
    from cluster_platform.celery import app

    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        t = time.perf_counter()
        instance = generate(args.size, args.size)
        print(f"distributed {args.size}x{args.size}: instance generated in {time.perf_counter() - t:.1f} s", flush=True)
        rows = [run(count, instance, args, redis_url) for count in (1, 2)]
    finally:
        if server is not None:
            server.kill()
    size = f"{args.size}x{args.size}"
    for r in rows:
        if not r["done"]:
            print(f"distributed {size}, {r['workers']} worker process(es): did not finish in {r['seconds']:.0f} s")
            continue
        print(
            f"distributed {size}, {r['workers']} worker process(es): {r['seconds']:.2f} s "
            f"(submit {r['submit_s']:.2f} s; {r['chunks']} chunks, {r['parts']} solve parts, "
            f"{r['took_part']} process(es) took part), {r['pairs']} pairs, objective {r['objective']:.1f}, "
            f"bound {r['bound']:.1f}, gap {r['gap_pct']:.3f}%, valid {r['valid']} {r['problems'] or ''}"
        )
    one, two = rows
    done = one["done"] and two["done"]
    speedup = one["seconds"] / two["seconds"] if done else 0.0
    same = done and one["allocations"] == two["allocations"]
    print(f"distributed {size}: speed-up from 1 to 2 worker processes {speedup:.2f}x; same plan both times: {same}")
    print("load:", os.popen("uptime").read().strip())
    met = done and speedup >= TARGET_SPEEDUP and one["valid"] and two["valid"]
    print(
        f"target {size} full plan across Celery workers completes, speed-up >= {TARGET_SPEEDUP}x: "
        f"{'met' if met else 'missed'}"
    )


if __name__ == "__main__":
    main()
