"""Stage 3: the allocation that maximises the total of score x quantity.

* Small problems: an exact mixed-integer programme (HiGHS through scipy), with binaries
  for unsplittable orders (whole or nothing) and for minimum lots / order quantities, one
  programme per connected component of the candidate graph (``exact_by_component``): no
  constraint spans two components, so the sum of their optima is the optimum, and a batch
  of orders of many capabilities is many small programmes instead of one hard one.
* Large problems: the min-cost-flow relaxation (OR-Tools), which is the LP relaxation of
  that programme and so an upper bound; then a repair — unsplittable orders placed whole,
  the splittable rest re-solved as a flow on the remaining capacity, pairs below their
  minimum removed and re-solved.
* Always: the greedy baseline is computed too, and the better plan wins, so the engine is
  never below greedy. The bound it proved is reported with the plan.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from .candidates import Candidates

SCALE = 1_000_000  # scores become integer unit costs for the flow solver
EXACT_PAIR_LIMIT = 4000
MIP_SECONDS = 10.0  # the exact programmes' time in all, by default


@dataclass
class Solution:
    quantity: np.ndarray  # per candidate pair
    objective: float
    bound: float
    method: str
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)


def objective(c: Candidates, x: np.ndarray) -> float:
    return float(np.dot(c.score, x))


def is_valid(c: Candidates, x: np.ndarray) -> bool:
    """Every constraint: quantities, minimums, unsplittable orders whole to one supply."""
    used = x > 0
    if np.any(x < 0) or np.any(x[used] < c.lower[used]) or np.any(x > c.upper):
        return False
    if np.any(np.bincount(c.supply, weights=x, minlength=len(c.supply_quantity)) > c.supply_quantity + 1e-9):
        return False
    given = np.bincount(c.demand, weights=x, minlength=len(c.demand_quantity))
    if np.any(given > c.demand_quantity + 1e-9):
        return False
    whole = ~c.demand_splittable[c.demand]
    suppliers = np.bincount(c.demand[whole & used], minlength=len(c.demand_quantity))
    unsplit = ~c.demand_splittable
    return bool(
        np.all(suppliers[unsplit] <= 1)
        and np.all((given[unsplit] == 0) | (given[unsplit] == c.demand_quantity[unsplit]))
    )


def greedy(c: Candidates) -> np.ndarray:
    """Pairs in descending score, each given as much as it can take."""
    x = np.zeros(len(c), np.int64)
    demand_left = c.demand_quantity.copy()
    supply_left = c.supply_quantity.copy()
    order = np.lexsort((c.supply, c.demand, -c.score))
    split = c.demand_splittable
    for p in order.tolist():
        i, j = c.demand[p], c.supply[p]
        need, free = demand_left[i], supply_left[j]
        if need <= 0 or free <= 0:
            continue
        if split[i]:
            q = min(need, free, c.upper[p])
            if q < c.lower[p]:
                continue
        else:
            if need != c.demand_quantity[i] or free < need:
                continue
            q = need
        x[p] = q
        demand_left[i] -= q
        supply_left[j] -= q
    return x


#: components of the candidate graph are packed into parts of about this many pairs, each solved
#: on its own: a flow's time grows faster than its size, so many small flows beat one large one
PART_PAIRS = 20_000


def components(c: Candidates) -> np.ndarray:
    """The connected component of each pair in the demand–supply candidate graph."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    n_d, n_s = len(c.demand_quantity), len(c.supply_quantity)
    graph = coo_array((np.ones(len(c)), (c.demand, n_d + c.supply)), shape=(n_d + n_s, n_d + n_s))
    _count, labels = connected_components(graph, directed=False)
    return labels[c.demand]


def flow_parts(arcs: np.ndarray, labels: np.ndarray, most: int = PART_PAIRS) -> list[np.ndarray]:
    """``arcs`` grouped by the component of each (``labels``, per pair), whole components packed
    together up to ``most`` pairs a part (a larger component is a part of its own). No constraint
    spans two components, so the flows of the parts together are the flow of all the arcs."""
    if not len(arcs):
        return []
    mine = labels[arcs]
    order = np.argsort(mine, kind="stable")
    _ids, starts, sizes = np.unique(mine[order], return_index=True, return_counts=True)
    found, current, size = [], [], 0
    for k in np.argsort(-sizes, kind="stable").tolist():
        if size and size + sizes[k] > most:
            found.append(np.sort(np.concatenate(current)))
            current, size = [], 0
        current.append(order[starts[k] : starts[k] + sizes[k]])
        size += int(sizes[k])
    if current:
        found.append(np.sort(np.concatenate(current)))
    return [arcs[part] for part in found]


def _flow(
    c: Candidates, arcs: np.ndarray, demand_cap: np.ndarray, supply_cap: np.ndarray, labels: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Max-score transportation flow over the given pair indices (min-cost flow, OR-Tools), solved
    part by part when the pairs' components (``labels``) are given: the same optimum, sooner."""
    x = np.zeros(len(c), np.int64)
    total = 0.0
    for part in flow_parts(arcs, labels) if labels is not None else [arcs]:
        flows, value = _flow_one(c, part, demand_cap, supply_cap)
        x[part] = flows
        total += value
    return x, total


def _flow_one(
    c: Candidates, arcs: np.ndarray, demand_cap: np.ndarray, supply_cap: np.ndarray
) -> tuple[np.ndarray, float]:
    """One min-cost flow over ``arcs``: the flow of each arc and the score it carries."""
    from ortools.graph.python import min_cost_flow

    if not len(arcs):
        return np.zeros(0, np.int64), 0.0
    n_d, n_s = len(c.demand_quantity), len(c.supply_quantity)
    source, sink = n_d + n_s, n_d + n_s + 1
    used_d = np.unique(c.demand[arcs])
    used_s = np.unique(c.supply[arcs])
    total = int(demand_cap[used_d].sum())
    tails = np.concatenate([np.full(len(used_d), source), c.demand[arcs], n_d + used_s, [source]])
    heads = np.concatenate([used_d, n_d + c.supply[arcs], np.full(len(used_s), sink), [sink]])
    caps = np.concatenate([demand_cap[used_d], c.upper[arcs], supply_cap[used_s], [total]])
    costs = np.concatenate(
        [np.zeros(len(used_d)), -np.round(c.score[arcs] * SCALE), np.zeros(len(used_s)), [0]]
    ).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    arc_ids = solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs
    )
    solver.set_nodes_supplies(np.array([source, sink], np.int32), np.array([total, -total], np.int64))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min cost flow failed with status {status}")
    flows = solver.flows(arc_ids)
    return flows[len(used_d) : len(used_d) + len(arcs)], -solver.optimal_cost() / SCALE


def _fill_greedily(c: Candidates, x: np.ndarray, arcs: np.ndarray) -> None:
    """Give what capacity is left to splittable pairs by descending score (respecting minimums)."""
    demand_left = c.demand_quantity - np.bincount(c.demand, weights=x, minlength=len(c.demand_quantity)).astype(
        np.int64
    )
    supply_left = c.supply_quantity - np.bincount(c.supply, weights=x, minlength=len(c.supply_quantity)).astype(
        np.int64
    )
    open_arcs = arcs[(demand_left[c.demand[arcs]] > 0) & (supply_left[c.supply[arcs]] > 0)]
    for p in open_arcs[np.argsort(-c.score[open_arcs], kind="stable")].tolist():
        i, j = c.demand[p], c.supply[p]
        q = min(demand_left[i], supply_left[j], c.upper[p] - x[p])
        if q <= 0 or (x[p] == 0 and q < c.lower[p]):
            continue
        x[p] += q
        demand_left[i] -= q
        supply_left[j] -= q


def flow_and_repair(c: Candidates) -> Solution:
    t0 = time.perf_counter()
    all_arcs = np.arange(len(c))
    labels = components(c)  # independent parts: each flow is solved component by component
    relaxed, bound = _flow(c, all_arcs, c.demand_quantity, c.supply_quantity, labels)
    t1 = time.perf_counter()

    # Unsplittable orders: whole, to one supplier, most valuable first.
    supply_left = c.supply_quantity.copy()
    x = np.zeros(len(c), np.int64)
    whole = ~c.demand_splittable[c.demand]
    value = np.bincount(c.demand, weights=c.score * relaxed, minlength=len(c.demand_quantity))
    pairs = np.flatnonzero(whole)
    order = pairs[np.lexsort((c.supply[pairs], -relaxed[pairs], -c.score[pairs], -value[c.demand[pairs]]))]
    placed = np.zeros(len(c.demand_quantity), bool)
    for p in order.tolist():
        i, j = c.demand[p], c.supply[p]
        q = c.demand_quantity[i]
        if placed[i] or supply_left[j] < q or (relaxed[p] == 0 and value[i] > 0):
            continue
        x[p] = q
        supply_left[j] -= q
        placed[i] = True
    # Orders the relaxation left out may still fit whole where capacity remains.
    for p in order.tolist():
        i, j = c.demand[p], c.supply[p]
        q = c.demand_quantity[i]
        if not placed[i] and supply_left[j] >= q:
            x[p] = q
            supply_left[j] -= q
            placed[i] = True

    # Splittable orders: a flow on what is left, dropping pairs below their minimum.
    arcs = np.flatnonzero(~whole)
    demand_cap = np.where(c.demand_splittable, c.demand_quantity, 0)
    for _ in range(2):
        flow, _ = _flow(c, arcs, demand_cap, supply_left, labels)
        short = (flow[arcs] > 0) & (flow[arcs] < c.lower[arcs])
        if not short.any():
            break
        arcs = arcs[~short]
    flow[(flow > 0) & (flow < c.lower)] = 0  # still below a minimum after two passes: dropped
    x[arcs] = flow[arcs]
    _fill_greedily(c, x, arcs)
    t2 = time.perf_counter()
    return Solution(x, objective(c, x), bound, "flow+repair", {"relaxation": t1 - t0, "repair": t2 - t1})


def exact(c: Candidates, time_limit: float = 10.0) -> Solution | None:
    """The optimum by mixed-integer programming (HiGHS); None if it did not finish.

    Only the choice of pairs (z) is declared integral, not the quantities: once z is fixed,
    what is left is a transportation problem (each quantity in one demand's row and one
    supply's) with integral bounds, whose matrix is totally unimodular, so its optimum is
    reached at an integral vertex and the programme's optimum is the integral plan's. Declared
    integers, the quantities made HiGHS branch on them: a 220-pair component of an incremental
    pass took 880 ms instead of 14. A solution with a fractional quantity all the same (a point
    a heuristic found, not a vertex) is solved again with integral quantities in the time left.
    """
    t0 = time.perf_counter()
    n = len(c)
    if n == 0:
        return Solution(np.zeros(0, np.int64), 0.0, 0.0, "exact")
    programme = _programme(c)
    result = programme(time_limit, integral_quantities=False)
    if result.x is not None and np.abs(result.x[:n] - np.round(result.x[:n])).max() > 1e-6:
        result = programme(max(0.05, time_limit - (time.perf_counter() - t0)), integral_quantities=True)
    if result.x is None:
        return None
    x = np.round(result.x[:n]).astype(np.int64)
    dual = getattr(result, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else -float(result.fun)
    method = "exact" if result.status == 0 else "mip-time-limit"
    return Solution(x, objective(c, x), max(bound, objective(c, x)), method, {"mip": time.perf_counter() - t0})


def _programme(c: Candidates):
    """``exact``'s programme over ``c``, as a function of the time limit and whether the
    quantities are declared integral."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    n = len(c)
    whole = ~c.demand_splittable[c.demand]
    # variables: x_p (quantity) for every pair, then z_p (binary: pair used) for every pair
    score = np.concatenate([c.score, np.zeros(n)])
    bounds = Bounds(np.zeros(2 * n), np.concatenate([c.upper, np.ones(n)]).astype(float))
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    p = np.arange(n)
    # lower[p] * z_p <= x_p <= upper[p] * z_p
    rows += [p + r, p + r]
    cols += [p, p + n]
    vals += [np.ones(n), -c.lower.astype(float)]
    lo.append(np.zeros(n))
    hi.append(np.full(n, np.inf))
    r += n
    rows += [p + r, p + r]
    cols += [p, p + n]
    vals += [np.ones(n), -c.upper.astype(float)]
    lo.append(np.full(n, -np.inf))
    hi.append(np.zeros(n))
    r += n
    # demand quantity; and at most one supplier for an unsplittable order
    n_d = len(c.demand_quantity)
    rows.append(c.demand + r)
    cols.append(p)
    vals.append(np.ones(n))
    lo.append(np.full(n_d, -np.inf))
    hi.append(c.demand_quantity.astype(float))
    r += n_d
    rows.append(c.demand[whole] + r)
    cols.append(p[whole] + n)
    vals.append(np.ones(int(whole.sum())))
    lo.append(np.full(n_d, -np.inf))
    hi.append(np.ones(n_d))
    r += n_d
    # supply capacity
    n_s = len(c.supply_quantity)
    rows.append(c.supply + r)
    cols.append(p)
    vals.append(np.ones(n))
    lo.append(np.full(n_s, -np.inf))
    hi.append(c.supply_quantity.astype(float))
    r += n_s
    matrix = coo_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, 2 * n)).tocsr()
    constraints = LinearConstraint(matrix, np.concatenate(lo), np.concatenate(hi))

    def solve(time_limit: float, *, integral_quantities: bool):
        return milp(
            -score,
            integrality=np.concatenate([np.full(n, int(integral_quantities)), np.ones(n)]),
            bounds=bounds,
            constraints=constraints,
            options={"time_limit": time_limit, "mip_rel_gap": 1e-9, "disp": False},
        )

    return solve


def part(c: Candidates, pairs: np.ndarray) -> Candidates:
    """The candidates ``pairs`` alone, their demands and supplies numbered afresh."""
    demands, demand = np.unique(c.demand[pairs], return_inverse=True)
    supplies, supply = np.unique(c.supply[pairs], return_inverse=True)
    return Candidates(
        demand=demand,
        supply=supply,
        score=c.score[pairs],
        upper=c.upper[pairs],
        lower=c.lower[pairs],
        demand_quantity=c.demand_quantity[demands],
        demand_splittable=c.demand_splittable[demands],
        supply_quantity=c.supply_quantity[supplies],
    )


ONE_DEMAND_NODES = 20_000  # branch-and-bound nodes of ``one_demand`` before it gives the programme the problem


def one_demand(c: Candidates, node_limit: int = ONE_DEMAND_NODES) -> np.ndarray | None:
    """The optimum of one splittable demand's pairs (each a different supply), by branch and bound;
    None past ``node_limit`` nodes.

    With one demand the only coupling is its quantity Q, so a plan is a set S of pairs used: each
    takes its minimum ``lower``, and what Q leaves goes to the pairs of S by descending score up
    to their ``upper`` (moving a unit to a better pair never loses). The search decides the pairs
    best first, used or not, and drops a branch whose bound (the fixed minimums, then the rest of
    Q filled by descending score from the used pairs' room and every undecided pair's whole range,
    their minimums relaxed) cannot beat the best plan found."""
    order = np.argsort(-c.score, kind="stable")
    score, lower, upper = (c.score[order].tolist(), c.lower[order].tolist(), c.upper[order].tolist())
    n, q = len(order), int(c.demand_quantity[0])

    def fill(room: int, offers) -> float:
        value = 0.0
        for sc, amount in sorted(offers, reverse=True):
            take = min(room, amount)
            value += sc * take
            room -= take
            if room <= 0:
                break
        return value

    def value_of(used: list[int]) -> float:
        base = sum(score[p] * lower[p] for p in used)
        return base + fill(q - sum(lower[p] for p in used), [(score[p], upper[p] - lower[p]) for p in used])

    best, best_set, nodes = 0.0, [], 0
    stack = [(0, [], 0)]  # (next pair to decide, pairs used, their minimums' sum)
    while stack:
        k, used, floor = stack.pop()
        nodes += 1
        if nodes > node_limit:
            return None
        spare = [(score[p], upper[p] - lower[p]) for p in used] + [(score[p], upper[p]) for p in range(k, n)]
        bound = sum(score[p] * lower[p] for p in used) + fill(q - floor, spare)
        if bound <= best + 1e-12:
            continue
        if k == n:
            best, best_set = value_of(used), used
            continue
        stack.append((k + 1, used, floor))  # without pair k (searched second)
        if floor + lower[k] <= q:
            stack.append((k + 1, [*used, k], floor + lower[k]))  # with it (searched first)
    x = np.zeros(len(c), np.int64)
    room = q - sum(lower[p] for p in best_set)
    for p in sorted(best_set, key=lambda p: -score[p]):  # the stable order: ties as ``fill`` broke them
        extra = min(room, upper[p] - lower[p])
        x[order[p]] = lower[p] + extra
        room -= extra
    return x


def exact_by_component(c: Candidates, time_limit: float = MIP_SECONDS) -> Solution | None:
    """``exact`` on each connected component of the candidate graph, within ``time_limit`` in
    all; None if a component's programme found no plan in the time left. Most components need
    no programme: one of one pair takes its largest allocation (``upper``, never below
    ``lower``: the generator keeps only pairs that can take a minimum lot), and where the flow
    relaxation's optimum (integral: a transportation problem) keeps every minimum and gives
    every unsplittable order whole to one supply, it is the programme's optimum too (the
    relaxation's value bounds the programme's)."""
    t0 = time.perf_counter()
    if not len(c):
        return exact(c, time_limit)
    one = bool((c.demand == c.demand[0]).all())  # one demand (one order's pass): one component
    labels = np.zeros(len(c), np.int64) if one else components(c)
    groups = np.split(np.argsort(labels, kind="stable"), np.flatnonzero(np.diff(np.sort(labels))) + 1)
    x, bound, method = np.zeros(len(c), np.int64), 0.0, "exact"
    for pairs in groups:
        if len(pairs) == 1:
            x[pairs] = np.where(c.score[pairs] > 0, c.upper[pairs], 0)
            bound += float(np.dot(c.score[pairs], x[pairs]))
            continue
        sub = part(c, pairs)
        relaxed, relaxed_bound = _flow(sub, np.arange(len(sub)), sub.demand_quantity, sub.supply_quantity)
        if is_valid(sub, relaxed):  # the relaxation's optimum keeps every rule: it is the optimum
            x[pairs] = relaxed
            bound += relaxed_bound
            continue
        if len(sub.demand_quantity) == 1 and sub.demand_splittable[0]:
            alone = one_demand(sub)
            if alone is not None:
                x[pairs] = alone
                bound += objective(sub, alone)
                continue
        found = exact(sub, max(0.05, time_limit - (time.perf_counter() - t0)))
        if found is None:
            return None
        x[pairs] = found.quantity
        bound += found.bound
        if found.method != "exact":
            method = found.method
    value = objective(c, x)
    return Solution(x, value, max(bound, value), method, {"mip": time.perf_counter() - t0})


def solve(c: Candidates, *, exact_pair_limit: int = EXACT_PAIR_LIMIT, time_limit: float = MIP_SECONDS) -> Solution:
    t0 = time.perf_counter()
    baseline = greedy(c)
    t_greedy = time.perf_counter() - t0
    best = exact_by_component(c, time_limit) if len(c) <= exact_pair_limit else None
    if best is None or not is_valid(c, best.quantity):
        best = flow_and_repair(c)
    if objective(c, baseline) > best.objective + 1e-9:
        best = Solution(baseline, objective(c, baseline), best.bound, best.method + "/greedy", best.seconds)
    best.seconds["greedy"] = t_greedy
    best.seconds["greedy_objective"] = objective(c, baseline)
    return best
