"""The supply index, and feasible pairs scored on whole matrices (what both generators share).

A pair's score is ranked by one integer key (score in millionths, then the lower supply
index), so "a demand's best K" is one well-defined set. The factor formulas are the same as
``scoring.production_factors`` (a test keeps them equal).
"""

import copy
import dataclasses
from dataclasses import dataclass

import numpy as np

from .scoring import EARTH_RADIUS_KM
from .types import FACTORS, Demand, Rules, Supply

BLOCK = 512  # demands per exhaustive block: bounds the block matrices to BLOCK x (supplies of one capability)
KEY_BASE = 1 << 24  # a pair's key is score_in_millionths * KEY_BASE + (KEY_BASE - 1 - supply index)


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
    """Supplies as numpy columns, grouped by capability (the pruning chunks are built lazily)."""

    def __init__(self, supplies: list[Supply], rules: Rules, cert_index: dict[str, int], currency_index):
        self.supplies = supplies
        self.today = rules.today
        self.cert_index, self.currency_index = cert_index, currency_index
        n = len(supplies)
        today = rules.today.toordinal()
        self.ids = np.fromiter((s.id for s in supplies), np.int64, n)
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
        self.cos_lat = np.cos(self.lat)
        self.index = np.arange(n)
        self.usable = (self.quantity > 0) & (self.start <= self.until)
        self.by_capability: dict[str, np.ndarray] = {}
        capabilities = np.array([s.capability for s in supplies], dtype=object)
        for capability in set(capabilities[self.usable]) if n else ():
            self.by_capability[capability] = np.flatnonzero(self.usable & (capabilities == capability))
        self.chunks: dict = {}  # capability -> pruning.Chunks, built on first use and kept while the index is
        self._positions: dict[int, list[int]] | None = None

    def with_quantities(self, quantities: dict[int, int]) -> "SupplyIndex":
        """A copy whose supplies at these positions have these free quantities: what
        ``build_index`` gives for the supplies so changed, at the cost of the changed ones.

        Every column but the quantity is shared with this index (neither is changed in place
        afterwards); a changed capability's supply list is rebuilt and its pruning chunks, whose
        columns and bounds hold quantities, are dropped (rebuilt on first use); the others' are kept."""
        if not quantities:
            return self
        new = copy.copy(self)
        new.supplies = list(self.supplies)
        new.quantity = self.quantity.copy()
        changed = np.fromiter(quantities, np.int64, len(quantities))
        for i, q in quantities.items():
            new.supplies[i] = dataclasses.replace(new.supplies[i], quantity=q)
            new.quantity[i] = q
        new.usable = (new.quantity > 0) & (new.start <= new.until)
        new.by_capability = dict(self.by_capability)
        new.chunks = dict(self.chunks)
        of = {}
        for i in changed.tolist():
            of.setdefault(new.supplies[i].capability, []).append(i)
        for capability, mine in of.items():
            cols = np.union1d(self.by_capability.get(capability, np.zeros(0, np.int64)), mine)
            cols = cols[new.usable[cols]]
            if len(cols):
                new.by_capability[capability] = cols
            else:
                new.by_capability.pop(capability, None)
            new.chunks.pop(capability, None)
        return new

    def positions(self, supply_id: int) -> list[int]:
        """The indices of the supplies with this id (for excluded pairs)."""
        if self._positions is None:
            positions: dict[int, list[int]] = {}
            for position, value in enumerate(self.ids.tolist()):
                positions.setdefault(value, []).append(position)
            self._positions = positions
        return self._positions.get(supply_id, [])


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


def price_column(target: np.ndarray, asked: np.ndarray, tol: float) -> np.ndarray:
    """``scoring.price_fit`` for arrays (unclipped); it falls as the asked price rises."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(target > 0, asked / np.where(target > 0, target, 1), np.inf)
        above = 0.5 * (1 - (ratio - 1) / tol) if tol > 0 else np.zeros_like(ratio)
    price = np.where(ratio <= 1, 0.5 + 0.5 * (1 - ratio), above)
    return np.where(target > 0, price, np.where(asked <= 0, 1.0, 0.0))


def haversine_km(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance (radians in, km out), as ``scoring.great_circle_km``."""
    dlat, dlng = lat2 - lat1, lng2 - lng1
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def region_column(supply_region: np.ndarray, demand_region: np.ndarray) -> np.ndarray:
    same = supply_region == demand_region
    province = (supply_region // 10000) == (demand_region // 10000)
    return np.where(same, 1.0, np.where(province, 0.6, 0.0))


def factor_columns(d, s: SupplyIndex, di: np.ndarray, si: np.ndarray, rules: Rules) -> list[np.ndarray]:
    """The eight factors (in FACTORS order, each clipped to [0, 1]) for pairs (di[k], si[k])."""
    price = price_column(d["price"][di], s.price[si], rules.price_tolerance)
    distance_km = haversine_km(d["lat"][di], d["lng"][di], s.lat[si], s.lng[si])
    slack = d["need_by"][di] - s.ready[si]
    qd = d["quantity"][di]
    coverage = np.minimum(qd, s.quantity[si]) / np.maximum(qd, 1)
    extra = np.bitwise_count(s.certs[si] & ~d["certs"][di]).astype(np.float64)
    columns = [
        price,
        np.exp(-distance_km / 800.0),
        1 - np.exp(-np.maximum(0, slack) / 14.0),
        s.reputation[si],
        coverage,
        extra / 3,
        region_column(s.region[si], d["region"][di]),
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


DEMAND_COLUMNS = ("owner", "quantity", "price", "currency", "need_by", "lat", "lng", "cos_lat", "region", "certs")
DEMAND_COLUMNS += ("splittable", "min_lot", "ceiling", "index")
SUPPLY_COLUMNS = ("owner", "quantity", "price", "currency", "ready", "moq", "lat", "lng", "cos_lat", "region")
SUPPLY_COLUMNS += ("certs", "reputation", "verification", "index")
COLUMN_BLOCK = 4096  # supplies scored at once against a block of demands


def supply_columns(s: SupplyIndex, cols: np.ndarray) -> dict[str, np.ndarray]:
    """The supplies ``cols`` as row vectors (1 x len(cols)), the shape ``Context.keys`` takes."""
    return {name: getattr(s, name)[cols][None, :] for name in SUPPLY_COLUMNS}


class TopK:
    """Per row, the keys and supplies of its best K pairs so far (key -1: an empty slot)."""

    def __init__(self, n: int, k: int):
        self.k = k
        self.key = np.full((n, k), -1, np.int64)
        self.supply = np.zeros((n, k), np.int64)

    def merge(self, at: np.ndarray, keys: np.ndarray, supplies: np.ndarray) -> None:
        """Merge ``keys`` (len(at) x columns, -1 infeasible) for supplies (columns) into rows ``at``."""
        hit = np.flatnonzero((keys >= 0).any(axis=1))
        if not len(hit):
            return
        at, keys = at[hit], keys[hit]
        merged = np.concatenate([self.key[at], keys], axis=1)
        supply = np.concatenate([self.supply[at], np.broadcast_to(supplies, keys.shape)], axis=1)
        if merged.shape[1] > self.k:
            best = np.argpartition(-merged, self.k - 1, axis=1)[:, : self.k]
            merged, supply = np.take_along_axis(merged, best, axis=1), np.take_along_axis(supply, best, axis=1)
        self.key[at], self.supply[at] = merged, supply

    def threshold(self, at: np.ndarray) -> np.ndarray:
        """Per row, the score of its K-th best pair so far (-inf while it has fewer than K)."""
        kth = self.key[at].min(axis=1)
        return np.where(kth < 0, -np.inf, (kth // KEY_BASE) / 1e6)

    def pairs(self, rows: np.ndarray, keep: np.ndarray | None = None):
        full = self.key >= 0
        if keep is not None:
            full &= keep[:, None]
        position, slot = np.nonzero(full)
        return rows[position], self.supply[position, slot], self.key[position, slot]


class Context:
    """One call's demands, rules and exclusions against an index: what every block needs."""

    def __init__(self, demands: list[Demand], s: SupplyIndex, rules: Rules, exclude):
        self.s, self.rules = s, rules
        self.d = _demand_columns(demands, s.cert_index, s.currency_index)
        self.d["cos_lat"] = np.cos(self.d["lat"])
        self.d["ceiling"] = self.d["price"] * (1 + rules.price_tolerance) + 1e-9
        self.d["index"] = np.arange(len(demands))
        self.weights = normalised_weights(rules)
        self.k = rules.max_candidates_per_demand
        self.excluded = None  # (demand index, supply index) arrays
        if exclude:
            by_id: dict[int, list[int]] = {}
            for position, demand in enumerate(demands):
                by_id.setdefault(demand.id, []).append(position)
            pairs = [
                (i, j)
                for demand_id, supply_id in exclude
                for i in by_id.get(demand_id, ())
                for j in s.positions(supply_id)
            ]
            if pairs:
                self.excluded = np.asarray(pairs, np.int64).T

    def demand_columns(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The demands ``rows`` as column vectors (len(rows) x 1)."""
        return {name: self.d[name][rows][:, None] for name in DEMAND_COLUMNS}

    def keys(self, dem: dict, sup: dict) -> np.ndarray:
        """Demands x supplies: each feasible pair's key (score in millionths, then the lower
        supply index first), -1 where the pair is infeasible or excluded. The formulas are
        ``factor_columns``' (and so ``scoring.production_factors``'), on whole matrices."""
        qd, qs = dem["quantity"], sup["quantity"]
        quantity_ok = np.where(
            dem["splittable"],
            np.minimum(qd, qs) >= np.maximum(dem["min_lot"], sup["moq"]),
            (qs >= qd) & (qd >= sup["moq"]),
        )
        mask = (
            (sup["owner"] != dem["owner"])
            & (sup["currency"] == dem["currency"])
            & ((dem["certs"] & ~sup["certs"]) == 0)
            & (sup["ready"] <= dem["need_by"])
            & (sup["price"] <= dem["ceiling"])
            & quantity_ok
        )
        if self.excluded is not None:
            self._exclude(mask, dem["index"][:, 0], sup["index"][0])
        if not mask.any():
            return np.full(mask.shape, -1, np.int64)
        w = self.weights
        dlat, dlng = sup["lat"] - dem["lat"], sup["lng"] - dem["lng"]
        a = np.sin(dlat / 2) ** 2 + dem["cos_lat"] * sup["cos_lat"] * np.sin(dlng / 2) ** 2
        columns = (
            lambda: price_column(dem["price"], sup["price"], self.rules.price_tolerance),
            lambda: np.exp(-(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))) / 800.0),
            lambda: 1 - np.exp(-np.maximum(0, dem["need_by"] - sup["ready"]) / 14.0),
            lambda: sup["reputation"],
            lambda: np.minimum(qd, qs) / np.maximum(qd, 1),
            lambda: np.bitwise_count(sup["certs"] & ~dem["certs"]).astype(np.float64) / 3,
            lambda: region_column(sup["region"], dem["region"]),
            lambda: sup["verification"],
        )
        total = np.zeros(mask.shape)
        for weight, column in zip(w, columns, strict=True):
            if weight:
                total += weight * np.clip(column(), 0.0, 1.0)
        key = np.rint(total * 1e6).astype(np.int64) * KEY_BASE + (KEY_BASE - 1 - sup["index"])
        return np.where(mask, key, -1)

    def _exclude(self, mask: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
        di, si = self.excluded
        hit = np.isin(di, rows) & np.isin(si, cols)
        if hit.any():
            r_order, c_order = np.argsort(rows), np.argsort(cols)
            r = r_order[np.searchsorted(rows, di[hit], sorter=r_order)]
            c = c_order[np.searchsorted(cols, si[hit], sorter=c_order)]
            mask[r, c] = False

    def best_of(self, rows: np.ndarray, cols: np.ndarray):
        """Exhaustively: each row's K best feasible pairs among cols, as (demand, supply, key)."""
        dem = self.demand_columns(rows)
        if self.k >= len(cols):  # every feasible pair
            parts = []
            for a in range(0, len(cols), COLUMN_BLOCK):
                block = cols[a : a + COLUMN_BLOCK]
                keys = self.keys(dem, supply_columns(self.s, block))
                r, c = np.nonzero(keys >= 0)
                parts.append((rows[r], block[c], keys[r, c]))
            return tuple(np.concatenate(p) for p in zip(*parts, strict=True)) if parts else (np.zeros(0, np.int64),) * 3
        best = TopK(len(rows), self.k)
        at = np.arange(len(rows))
        for a in range(0, len(cols), COLUMN_BLOCK):
            block = cols[a : a + COLUMN_BLOCK]
            best.merge(at, self.keys(dem, supply_columns(self.s, block)), block[None, :])
        return best.pairs(rows)

    def candidates(self, parts) -> Candidates:
        """The pairs of ``parts`` ((demand, supply, key) arrays) by demand, then best first."""
        d, s = self.d, self.s
        if parts:
            di, si, key = (np.concatenate(p) for p in zip(*parts, strict=True))
        else:
            di = si = key = np.zeros(0, np.int64)
        order = np.lexsort((-key, di))
        di, si, key = di[order], si[order], key[order]
        qd, split = d["quantity"][di], d["splittable"][di]
        return Candidates(
            demand=di,
            supply=si,
            score=(key // KEY_BASE) / 1e6,
            upper=np.where(split, np.minimum(qd, s.quantity[si]), qd),
            lower=np.where(split, np.maximum(d["min_lot"][di], s.moq[si]), qd),
            demand_quantity=d["quantity"],
            demand_splittable=d["splittable"],
            supply_quantity=s.quantity,
        )


def demands_by_capability(demands: list[Demand], s: SupplyIndex) -> dict[str, np.ndarray]:
    by_cap: dict[str, list[int]] = {}
    for position, demand in enumerate(demands):
        if demand.quantity > 0 and demand.capability in s.by_capability:
            by_cap.setdefault(demand.capability, []).append(position)
    return {capability: np.asarray(rows, np.int64) for capability, rows in by_cap.items()}
