"""Search operators against plain words: truncation, proximity and approximate words.

Each kind is timed through the engine call the search page makes (`search.services.run`,
facets included, top 20), interleaved round after round with plain one-word queries on
the same words, so that every ratio compares figures measured in the same run. Whoosh's
cache of recent matches is emptied before each call: each one is a first run.
"""

from __future__ import annotations

import time

from bench.measure import latency_summary
from bench.report import row

PAGE_SIZE = 20
WARM_ROUNDS = 2
KINDS = {
    "plain word": ("président", "gouvernement", "ministre"),
    "truncation": ("présid*", "gouvern*", "minist*"),
    "question mark": ("pr?sident", "gouvernemen?", "minist?e"),
    "sloppy phrase": (
        '"président gouvernement"~5',
        '"premier ministre"~3',
        '"ministre gouvernement"~10',
    ),
    "near": (
        "président NEAR/5 gouvernement",
        "premier NEAR/3 ministre",
        "ministre NEAR/10 gouvernement",
    ),
    "fuzzy": ("présidant~", "gouvernemant~", "ministres~2"),
}
BASELINE = "plain word"


def _request(q: str):
    from search.query import SearchRequest

    return SearchRequest(q=q, limit=PAGE_SIZE)


def measure(*, rounds: int) -> dict:
    """Time every kind of query, interleaved; return latencies and hit counts."""
    from haystack import connections

    from search.services import run

    forget = getattr(connections["default"].get_backend(), "forget_matches", lambda: None)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    order = list(KINDS)
    for round_number in range(WARM_ROUNDS + rounds):
        shift = round_number % len(order)
        for kind in order[shift:] + order[:shift]:
            for q in KINDS[kind]:
                forget()
                start = time.perf_counter()
                run(_request(q))
                if round_number >= WARM_ROUNDS:
                    times[kind].append(time.perf_counter() - start)
    return {
        "queries": {kind: list(queries) for kind, queries in KINDS.items()},
        "hits": {q: run(_request(q)).total for queries in KINDS.values() for q in queries},
        "latency": {kind: latency_summary(samples) for kind, samples in times.items()},
    }


def rows(figures: dict) -> list[dict]:
    latency = figures["latency"]
    base = latency[BASELINE]
    found = []
    for kind in KINDS:
        if kind == BASELINE:
            continue
        for quantile in ("p50", "p95"):
            key = f"{quantile}_ms"
            queries = ", ".join(figures["queries"][kind])
            found.append(
                row(
                    "operators",
                    f"{kind} {quantile} (search.services.run)",
                    unit="ms",
                    baseline=base[key],
                    baseline_name=f"plain words {quantile}",
                    measured=latency[kind][key],
                    note=f"{latency[kind]['samples']} calls of {queries}",
                )
            )
    return found
