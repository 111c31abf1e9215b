"""A full production plan split into independent parts, solved part by part, and merged.

Pure (numpy and the engine's own stages; no Django): ``apps.matching.distributed`` runs the
same steps as Celery tasks, ``plan_in_parts`` runs them in one process (the reference the
tests compare with ``allocation.plan``).

Why the parts are independent — exact, not a heuristic:

* **Capability blocks.** A demand is feasible only with a supply of its own capability
  (``candidates.generate`` indexes supplies by capability). In the model a supply is one
  capacity listing with ONE capability and its own ``quantity``; an enterprise has no total
  capacity across its listings, so nothing couples two blocks: no constraint of the
  programme (demand quantity, supply quantity, minimum lots, unsplittable orders) spans two
  of them. The optimum of the whole is the sum of the blocks' optima, and so is the LP
  (flow) bound. The owner rule (no enterprise supplies itself) and the excluded pairs are
  per pair, so they split with the pairs. If the model ever gains an enterprise-wide cap,
  its capabilities must be one block (``split`` would have to merge the blocks an owner's
  supplies span); today there is none to handle.
* **Demand chunks of a block, for candidates only.** A demand's candidates (its feasible
  pairs, scores and best K) depend on that demand and the block's supplies, never on another
  demand, so the candidate generation of a block is cut into chunks of demands and the
  chunks' pairs concatenated are the block's pairs (the tests check it). The *solve* of a
  block needs all its pairs: it is one part.
* **Connected components** of a block's candidate graph are independent too (``components``):
  the solver itself solves its exact programme per component (``solver.exact_by_component``),
  and its flows (relaxation and repair) component by component, packed into parts of
  ``solver.PART_PAIRS`` pairs, in one process or in a part of a distributed plan alike.

What is not exact: the engine's solver picks its method by size (an exact programme up to
``solver.EXACT_PAIR_LIMIT`` pairs, else flow + repair, and keeps greedy if better). A part is
solved with the method its own size calls for, so where the whole problem is solved exactly
the merged plan has the same (optimal) objective; where it is solved heuristically, the parts'
choices can differ from the whole's (never below greedy on any part). Channel offers accept
several product categories, so channel plans do not split by category: they stay whole.
"""

import datetime
import io
import itertools
from dataclasses import dataclass, field, fields
from typing import get_args, get_origin

import numpy as np

from . import candidates as stage
from .scoring import production_score
from .solver import EXACT_PAIR_LIMIT, solve
from .solver import components as components  # re-exported: the parts' independence is tested here
from .types import Allocation, Demand, Rules, Supply

_SEP = "\x1f"


# -- compact payloads: records as columns (numpy .npz, no pickle) ------------------------------


def pack(records: list, cls: type) -> bytes:
    """``Demand`` or ``Supply`` records as one column per field (dates as ordinals, sets joined)."""
    columns: dict[str, np.ndarray] = {}
    for f in fields(cls):
        values = [getattr(r, f.name) for r in records]
        kind = _kind(f.type)
        if kind == "date":
            columns[f.name] = np.array([v.toordinal() for v in values], np.int32)
        elif kind in ("set", "str"):
            text = [_SEP.join(sorted(v)) for v in values] if kind == "set" else values
            table, codes = np.unique(np.array(text, dtype=str), return_inverse=True)
            columns[f.name], columns[f"{f.name}__table"] = codes.astype(np.int32), table
        elif kind == "optional":
            columns[f.name] = np.array([np.nan if v is None else v for v in values], np.float64)
        else:
            columns[f.name] = np.array(values, dtype={"int": np.int64, "float": np.float64, "bool": bool}[kind])
    buffer = io.BytesIO()
    np.savez(buffer, **columns)
    return buffer.getvalue()


def unpack(data: bytes, cls: type) -> list:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        columns = {}
        for f in fields(cls):
            values, kind = arrays[f.name], _kind(f.type)
            if kind == "date":
                columns[f.name] = [datetime.date.fromordinal(int(v)) for v in values]
            elif kind in ("set", "str"):
                table = arrays[f"{f.name}__table"].tolist()
                if kind == "set":
                    table = [frozenset(v.split(_SEP)) if v else frozenset() for v in table]
                columns[f.name] = [table[code] for code in values.tolist()]
            elif kind == "optional":
                columns[f.name] = [None if np.isnan(v) else v for v in values.tolist()]
            else:
                columns[f.name] = values.tolist()
    names = list(columns)
    return [cls(**dict(zip(names, row, strict=True))) for row in zip(*columns.values(), strict=True)]


def _kind(annotation) -> str:
    if annotation is datetime.date:
        return "date"
    if get_origin(annotation) is frozenset:
        return "set"
    if type(None) in get_args(annotation):
        return "optional"
    return {int: "int", float: "float", bool: "bool"}.get(annotation, "str")


def pack_arrays(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def unpack_arrays(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


# -- the split ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One capability: the indices (into the full lists) of its open demands and usable supplies."""

    capability: str
    demands: np.ndarray
    supplies: np.ndarray

    @property
    def load(self) -> int:
        """The pair tests candidate generation makes: the block's cost estimate."""
        return len(self.demands) * len(self.supplies)


def blocks(demands: list[Demand], supplies: list[Supply], rules: Rules) -> list[Block]:
    """The capability blocks that can yield a pair, largest first (demand and supply order kept)."""
    today = rules.today
    by_demand: dict[str, list[int]] = {}
    by_supply: dict[str, list[int]] = {}
    for i, d in enumerate(demands):
        if d.quantity > 0:
            by_demand.setdefault(d.capability, []).append(i)
    for j, s in enumerate(supplies):
        if s.quantity > 0 and max(s.available_from, today) <= s.available_until:
            by_supply.setdefault(s.capability, []).append(j)
    found = [
        Block(capability, np.asarray(rows, np.int64), np.asarray(by_supply[capability], np.int64))
        for capability, rows in by_demand.items()
        if capability in by_supply
    ]
    return sorted(found, key=lambda b: (-b.load, b.capability))


def chunks(found: list[Block], parts: int) -> list[tuple[int, int, int]]:
    """Candidate-generation tasks ``(block, first demand, end)``: about ``parts`` equal loads, a block
    cut into demand ranges only when it alone is larger than one share."""
    total = sum(b.load for b in found)
    share = max(1, total // max(1, parts))
    out = []
    for number, block in enumerate(found):
        pieces = max(1, min(len(block.demands), -(-block.load // share)))
        edges = np.linspace(0, len(block.demands), pieces + 1).astype(int)
        out += [(number, int(a), int(b)) for a, b in itertools.pairwise(edges.tolist()) if b > a]
    return out


def bins(loads: list[int], parts: int) -> list[list[int]]:
    """Longest processing time first: item indices into at most ``parts`` bins of similar load."""
    count = max(1, min(parts, len(loads)))
    totals, out = [0] * count, [[] for _ in range(count)]
    for item in sorted(range(len(loads)), key=lambda i: -loads[i]):
        target = totals.index(min(totals))
        out[target].append(item)
        totals[target] += loads[item]
    return [b for b in out if b]


# -- the steps a part runs ----------------------------------------------------------------------


def chunk_candidates(
    demands: list[Demand], supplies: list[Supply], rules: Rules, exclude=frozenset(), index=None
) -> stage.Candidates:
    """A chunk's pairs: the engine's own generation on the chunk's demands and its block's supplies."""
    return stage.generate(demands, supplies, rules, exclude, index=index)


def concat(parts: list[stage.Candidates]) -> stage.Candidates:
    """A block's candidates from its chunks' (demand indices shifted by the chunks before)."""
    offsets = np.cumsum([0] + [len(p.demand_quantity) for p in parts[:-1]])
    join = np.concatenate
    return stage.Candidates(
        demand=join([p.demand + o for p, o in zip(parts, offsets, strict=True)]).astype(np.int64),
        supply=join([p.supply for p in parts]).astype(np.int64),
        score=join([p.score for p in parts]),
        upper=join([p.upper for p in parts]).astype(np.int64),
        lower=join([p.lower for p in parts]).astype(np.int64),
        demand_quantity=join([p.demand_quantity for p in parts]).astype(np.int64),
        demand_splittable=join([p.demand_splittable for p in parts]),
        supply_quantity=parts[0].supply_quantity,
    )


CANDIDATE_FIELDS = ("demand", "supply", "score", "upper", "lower", "demand_quantity", "demand_splittable")


def pack_candidates(c: stage.Candidates) -> bytes:
    return pack_arrays(**{name: getattr(c, name) for name in CANDIDATE_FIELDS}, supply_quantity=c.supply_quantity)


def unpack_candidates(data: bytes) -> stage.Candidates:
    return stage.Candidates(**unpack_arrays(data))


@dataclass
class PartPlan:
    allocations: list[Allocation]
    objective: float
    bound: float
    greedy_objective: float
    pairs: int
    methods: dict[str, int] = field(default_factory=dict)


def solve_block(
    c: stage.Candidates,
    demands: list[Demand],
    supplies: list[Supply],
    rules: Rules,
    *,
    explain: bool = True,
    exact_pair_limit: int = EXACT_PAIR_LIMIT,
) -> PartPlan:
    """The engine's solver on one block, its allocations explained as ``allocation.plan`` does.

    ``exact_pair_limit``: the method the *whole* problem's size calls for (``method_limit``), so
    that a small part of a large plan is not sent to the exact programme the whole would not use."""
    solution = solve(c, exact_pair_limit=exact_pair_limit)
    allocations = []
    for p in np.flatnonzero(solution.quantity > 0).tolist():
        demand, supply = demands[c.demand[p]], supplies[c.supply[p]]
        if explain:
            score, breakdown = production_score(demand, supply, rules, int(c.upper[p]))
        else:
            score, breakdown = float(c.score[p]), {}
        allocations.append(Allocation(demand.id, supply.id, int(solution.quantity[p]), score, breakdown))
    return PartPlan(
        allocations,
        solution.objective,
        solution.bound,
        solution.seconds.get("greedy_objective", 0.0),
        len(c),
        {solution.method: 1},
    )


def merge(parts: list[PartPlan]) -> PartPlan:
    """Independent parts add up: allocations side by side, objectives, bounds and pairs summed."""
    methods: dict[str, int] = {}
    for part in parts:
        for name, count in part.methods.items():
            methods[name] = methods.get(name, 0) + count
    return PartPlan(
        allocations=sorted((a for p in parts for a in p.allocations), key=lambda a: (a.demand_id, a.supply_id)),
        objective=sum(p.objective for p in parts),
        bound=sum(p.bound for p in parts),
        greedy_objective=sum(p.greedy_objective for p in parts),
        pairs=sum(p.pairs for p in parts),
        methods=methods,
    )


def method_limit(total_pairs: int) -> int:
    """The solver's size threshold for a part of a plan with ``total_pairs`` pairs in all."""
    return EXACT_PAIR_LIMIT if total_pairs <= EXACT_PAIR_LIMIT else 0


def method_name(methods: dict[str, int]) -> str:
    return ", ".join(f"{name}×{count}" for name, count in sorted(methods.items()))


def block_exclude(exclude, demands: list[Demand]) -> frozenset:
    ids = {d.id for d in demands}
    return frozenset(pair for pair in exclude if pair[0] in ids)


def plan_in_parts(
    demands: list[Demand], supplies: list[Supply], rules: Rules, exclude=frozenset(), *, parts: int = 4, explain=True
) -> PartPlan:
    """The distributed plan's steps in one process: chunks' candidates, blocks solved, merged."""
    found = blocks(demands, supplies, rules)
    by_block: dict[int, list[stage.Candidates]] = {}
    for number, start, end in chunks(found, parts):
        block = found[number]
        chunk = [demands[i] for i in block.demands[start:end]]
        block_supplies = [supplies[j] for j in block.supplies]
        c = chunk_candidates(chunk, block_supplies, rules, block_exclude(exclude, chunk))
        by_block.setdefault(number, []).append(c)
    solved, limit = [], method_limit(sum(len(c) for pieces in by_block.values() for c in pieces))
    for number, pieces in by_block.items():
        block = found[number]
        solved.append(
            solve_block(
                concat(pieces),
                [demands[i] for i in block.demands],
                [supplies[j] for j in block.supplies],
                rules,
                explain=explain,
                exact_pair_limit=limit,
            )
        )
    return merge(solved)


def check(allocations: list[Allocation], demands: list[Demand], supplies: list[Supply]) -> list[str]:
    """What a plan breaks on its instance (empty: valid): quantities, minimums, unsplittable orders
    whole to one supply, the capability and no enterprise supplying itself."""
    demand = {d.id: d for d in demands}
    supply = {s.id: s for s in supplies}
    given: dict[int, int] = {}
    used: dict[int, int] = {}
    suppliers: dict[int, int] = {}
    problems = []
    for a in allocations:
        d, s = demand[a.demand_id], supply[a.supply_id]
        if d.capability != s.capability or d.owner == s.owner or a.quantity <= 0:
            problems.append(f"pair {a.demand_id}-{a.supply_id} is not feasible")
        if d.splittable and a.quantity < max(d.min_lot, s.min_order_quantity, 1):
            problems.append(f"pair {a.demand_id}-{a.supply_id} below its minimum")
        given[d.id] = given.get(d.id, 0) + a.quantity
        used[s.id] = used.get(s.id, 0) + a.quantity
        suppliers[d.id] = suppliers.get(d.id, 0) + 1
    problems += [f"demand {i} over its quantity" for i, q in given.items() if q > demand[i].quantity]
    problems += [f"supply {j} over its quantity" for j, q in used.items() if q > supply[j].quantity]
    problems += [
        f"unsplittable demand {i} not whole to one supply"
        for i, q in given.items()
        if not demand[i].splittable and (suppliers[i] != 1 or q != demand[i].quantity)
    ]
    return problems
