"""A full production plan solved across Celery workers: a chord of parts, then a merge.

The split is ``engine.decompose`` (why it is exact is said there). Two chords on the "matching"
queue (``CELERY_MATCHING_QUEUE``), so as many workers as consume it share the work:

1. ``matching.plan_chunk`` per chunk of a capability block: the chunk's candidate pairs;
   its callback ``matching.solve_stage`` packs the blocks into bins of similar size and starts
2. ``matching.solve_blocks`` per bin: each block's candidates joined and solved (the method the
   whole plan's size calls for), the allocations explained; its callback
   ``matching.merge_plan`` merges the parts and hands the plan to its sink: a matching run's
   (``planner.write_full_plan`` under the run's lease, then the channel plan, the partners'
   plans and the re-scoring, as ``planner.run_full`` does) or, for the benchmark, Redis.

Payloads stay small whatever the size: the coordinator stores each chunk's demands, each
block's supplies and the rules in Redis under a job key (compact columns, ``decompose.pack``,
with a TTL), and the messages carry only the job key and part numbers; results go back to
Redis the same way and the chord's own results are a few counts. Every task of a run renews
the run's lease while it works and fences its write: a run whose lease lapsed is re-queued by
beat, and a late merge of the old attempt writes nothing.
"""

import json
import os
import socket
import uuid

import numpy as np
from celery import chord, shared_task
from django.conf import settings
from django.utils.module_loading import import_string

from . import engine
from .engine import decompose as dc

TTL_SECONDS = 2 * 3600
_cache: dict[str, object] = {}  # the last block's supply index, per worker process


def enabled() -> bool:
    """Parts need Redis for their inputs and a result backend for the chord (or eager tasks)."""
    return bool(settings.REDIS_URL) and bool(settings.CELERY_RESULT_BACKEND or settings.CELERY_TASK_ALWAYS_EAGER)


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _key(job: str, *parts) -> str:
    return ":".join(["matching", "dist", job, *map(str, parts)])


def _rules_json(rules: engine.Rules) -> dict:
    return {
        "today": rules.today.isoformat(),
        "price_tolerance": rules.price_tolerance,
        "weights": rules.weights,
        "channel_weights": rules.channel_weights,
        "max_candidates_per_demand": rules.max_candidates_per_demand,
    }


def _rules(meta: dict) -> engine.Rules:
    import datetime

    values = dict(meta["rules"], today=datetime.date.fromisoformat(meta["rules"]["today"]))
    return engine.Rules(**values)


def _meta(job: str) -> dict:
    raw = _redis().get(_key(job, "meta"))
    if raw is None:
        raise LookupError(f"distributed plan {job}: its inputs expired or were removed")
    return json.loads(raw)


def submit(demands, supplies, rules, exclude=frozenset(), *, parts=None, explain=True, sink=None) -> str:
    """Store the parts' inputs under a new job key and start the chords; returns the job key.

    ``sink``: ``{"run": id, "attempt": n, "finish": "dotted.path", ...}`` hands the merged plan
    to that function under the run's lease; None stores it in Redis (``result(job)``)."""
    job = uuid.uuid4().hex
    parts = parts or settings.MATCHING_DISTRIBUTED_PARTS
    found = dc.blocks(demands, supplies, rules)
    work = dc.chunks(found, parts)
    client = _redis()
    with client.pipeline(transaction=False) as pipe:
        for number, block in enumerate(found):
            pipe.set(
                _key(job, "S", number), dc.pack([supplies[j] for j in block.supplies], engine.Supply), ex=TTL_SECONDS
            )
            pipe.execute()
        for number, start, end in work:
            chunk = [demands[i] for i in found[number].demands[start:end]]
            pairs = sorted(dc.block_exclude(exclude, chunk))
            pipe.set(_key(job, "D", number, start), dc.pack(chunk, engine.Demand), ex=TTL_SECONDS)
            pipe.set(
                _key(job, "X", number, start),
                dc.pack_arrays(pairs=np.asarray(pairs, np.int64).reshape(-1, 2)),
                ex=TTL_SECONDS,
            )
            pipe.execute()
        meta = {
            "rules": _rules_json(rules),
            "parts": parts,
            "explain": explain,
            "sink": sink,
            "blocks": [[b.capability, len(b.demands), len(b.supplies)] for b in found],
            "chunks": work,
        }
        pipe.set(_key(job, "meta"), json.dumps(meta), ex=TTL_SECONDS).execute()
    header = [plan_chunk.si(job, number, start) for number, start, _end in work]
    if not header:
        solve_stage.delay([], job)
    else:
        chord(header)(solve_stage.s(job))
    return job


def _lease(meta: dict):
    sink = meta.get("sink")
    if not sink:
        return None
    from .leases import Lease

    return Lease(run_id=sink["run"], attempt=sink["attempt"])


class _Held:
    """A run's lease renewed while a part works (nothing for the benchmark's sink)."""

    def __init__(self, meta):
        self.lease = _lease(meta)

    def __enter__(self):
        from contextlib import nullcontext

        from .leases import kept_alive

        self._context = kept_alive(self.lease) if self.lease is not None else nullcontext()
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)

    @property
    def lost(self) -> bool:
        return self.lease is not None and not self.lease.renew()


def _supplies(job: str, number: int):
    """A block's supplies and their index, kept for the next chunk of the same block."""
    key = _key(job, "S", number)
    if _cache.get("key") != key:
        _cache.clear()
        supplies = dc.unpack(_redis().get(key), engine.Supply)
        _cache.update(key=key, supplies=supplies, index={})
    return _cache["supplies"], _cache["index"]


@shared_task(name="matching.plan_chunk", ignore_result=False, acks_late=True)
def plan_chunk(job: str, number: int, start: int) -> dict:
    """Stage 1: one chunk's candidate pairs, stored for its block's solve."""
    meta = _meta(job)
    held = _Held(meta)
    if held.lost:
        return {"lost": True}
    with held:
        rules = _rules(meta)
        supplies, indexes = _supplies(job, number)
        if rules.today not in indexes:
            indexes[rules.today] = engine.build_index(supplies, rules)
        client = _redis()
        demands = dc.unpack(client.get(_key(job, "D", number, start)), engine.Demand)
        pairs = dc.unpack_arrays(client.get(_key(job, "X", number, start)))["pairs"]
        exclude = frozenset(map(tuple, pairs.tolist()))
        c = dc.chunk_candidates(demands, supplies, rules, exclude, index=indexes[rules.today])
        client.set(_key(job, "C", number, start), dc.pack_candidates(c), ex=TTL_SECONDS)
        _worked(client, job)
    return {"block": number, "pairs": len(c)}


@shared_task(name="matching.solve_stage", acks_late=True)
def solve_stage(results: list[dict], job: str) -> int:
    """Between the chords: blocks into bins by their pairs; one solve task per bin."""
    meta = _meta(job)
    if any(r.get("lost") for r in results) or _Held(meta).lost:
        cleanup(job)
        return 0
    pairs = [0] * len(meta["blocks"])
    for r in results:
        pairs[r["block"]] += r["pairs"]
    limit = dc.method_limit(sum(pairs))
    groups = dc.bins([max(p, 1) for p in pairs], meta["parts"])
    header = [solve_blocks.si(job, group, limit) for group in groups]
    if header:
        chord(header)(merge_plan.s(job))
    else:
        merge_plan.delay([], job)
    return len(header)


@shared_task(name="matching.solve_blocks", ignore_result=False, acks_late=True)
def solve_blocks(job: str, numbers: list[int], exact_pair_limit: int) -> dict:
    """Stage 2: each block of the bin solved whole; the allocations stored for the merge."""
    meta = _meta(job)
    held = _Held(meta)
    if held.lost:
        return {"lost": True}
    client = _redis()
    rules = _rules(meta)
    solved = []
    with held:
        for number in numbers:
            starts = [start for n, start, _end in meta["chunks"] if n == number]
            pieces = [dc.unpack_candidates(client.get(_key(job, "C", number, s))) for s in starts]
            demands = [d for s in starts for d in dc.unpack(client.get(_key(job, "D", number, s)), engine.Demand)]
            supplies, _ = _supplies(job, number)
            solved.append(
                dc.solve_block(
                    dc.concat(pieces),
                    demands,
                    supplies,
                    rules,
                    explain=meta["explain"],
                    exact_pair_limit=exact_pair_limit,
                )
            )
    part = dc.merge(solved)
    _worked(client, job)
    key = _key(job, "R", numbers[0])
    client.set(key, _pack_allocations(part.allocations), ex=TTL_SECONDS)
    return {
        "key": key,
        "objective": part.objective,
        "bound": part.bound,
        "greedy_objective": part.greedy_objective,
        "pairs": part.pairs,
        "methods": part.methods,
    }


def _worked(client, job: str) -> None:
    """Which worker processes took part (the benchmark and the tests report it)."""
    client.sadd(_key(job, "workers"), f"{socket.gethostname()}:{os.getpid()}")
    client.expire(_key(job, "workers"), TTL_SECONDS)


def _pack_allocations(allocations) -> bytes:
    columns = {
        "demand": np.array([a.demand_id for a in allocations], np.int64),
        "supply": np.array([a.supply_id for a in allocations], np.int64),
        "quantity": np.array([a.quantity for a in allocations], np.int64),
        "score": np.array([a.score for a in allocations], np.float64),
        "breakdown": np.array([json.dumps(a.breakdown) if a.breakdown else "" for a in allocations], dtype=str),
    }
    return dc.pack_arrays(**columns)


def _unpack_allocations(data: bytes) -> list[engine.Allocation]:
    a = dc.unpack_arrays(data)
    rows = zip(
        a["demand"].tolist(),
        a["supply"].tolist(),
        a["quantity"].tolist(),
        a["score"].tolist(),
        a["breakdown"],
        strict=True,
    )
    return [engine.Allocation(d, s, q, score, json.loads(b) if b else {}) for d, s, q, score, b in rows]


@shared_task(name="matching.merge_plan", acks_late=True)
def merge_plan(results: list[dict], job: str) -> dict:
    """The last step: the parts merged, then written to the run (or stored for the benchmark)."""
    meta = _meta(job)
    if any(r.get("lost") for r in results):
        cleanup(job)
        return {"lost": True}
    client = _redis()
    parts = [
        dc.PartPlan(
            _unpack_allocations(client.get(r["key"])),
            r["objective"],
            r["bound"],
            r["greedy_objective"],
            r["pairs"],
            r["methods"],
        )
        for r in results
    ]
    plan = dc.merge(parts)
    summary = {
        "objective": plan.objective,
        "bound": plan.bound,
        "greedy_objective": plan.greedy_objective,
        "candidate_pairs": plan.pairs,
        "method": dc.method_name(plan.methods),
        "parts": len(results),
        "chunks": len(meta["chunks"]),
        "workers": len(client.smembers(_key(job, "workers"))),
    }
    if meta["sink"] is None:
        with client.pipeline(transaction=True) as pipe:  # "done" never without its allocations
            pipe.set(_key(job, "allocations"), _pack_allocations(plan.allocations), ex=TTL_SECONDS)
            pipe.set(_key(job, "done"), json.dumps(summary), ex=TTL_SECONDS)
            pipe.execute()
        cleanup(job, keep=("meta", "done", "allocations"))
        return summary
    finish = import_string(meta["sink"]["finish"])  # e.g. distributed_runs.finish_full_run
    with _Held(meta) as lease:
        outcome = finish(meta["sink"], lease, plan, summary)
    cleanup(job)  # only now: a retry of this task (a transient database error) still finds the parts
    return outcome


def result(job: str) -> tuple[dict, list[engine.Allocation]] | None:
    """The stored plan of a job without a run (the benchmark's sink), once merged."""
    client = _redis()
    raw = client.get(_key(job, "done"))
    if raw is None:
        return None
    return json.loads(raw), _unpack_allocations(client.get(_key(job, "allocations")))


def cleanup(job: str, keep=()) -> None:
    client = _redis()
    keeping = {_key(job, k) for k in keep}
    doomed = [k for k in client.scan_iter(match=_key(job, "*"), count=1000) if k.decode() not in keeping]
    if doomed:
        client.delete(*doomed)
    _cache.clear()
