"""« Dépêches proches » latency: one article page's similar dispatches, on the archive's index.

The baseline, in the same run, is one plain word query of the search mix on the same
engine (the engine call alone, as the raw search figure measures it).
"""

from __future__ import annotations

import random
import re
import statistics
import time

from articles.models import Article
from bench.report import at_most, row

TARGET_MS = 50.0


def measure(rounds: int = 40, seed: int = 2016) -> dict:
    from search import services
    from search.analysis import analyse_word
    from search.query import SearchRequest
    from search.similar import similar_ids

    rng = random.Random(seed)
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = []
    while len(picks) < rounds and top:
        article = Article.objects.filter(pk__gte=rng.randint(1, top)).order_by("pk").first()
        if article:
            picks.append(article)
    similar_ids(picks[0])  # warm the searcher
    timings, plain, found = [], [], 0
    for article in picks:
        started = time.perf_counter()
        found += len(similar_ids(article))
        timings.append((time.perf_counter() - started) * 1000)
        words = [w for w in re.findall(r"[^\W\d_]{4,}", article.title) if analyse_word(w)]
        word = max(words, key=len) if words else "président"  # never a stop word alone
        started = time.perf_counter()
        services.run(SearchRequest(q=word, with_facets=False, limit=5))
        plain.append((time.perf_counter() - started) * 1000)
    return {
        "rounds": len(picks),
        "similar_p50_ms": round(statistics.median(timings), 1),
        "similar_p95_ms": round(statistics.quantiles(timings, n=20)[-1], 1),
        "plain_p50_ms": round(statistics.median(plain), 1),
        "found_per_page": round(found / max(len(picks), 1), 1),
    }


def rows(figures: dict) -> list[dict]:
    return [
        row(
            "search",
            "« Dépêches proches » (5 similar dispatches, outside the story), p95",
            unit="ms",
            measured=figures["similar_p95_ms"],
            baseline=figures["plain_p50_ms"],
            baseline_name="a one-word query, engine call (p50)",
            target=f"< {TARGET_MS:g} ms",
            met=at_most(figures["similar_p95_ms"], TARGET_MS),
            note=f"p50 {figures['similar_p50_ms']} ms over {figures['rounds']} articles, "
            f"{figures['found_per_page']} found per page",
        )
    ]
