"""One ``search()`` over the index, on PostgreSQL or SQLite, chosen by the connection's vendor.

Both search the same token text (``search.tokens``): the query's terms are ANDed, a Latin word
matching as a prefix, a CJK run by its bigrams.

* PostgreSQL: ``vector @@ to_tsquery('simple', …)``, the stored ``to_tsvector('simple', tokens)``
  through the GIN index over (cluster, vector) of migration 0004, ranked by ``ts_rank``. The
  rank is computed over at most ``CANDIDATES`` matching rows (the index answers those), so a query matching half the cluster stays bounded.
* SQLite: the FTS5 table ``innovation_searchentry_fts`` over the same column, ranked by ``bm25``.

Every query takes the cluster and the viewer's enterprises: an entry is found by the cluster's
members (``visibility = members``) or by its owner enterprise alone (a listing's draft).
"""

from dataclasses import dataclass

from django.db import connection as default_connection

from .tokens import fts5_query, tsquery

#: matching rows ranked per query at most (PostgreSQL); the best ``limit`` of them are answered
CANDIDATES = 2000
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Hit:
    id: int
    kind: str
    object_id: int
    title: str
    summary: str
    rank: float
    #: the cluster the entry is of (a partner cluster's, for a challenge shared with partners)
    cluster_id: int | None = None


def _filters(*, cluster_id, enterprise_ids, kinds, partner_ids=(), alias: str, placeholder_list) -> tuple[str, list]:
    where = [f"{alias}.cluster_id = %s"]
    params: list = [cluster_id]
    ids = sorted(set(enterprise_ids))
    if ids:
        where.append(f"({alias}.visibility = 'members' OR {alias}.owner_id IN ({placeholder_list(ids)}))")
        params.extend(ids)
    else:
        where.append(f"{alias}.visibility = 'members'")
    clause = " AND ".join(where)
    partners = sorted(set(partner_ids) - {cluster_id})
    if partners:
        clause = (
            f"(({clause}) OR ({alias}.cluster_id IN ({placeholder_list(partners)})"
            f" AND {alias}.shared_with_partners AND {alias}.visibility = 'members'))"
        )
        params.extend(partners)
    if kinds:
        clause += f" AND {alias}.kind IN ({placeholder_list(kinds)})"
        params.extend(kinds)
    return clause, params


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _postgresql(cursor, query, *, where: str, params: list, limit: int, offset: int):
    text = tsquery(query)
    if not text:
        return []
    sql = f"""
        SELECT c.id, c.kind, c.object_id, c.title, c.summary, ts_rank(c.vector, c.query) AS rank, c.cluster_id
        FROM (
            SELECT e.id, e.kind, e.object_id, e.title, e.summary, e.cluster_id, e.vector, q.query
            FROM innovation_searchentry e, to_tsquery('simple', %s) AS q(query)
            WHERE e.vector @@ q.query AND {where}
            LIMIT {int(CANDIDATES)}
        ) c
        ORDER BY rank DESC, c.id DESC
        LIMIT %s OFFSET %s
    """
    cursor.execute(sql, [text, *params, limit, offset])
    return cursor.fetchall()


def _sqlite(cursor, query, *, where: str, params: list, limit: int, offset: int):
    text = fts5_query(query)
    if not text:
        return []
    sql = f"""
        SELECT e.id, e.kind, e.object_id, e.title, e.summary, -bm25(innovation_searchentry_fts) AS rank, e.cluster_id
        FROM innovation_searchentry_fts JOIN innovation_searchentry e ON e.id = innovation_searchentry_fts.rowid
        WHERE innovation_searchentry_fts MATCH %s AND {where}
        ORDER BY rank DESC, e.id DESC
        LIMIT %s OFFSET %s
    """
    cursor.execute(sql, [text, *params, limit, offset])
    return cursor.fetchall()


BACKENDS = {"postgresql": _postgresql, "sqlite": _sqlite}


def search(
    query: str,
    *,
    cluster,
    enterprise_ids=(),
    kinds=(),
    partner_ids=(),
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    connection=None,
) -> list[Hit]:
    """The entries of ``cluster`` matching every term of ``query`` that a viewer whose enterprises
        are ``enterprise_ids`` may find (of ``kinds`` only, when given), best first; with ``partner_ids``
    (the clusters in partnership in force with ``cluster``) also their entries shared with partners. ``connection`` is
        the database's (default: Django's); its vendor picks the backend. ``cluster`` is a cluster or its id."""
    connection = connection or default_connection
    cluster_id = getattr(cluster, "pk", cluster)
    vendor = getattr(connection, "vendor", None) or "sqlite"
    backend = BACKENDS[vendor]
    # the same scope for either backend: the entries of ``e`` (the index) the viewer may find
    where, params = _filters(
        cluster_id=cluster_id,
        enterprise_ids=enterprise_ids,
        kinds=list(kinds),
        partner_ids=list(partner_ids),
        alias="e",
        placeholder_list=_placeholders,
    )
    with connection.cursor() as cursor:
        rows = backend(cursor, query, where=where, params=params, limit=int(limit), offset=int(offset))
    return [Hit(*row[:5], rank=float(row[5] or 0), cluster_id=row[6]) for row in rows]
