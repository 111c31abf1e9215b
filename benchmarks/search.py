"""The one search over 1,000,000 listings and documents on PostgreSQL: p95 ≤ 100 ms.

    DATABASE_URL=postgres://user@host:5432/any python benchmarks/search.py

Runs in its own database, ``cp_bench_search`` on the server of ``DATABASE_URL`` (made when
missing), with the search entries' table and its indexes (migrations 0002 and 0004) as the app has them. The seed is one ``INSERT … SELECT generate_series`` over vocabularies tokenised by the
app's own ``search.tokens`` (Chinese and English listing titles, library entries, members and
challenges), spread over 10 clusters (half of the rows in the cluster the queries search, a few
per cent of them drafts visible to their owner only). A seeded database is reused on later runs.

Then times ``search.backends.search`` (the API's search) for Chinese and English queries, common
and rare, single and several terms, as a member of two enterprises: each query once to warm the
cache, then ``RUNS`` times; prints each query's median and p95 and the p95 over all, met or missed.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "cp_bench_search"
ROWS = 1_000_000
CLUSTERS = 10
RUNS = 30
TARGET_MS = 100.0


def _bench_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DB}", parts.query, ""))


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()


URL = _bench_url()
if URL is None:
    print("search benchmark skipped: it needs PostgreSQL (DATABASE_URL=postgres://…)")
    sys.exit(0)
_ensure_database(URL)
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()

from importlib import import_module  # noqa: E402

from django.db import connection  # noqa: E402

from apps.innovation.search import backends  # noqa: E402
from apps.innovation.search.tokens import document_text  # noqa: E402

FTS = import_module("apps.innovation.migrations.0002_knowledge")
VECTOR = import_module("apps.innovation.migrations.0004_search_vector_by_cluster")

ZH = [
    "涤纶长丝", "纯棉面料", "染色加工", "印花", "针织", "梭织", "阻燃涂层", "防水透湿", "羊毛混纺", "真丝",
    "拉链", "纽扣", "无纺布", "牛仔布", "弹力纱", "再生纤维", "色牢度", "整理剂", "缝制外包", "服装设计",
    "检测认证", "物流仓储", "面辅料", "家纺", "工装", "运动服", "校服", "数码印花", "刺绣", "水洗",
]  # fmt: skip
EN = [
    "polyester filament", "cotton fabric", "dyeing service", "printing", "knitting", "weaving", "flame retardant",
    "waterproof membrane", "wool blend", "silk", "zipper", "buttons", "nonwoven", "denim", "spandex yarn",
    "recycled fibre", "colour fastness", "finishing agent", "sewing capacity", "apparel design", "testing lab",
    "logistics", "trims", "home textiles", "workwear", "sportswear", "uniforms", "digital print", "embroidery",
    "garment washing",
]  # fmt: skip
KINDS = ["order", "capacity", "channel_offer", "channel_request", "knowledge", "member", "challenge"]
QUERIES = [
    ("zh", "涤纶"), ("zh", "染色"), ("zh", "涤纶 染色"), ("zh", "纯棉面料"), ("zh", "阻燃"), ("zh", "数码印花 刺绣"),
    ("en", "polyester"), ("en", "dyeing"), ("en", "cotton fabric"), ("en", "flame"), ("en", "zipper buttons"),
    ("en", "recycled fibre testing"),
]  # fmt: skip


def _seeded() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_seed')")
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute("SELECT rows FROM bench_seed")
        row = cursor.fetchone()
    return bool(row) and row[0] == ROWS


def seed() -> None:
    zh = [document_text(word) for word in ZH]
    en = [document_text(word) for word in EN]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS innovation_searchentry, bench_seed")
        cursor.execute(
            "CREATE TABLE innovation_searchentry (id bigserial PRIMARY KEY, cluster_id bigint NOT NULL,"
            " kind varchar(20) NOT NULL, object_id bigint NOT NULL, owner_id bigint, visibility varchar(8) NOT NULL,"
            " title varchar(300) NOT NULL, summary varchar(300) NOT NULL, tokens text NOT NULL,"
            " shared_with_partners boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now())"
        )
        # half of the rows in cluster 1 (the one searched), the rest over the other nine
        cursor.execute(
            """
            INSERT INTO innovation_searchentry (cluster_id, kind, object_id, owner_id, visibility, title, summary, tokens)
            SELECT CASE WHEN i %% 2 = 0 THEN 1 ELSE 2 + i %% %s END,
                   (%s::text[])[1 + i %% 7], i, 1 + i %% 5000,
                   CASE WHEN i %% 20 = 0 THEN 'owner' ELSE 'members' END,
                   'entry ' || i, '',
                   (%s::text[])[1 + (i * 7) %% 30] || ' ' || (%s::text[])[1 + (i * 13 / 7) %% 30] || ' '
                   || (%s::text[])[1 + (i * 11) %% 30] || ' ' || (%s::text[])[1 + (i / 3) %% 30] || ' ref' || (i %% 100000)
            FROM generate_series(1, %s) AS i
            """,
            [CLUSTERS - 1, KINDS, zh, zh, en, en, ROWS],
        )
        for statement in FTS.POSTGRES_FTS:
            cursor.execute(statement)
        cursor.execute("CREATE INDEX ON innovation_searchentry (cluster_id)")  # the foreign key's, as Django makes it
        _upgrade()
        cursor.execute("ANALYZE innovation_searchentry")
        cursor.execute("CREATE TABLE bench_seed (rows bigint)")
        cursor.execute("INSERT INTO bench_seed VALUES (%s)", [ROWS])


def _upgrade() -> None:
    """The indexes of the later migrations, as the app has them (idempotent: a reused seed gains them)."""
    with connection.cursor() as cursor:
        for statement in VECTOR.POSTGRES:
            cursor.execute(statement)
        cursor.execute("ANALYZE innovation_searchentry")


def measure() -> list[float]:
    everything = []
    print(f"  {'query':<28} {'hits':>5} {'median':>9} {'p95':>9}")
    for language, query in QUERIES:
        hits = backends.search(query, cluster=1, enterprise_ids=[17, 42], limit=20)  # warm
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            backends.search(query, cluster=1, enterprise_ids=[17, 42], limit=20)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        everything += timings
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"  {language} {query:<25} {len(hits):>5} {statistics.median(timings):>7.1f}ms {p95:>7.1f}ms")
    return everything


def main() -> None:
    started = time.perf_counter()
    if _seeded():
        print(f"search benchmark: reusing the seed of {ROWS:,} entries in {BENCH_DB}")
        _upgrade()
    else:
        seed()
        print(f"search benchmark: seeded {ROWS:,} entries in {BENCH_DB} in {time.perf_counter() - started:.1f} s")
    timings = sorted(measure())
    p95 = timings[int(0.95 * (len(timings) - 1))]
    verdict = "met" if p95 <= TARGET_MS else "missed"
    print(
        f"search over {ROWS:,} listings and documents: p95 {p95:.1f} ms over {len(timings)} queries "
        f"(target ≤ {TARGET_MS:.0f} ms): {verdict}"
    )


if __name__ == "__main__":
    main()
