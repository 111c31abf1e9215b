"""Candidate generation that does not score the pairs it would discard (branch and bound).

A capability's usable supplies are sorted by currency, region and price and cut into chunks
of at most ``CHUNK`` supplies that share a currency and a region. For a demand and a chunk,
each factor has a bound that holds for every supply of the chunk that holds the demand's
required certifications (``Chunks.stats``, kept per certification set):

* price falls as the asked price rises: bounded by the chunk's lowest price;
* lead time rises with the slack: bounded by the chunk's earliest ready date;
* distance: great-circle distance to the chunk's centre minus the chunk's radius (the
  triangle inequality) is a lower bound on the distance to each of its supplies;
* region is the same for the whole chunk; coverage, reputation, verification and extra
  certifications are bounded by the chunk's largest.

A chunk whose lowest price is above the demand's ceiling, whose earliest ready date is after
its need-by date, with no supply holding its certifications, in another currency, or (for an
unsplittable order) with no supply large enough holds no feasible pair and is never touched.

For a block of demands the chunks are visited per demand in descending bound, one chunk per
demand per round (demands visiting the same chunk are scored together, numpy), and a demand
stops as soon as its next bound is below its current K-th best score: what it has not
visited cannot enter its best K. The bounds carry a small slack, so a chunk that might hold a
tie with the K-th best is visited: the result equals the exhaustive generator's best K
exactly (tests/matching/test_engine.py proves it). Demands still searching when few are
left, and small capabilities, are finished exhaustively, which is exact too and cheaper than
more rounds. Memory per block is bounded by ``DEMAND_BLOCK`` x (K + ``CHUNK``).
"""

import itertools
from dataclasses import dataclass, field

import numpy as np

from .pairs import BLOCK, Context, TopK, haversine_km, price_column, region_column, supply_columns

CHUNK = 256  # supplies per chunk at most
DEMAND_BLOCK = 16384  # demands whose search runs together
FINISH_PAIRS = 1 << 23  # demands still searching x supplies of the capability: below this, finish exhaustively
SLACK = 1e-6  # added to every bound: float error, and a tie with the K-th best is still visited


@dataclass
class Chunks:
    cols: np.ndarray  # the capability's supply indices, by currency, region, price
    starts: np.ndarray  # per chunk, into cols
    ends: np.ndarray
    currency: np.ndarray  # per chunk
    region: np.ndarray
    lat: np.ndarray  # the chunk's centre (radians)
    lng: np.ndarray
    radius_km: np.ndarray  # no supply of the chunk is farther from its centre
    columns: dict  # the supplies' columns in cols order (row vectors, ``supply_columns``): a chunk is a slice
    stats: dict = field(default_factory=dict)  # certification mask -> per-chunk bounds (see ``_stats``)

    def __len__(self) -> int:
        return len(self.starts)


def chunks_of(s, capability: str) -> Chunks:
    """The capability's chunks, built on first use and kept on the (warm) index."""
    chunks = s.chunks.get(capability)
    if chunks is None:
        chunks = s.chunks[capability] = _build(s, s.by_capability[capability])
    return chunks


def _build(s, cols: np.ndarray) -> Chunks:
    cols = cols[np.lexsort((cols, s.price[cols], s.region[cols], s.currency[cols]))]
    n = len(cols)
    currency, region = s.currency[cols], s.region[cols]
    breaks = np.flatnonzero((currency[1:] != currency[:-1]) | (region[1:] != region[:-1])) + 1
    runs = zip(np.r_[0, breaks].tolist(), np.r_[breaks, n].tolist(), strict=True)
    starts = np.concatenate([np.arange(a, b, CHUNK) for a, b in runs]).astype(np.int64)
    ends = np.r_[starts[1:], n]
    size = ends - starts
    lat = np.add.reduceat(s.lat[cols], starts) / size
    lng = np.add.reduceat(s.lng[cols], starts) / size
    member = np.repeat(np.arange(len(starts)), size)
    spread = haversine_km(lat[member], lng[member], s.lat[cols], s.lng[cols])
    return Chunks(
        cols=cols,
        starts=starts,
        ends=ends,
        currency=currency[starts],
        region=region[starts],
        lat=lat,
        lng=lng,
        radius_km=np.maximum.reduceat(spread, starts) + 1e-6,
        columns=supply_columns(s, cols),
    )


def _stats(s, chunks: Chunks, mask: int):
    """Per chunk, over its supplies that hold every certification in ``mask``: whether there
    is one, the lowest price and ready date, the largest quantity, reputation, verification
    and number of other certifications."""
    stats = chunks.stats.get(mask)
    if stats is None:
        cols = chunks.cols
        holds = (np.uint64(mask) & ~s.certs[cols]) == 0

        def largest(values) -> np.ndarray:
            return np.maximum.reduceat(np.where(holds, values.astype(np.float64), -np.inf), chunks.starts)

        extra = np.bitwise_count(s.certs[cols] & ~np.uint64(mask))
        stats = chunks.stats[mask] = (
            np.add.reduceat(holds.astype(np.int64), chunks.starts) > 0,
            -largest(-s.price[cols]),
            -largest(-s.ready[cols]),
            largest(s.quantity[cols]),
            largest(s.reputation[cols]),
            largest(s.verification[cols]),
            largest(extra),
        )
    return stats


def bounds(context: Context, chunks: Chunks, rows: np.ndarray) -> np.ndarray:
    """rows x chunks: an upper bound on the score of each feasible pair; -inf where none is."""
    d, w, s = context.d, context.weights, context.s
    out = np.full((len(rows), len(chunks)), -np.inf)
    masks = d["certs"][rows]
    for mask in np.unique(masks).tolist():
        where = np.flatnonzero(masks == mask)
        r = rows[where][:, None]
        holds, price, ready, quantity, reputation, verification, extra = _stats(s, chunks, mask)
        qd = d["quantity"][r]
        with np.errstate(invalid="ignore"):
            factors = [
                price_column(d["price"][r], price[None, :], context.rules.price_tolerance),
                np.exp(
                    -np.maximum(0, haversine_km(d["lat"][r], d["lng"][r], chunks.lat, chunks.lng) - chunks.radius_km)
                    / 800.0
                ),
                1 - np.exp(-np.maximum(0, d["need_by"][r] - ready) / 14.0),
                reputation[None, :],
                np.minimum(qd, quantity) / np.maximum(qd, 1),
                extra[None, :] / 3,
                region_column(chunks.region[None, :], d["region"][r]),
                verification[None, :],
            ]
            total = sum(weight * np.clip(f, 0.0, 1.0) for weight, f in zip(w, factors, strict=True) if weight)
            feasible = (
                holds
                & (chunks.currency == d["currency"][r])
                & (price <= d["ceiling"][r])
                & (ready <= d["need_by"][r])
                & (d["splittable"][r] | (quantity >= qd))
            )
        out[where] = np.where(feasible, total + SLACK, -np.inf)
    return out


def best_pruned(context: Context, capability: str, rows: np.ndarray):
    """The best K pairs of each demand in ``rows`` (all of one capability), as parts."""
    s = context.s
    cols = s.by_capability[capability]
    if len(rows) * len(cols) <= FINISH_PAIRS or context.k >= min(len(cols), BLOCK):
        for a in range(0, len(rows), BLOCK):
            yield context.best_of(rows[a : a + BLOCK], cols)
        return
    chunks = chunks_of(s, capability)
    d = context.d
    rows = rows[np.lexsort((d["price"][rows], d["region"][rows], d["currency"][rows]))]
    for a in range(0, len(rows), DEMAND_BLOCK):
        yield from _search(context, chunks, rows[a : a + DEMAND_BLOCK])


def _search(context: Context, chunks: Chunks, rows: np.ndarray):
    n = len(rows)
    ub = bounds(context, chunks, rows)
    visit = np.argsort(-ub, axis=1, kind="stable")
    ub = np.take_along_axis(ub, visit, axis=1)
    best = TopK(n, context.k)
    searching = np.arange(n)
    finished = np.zeros(n, bool)
    for step in range(len(chunks)):
        bound = ub[searching, step]
        searching = searching[np.isfinite(bound) & (bound >= best.threshold(searching))]
        if not len(searching):
            break
        if len(searching) * len(chunks.cols) <= FINISH_PAIRS:
            finished[searching] = True
            for a in range(0, len(searching), BLOCK):
                yield context.best_of(rows[searching[a : a + BLOCK]], chunks.cols)
            break
        chunk = visit[searching, step]
        order = np.argsort(chunk, kind="stable")
        group, chunk = searching[order], chunk[order]
        edges = np.r_[0, np.flatnonzero(np.diff(chunk)) + 1, len(chunk)].tolist()
        for a, b in itertools.pairwise(edges):
            _visit(context, chunks, rows, group[a:b], int(chunk[a]), best)
    yield best.pairs(rows, ~finished)


def _visit(context: Context, chunks: Chunks, rows, positions, chunk: int, best: TopK) -> None:
    """Score the chunk's supplies against rows[positions] and merge them into their best K."""
    start, end = int(chunks.starts[chunk]), int(chunks.ends[chunk])
    dem = context.demand_columns(rows[positions])
    prices = chunks.columns["price"][0, start:end]  # ascending: the dearer ones are over every ceiling
    stop = start + int(np.searchsorted(prices, dem["ceiling"].max(), "right"))
    if stop == start:
        return
    sup = {name: column[:, start:stop] for name, column in chunks.columns.items()}
    best.merge(positions, context.keys(dem, sup), sup["index"])
