"""Stage 1 and 2, vectorised: feasible pairs by capability block, their scores, best K per demand.

Supplies are indexed by capability; for each capability a block of demands is tested
against all its supplies at once with numpy (no per-pair Python). The factor formulas
are the same as ``scoring.production_factors`` (a test keeps them equal).
"""

from dataclasses import dataclass

import numpy as np

from .scoring import EARTH_RADIUS_KM
from .types import FACTORS, Demand, Rules, Supply

BLOCK = 512  # demands per block: bounds the block matrices to BLOCK x (supplies of one capability)


@dataclass
class Candidates:
    """Feasible pairs (parallel arrays) and the per-demand / per-supply data the solver needs."""

    demand: np.ndarray  # index into the demands list, per pair
    supply: np.ndarray  # index into the supplies list, per pair
    score: np.ndarray  # in [0, 1], per pair
    upper: np.ndarray  # largest quantity of one allocation, per pair
    lower: np.ndarray  # smallest quantity of one allocation, per pair
    demand_quantity: np.ndarray
    demand_splittable: np.ndarray
    supply_quantity: np.ndarray

    def __len__(self) -> int:
        return len(self.demand)


def _bits(codes: frozenset[str], index: dict[str, int]) -> int:
    value = 0
    for code in codes:
        value |= 1 << index.setdefault(code, len(index))
    return value


class SupplyIndex:
    """Supplies as numpy columns, grouped by capability."""

    def __init__(self, supplies: list[Supply], rules: Rules, cert_index: dict[str, int], currency_index):
        self.supplies = supplies
        self.today = rules.today
        self.cert_index, self.currency_index = cert_index, currency_index
        n = len(supplies)
        today = rules.today.toordinal()
        self.owner = np.fromiter((s.owner for s in supplies), np.int64, n)
        self.quantity = np.fromiter((s.quantity for s in supplies), np.int64, n)
        self.price = np.fromiter((s.unit_price for s in supplies), np.float64, n)
        self.currency = np.fromiter(
            (currency_index.setdefault(s.currency, len(currency_index)) for s in supplies), np.int64, n
        )
        self.start = np.maximum(np.fromiter((s.available_from.toordinal() for s in supplies), np.int64, n), today)
        self.until = np.fromiter((s.available_until.toordinal() for s in supplies), np.int64, n)
        self.ready = self.start + np.fromiter((s.lead_time_days for s in supplies), np.int64, n)
        self.moq = np.maximum(np.fromiter((s.min_order_quantity for s in supplies), np.int64, n), 1)
        self.lat = np.radians(np.fromiter((s.latitude for s in supplies), np.float64, n))
        self.lng = np.radians(np.fromiter((s.longitude for s in supplies), np.float64, n))
        self.region = np.fromiter((int(s.region) if s.region.isdigit() else -1 for s in supplies), np.int64, n)
        self.certs = np.fromiter((_bits(s.certifications, cert_index) for s in supplies), np.uint64, n)
        on_time = np.fromiter((np.nan if s.on_time_rate is None else s.on_time_rate for s in supplies), np.float64, n)
        rating = np.fromiter(
            (np.nan if s.average_rating is None else s.average_rating for s in supplies), np.float64, n
        )
        deals = np.fromiter((s.deals_completed for s in supplies), np.int64, n)
        rating_part = np.where(np.isnan(rating), 0.5, (rating - 1) / 4)
        reputation = np.clip(0.5 * np.nan_to_num(on_time) + 0.5 * rating_part, 0, 1)
        self.reputation = np.where((deals == 0) | np.isnan(on_time), 0.5, reputation)
        self.verification = np.fromiter((s.verification for s in supplies), np.float64, n)
        self.usable = (self.quantity > 0) & (self.start <= self.until)
        self.by_capability: dict[str, np.ndarray] = {}
        capabilities = np.array([s.capability for s in supplies], dtype=object)
        for capability in set(capabilities[self.usable]) if n else ():
            self.by_capability[capability] = np.flatnonzero(self.usable & (capabilities == capability))


def _demand_columns(demands: list[Demand], cert_index, currency_index):
    n = len(demands)
    return {
        "owner": np.fromiter((d.owner for d in demands), np.int64, n),
        "quantity": np.fromiter((d.quantity for d in demands), np.int64, n),
        "price": np.fromiter((d.unit_price for d in demands), np.float64, n),
        "currency": np.fromiter(
            (currency_index.setdefault(d.currency, len(currency_index)) for d in demands), np.int64, n
        ),
        "need_by": np.fromiter((d.need_by.toordinal() for d in demands), np.int64, n),
        "lat": np.radians(np.fromiter((d.latitude for d in demands), np.float64, n)),
        "lng": np.radians(np.fromiter((d.longitude for d in demands), np.float64, n)),
        "region": np.fromiter((int(d.region) if d.region.isdigit() else -2 for d in demands), np.int64, n),
        "certs": np.fromiter((_bits(d.required_certifications, cert_index) for d in demands), np.uint64, n),
        "splittable": np.fromiter((d.splittable for d in demands), bool, n),
        "min_lot": np.maximum(np.fromiter((d.min_lot for d in demands), np.int64, n), 1),
    }


def normalised_weights(rules: Rules) -> np.ndarray:
    weights = np.array([max(0.0, float(rules.weights.get(f, 0.0))) for f in FACTORS])
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(FACTORS), 1 / len(FACTORS))


def factor_columns(d, s: SupplyIndex, di: np.ndarray, si: np.ndarray, rules: Rules) -> list[np.ndarray]:
    """The eight factors (in FACTORS order, each clipped to [0, 1]) for pairs (di[k], si[k])."""
    target, asked = d["price"][di], s.price[si]
    tol = rules.price_tolerance
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(target > 0, asked / np.where(target > 0, target, 1), np.inf)
        above = 0.5 * (1 - (ratio - 1) / tol) if tol > 0 else np.zeros_like(ratio)
    price = np.where(ratio <= 1, 0.5 + 0.5 * (1 - ratio), above)
    price = np.where(target > 0, price, np.where(asked <= 0, 1.0, 0.0))
    dlat, dlng = s.lat[si] - d["lat"][di], s.lng[si] - d["lng"][di]
    a = np.sin(dlat / 2) ** 2 + np.cos(d["lat"][di]) * np.cos(s.lat[si]) * np.sin(dlng / 2) ** 2
    distance_km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    slack = d["need_by"][di] - s.ready[si]
    qd = d["quantity"][di]
    coverage = np.minimum(qd, s.quantity[si]) / np.maximum(qd, 1)
    extra = np.bitwise_count(s.certs[si] & ~d["certs"][di]).astype(np.float64)
    same = s.region[si] == d["region"][di]
    province = (s.region[si] // 10000) == (d["region"][di] // 10000)
    region = np.where(same, 1.0, np.where(province, 0.6, 0.0))
    columns = [
        price,
        np.exp(-distance_km / 800.0),
        1 - np.exp(-np.maximum(0, slack) / 14.0),
        s.reputation[si],
        coverage,
        extra / 3,
        region,
        s.verification[si],
    ]
    return [np.clip(column, 0.0, 1.0) for column in columns]


def scores(d, s: SupplyIndex, di: np.ndarray, si: np.ndarray, rules: Rules, weights: np.ndarray) -> np.ndarray:
    total = np.zeros(len(di))
    for weight, column in zip(weights, factor_columns(d, s, di, si, rules), strict=True):
        if weight:
            total += weight * column
    return np.round(total, 6)


def build_index(supplies: list[Supply], rules: Rules) -> SupplyIndex:
    """An index of supplies that can be reused for many calls of ``generate`` on the same day.

    It holds the supplies' columns and owns the certification and currency code tables (a
    demand's new codes extend them); it is valid while the supplies and ``rules.today`` are.
    """
    return SupplyIndex(list(supplies), rules, {}, {})


def generate(
    demands: list[Demand],
    supplies: list[Supply],
    rules: Rules,
    exclude=frozenset(),
    *,
    index: SupplyIndex | None = None,
) -> Candidates:
    if index is not None and index.today != rules.today:
        raise ValueError("the supply index was built for another day")
    s = index if index is not None else build_index(supplies, rules)
    supplies = s.supplies
    d = _demand_columns(demands, s.cert_index, s.currency_index)
    weights = normalised_weights(rules)
    tol = rules.price_tolerance
    k = rules.max_candidates_per_demand
    by_cap_demands: dict[str, list[int]] = {}
    for index, demand in enumerate(demands):
        if demand.quantity > 0 and demand.capability in s.by_capability:
            by_cap_demands.setdefault(demand.capability, []).append(index)
    parts: list[tuple[np.ndarray, ...]] = []
    supply_ids = np.fromiter((x.id for x in supplies), np.int64, len(supplies))
    demand_ids = np.fromiter((x.id for x in demands), np.int64, len(demands))
    for capability, demand_list in by_cap_demands.items():
        cols = s.by_capability[capability]
        for start in range(0, len(demand_list), BLOCK):
            rows = np.asarray(demand_list[start : start + BLOCK])
            r, c = rows[:, None], cols[None, :]
            qd, qs = d["quantity"][r], s.quantity[c]
            split = d["splittable"][r]
            low = np.maximum(d["min_lot"][r], s.moq[c])
            high = np.where(split, np.minimum(qd, qs), qd)
            low = np.where(split, low, qd)
            quantity_ok = np.where(split, high >= low, (qs >= qd) & (qd >= s.moq[c]))
            mask = (
                (s.owner[c] != d["owner"][r])
                & (s.currency[c] == d["currency"][r])
                & ((d["certs"][r] & ~s.certs[c]) == 0)
                & (s.ready[c] <= d["need_by"][r])
                & (s.price[c] <= d["price"][r] * (1 + tol) + 1e-9)
                & quantity_ok
            )
            ri, ci = np.nonzero(mask)
            if not len(ri):
                continue
            di, si = rows[ri], cols[ci]
            if exclude:
                keep = np.fromiter(
                    ((int(a), int(b)) not in exclude for a, b in zip(demand_ids[di], supply_ids[si], strict=True)),
                    bool,
                    len(di),
                )
                di, si, ri, ci = di[keep], si[keep], ri[keep], ci[keep]
            score = scores(d, s, di, si, rules, weights)
            # rows ascending, then score descending; nonzero() gave columns ascending, and the
            # stable sort keeps that order among equal scores
            order = np.argsort(ri + (1.0 - score) * 0.999, kind="stable")
            di, si, score = di[order], si[order], score[order]
            hi, lo = high[ri, ci][order], low[ri, ci][order]
            first = np.r_[0, np.flatnonzero(np.diff(di)) + 1]
            rank = np.arange(len(di)) - np.repeat(first, np.diff(np.r_[first, len(di)]))
            top = rank < k
            parts.append((di[top], si[top], score[top], hi[top], lo[top]))
    if parts:
        di, si, score, hi, lo = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        di = si = hi = lo = np.zeros(0, np.int64)
        score = np.zeros(0)
    return Candidates(
        demand=di,
        supply=si,
        score=score,
        upper=hi,
        lower=lo,
        demand_quantity=d["quantity"],
        demand_splittable=d["splittable"],
        supply_quantity=s.quantity,
    )
