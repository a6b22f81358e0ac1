"""A second engine for scale: PostgreSQL full-text search over the same articles.

Not a product feature, a yardstick: the `french` configuration with `unaccent`, a GIN
index on a side table of the benchmark database, and the search page's query mix
answered in SQL (ranked top 20 with the total; then the facets and the month
histogram), timed against the Whoosh engine call on the same archive in the same run.
"""

from __future__ import annotations

import time

from django.db import connection

from bench.measure import Stopwatch, latency_summary
from bench.report import row

CONFIG = "bench_french"
TABLE = "bench_fts"
FACET_LIMIT = 12

SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, french_stem",
    f"DROP TABLE IF EXISTS {TABLE}",
]
BUILD = [
    f"CREATE TABLE {TABLE} AS SELECT id, published_on, "
    f"to_tsvector('{CONFIG}', title || ' ' || body) AS document FROM articles_article",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING GIN (document)",
    f"CREATE INDEX {TABLE}_id ON {TABLE} (id)",
    f"ANALYZE {TABLE}",
]


def _matches(query) -> tuple[str, list]:
    """SQL selecting the ids (and ranks) of the articles matching a query of the mix."""
    sql = (
        f"SELECT f.id, ts_rank(f.document, q) AS rank FROM {TABLE} f, "
        f"websearch_to_tsquery('{CONFIG}', %s) q WHERE f.document @@ q"
    )
    params: list = [query.q]
    for name, value in query.filters:
        kind = {"person": "PER", "place": "LOC", "org": "ORG"}.get(name)
        if kind:
            sql += (
                " AND f.id IN (SELECT m.article_id FROM articles_mention m JOIN articles_entity e"
                " ON e.id = m.entity_id WHERE NOT m.rejected AND e.kind = %s AND e.name = %s)"
            )
            params += [kind, value]
    if query.date_from:
        sql += " AND f.published_on BETWEEN %s AND %s"
        params += [query.date_from, query.date_to]
    return sql, params


def _search(cursor, query, *, with_facets: bool) -> None:
    matches, params = _matches(query)
    cursor.execute(
        f"WITH hits AS ({matches}) SELECT id, count(*) OVER () FROM hits "
        "ORDER BY rank DESC, id LIMIT 20",
        params,
    )
    cursor.fetchall()
    if not with_facets:
        return
    cursor.execute(
        f"WITH hits AS ({matches}), named AS ("
        " SELECT e.kind, e.name, count(DISTINCT m.article_id) AS n FROM hits"
        " JOIN articles_mention m ON m.article_id = hits.id AND NOT m.rejected"
        " JOIN articles_entity e ON e.id = m.entity_id GROUP BY e.kind, e.name),"
        " ranked AS (SELECT *, row_number() OVER (PARTITION BY kind ORDER BY n DESC, name)"
        " AS position FROM named)"
        f" SELECT kind, name, n FROM ranked WHERE position <= {FACET_LIMIT}",
        params,
    )
    cursor.fetchall()
    cursor.execute(
        f"WITH hits AS ({matches}) SELECT s.name, count(*) FROM hits"
        " JOIN articles_article a ON a.id = hits.id JOIN articles_source s ON s.id = a.source_id"
        " GROUP BY s.name",
        params,
    )
    cursor.fetchall()
    cursor.execute(
        f"WITH hits AS ({matches}) SELECT date_trunc('month', f.published_on), count(*)"
        f" FROM hits JOIN {TABLE} f ON f.id = hits.id GROUP BY 1",
        params,
    )
    cursor.fetchall()


def measure(mix: list, *, rounds: int, warm_rounds: int = 2) -> dict:
    """Build the side table and index, then time the query mix with and without facets."""
    with connection.cursor() as cursor:
        for statement in SETUP:
            cursor.execute(statement)
        with Stopwatch() as build:
            for statement in BUILD:
                cursor.execute(statement)
        cursor.execute(f"SELECT pg_total_relation_size('{TABLE}')")
        size_mb = round(cursor.fetchone()[0] / 1024 / 1024, 2)
        times: dict[str, list[float]] = {"without_facets": [], "with_facets": []}
        for round_number in range(warm_rounds + rounds):
            for query in mix:
                for method, facets in (("without_facets", False), ("with_facets", True)):
                    start = time.perf_counter()
                    _search(cursor, query, with_facets=facets)
                    if round_number >= warm_rounds:
                        times[method].append(time.perf_counter() - start)
    return {
        "build_s": round(build.seconds, 2),
        "size_mb": size_mb,
        "latency": {method: latency_summary(samples) for method, samples in times.items()},
    }


def rows(figures: dict, whoosh: dict) -> list[dict]:
    """Compare with the Whoosh engine call measured on the same archive in the same run."""
    latency = figures["latency"]
    found = []
    for label, mine, theirs in (
        ("query + top 20, p95", "without_facets", "engine_without_facets"),
        ("query + top 20 + facets + months, p95", "with_facets", "engine_with_facets"),
    ):
        found.append(
            row(
                "pgfts",
                f"PostgreSQL FTS {label}",
                unit="ms",
                baseline=whoosh["latency"][theirs]["all"]["p95_ms"],
                baseline_name="Whoosh engine, same mix",
                measured=latency[mine]["p95_ms"],
                note=f"p50 {latency[mine]['p50_ms']} ms",
            )
        )
    found.append(
        row(
            "pgfts",
            "PostgreSQL FTS build (tsvector table + GIN)",
            unit="s",
            measured=figures["build_s"],
            note=f"{figures['size_mb']} MB on disk",
        )
    )
    return found
