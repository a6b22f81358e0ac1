"""Story grouping figures: cost per dispatch, the LSH table's size, quality on labelled cases.

The archive's dispatches are grouped in this process in the workers' batch size, as the
tagging task does before it tags them. The baseline is the import of the same archive in
the same run (parse and save, per dispatch): grouping should cost a fraction of it.
Quality is measured on the labelled story families of tests/data/story_cases.json.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.db.models import Count

from articles import grouping, stories
from articles.models import Article, StorySignature
from articles.tagging import chunked
from bench.environment import REPO
from bench.measure import Stopwatch
from bench.report import at_least, row

CASES = REPO / "tests" / "data" / "story_cases.json"
QUALITY_TARGET = 0.95
REGROUP_MAX = 20_000  # regrouping everything again is timed on archives up to this size


def _table_mb() -> tuple[float, float]:
    """The LSH table and its indexes, in MB: (total, of which indexes)."""
    table = StorySignature._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s), pg_indexes_size(%s)", [table, table])
        total, indexes = cursor.fetchone()
    return round(total / 1_048_576, 2), round(indexes / 1_048_576, 2)


def measure(import_s: float | None, imported: int) -> dict:
    """Group every dispatch of the archive as the workers do (their batch size, in import
    order, late arrivals revisiting later dispatches) and describe the result. Dispatches
    the ingest's workers grouped already are grouped again (forced), so the figure always
    covers the whole archive."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    joined = 0
    with Stopwatch() as watch:
        for chunk in chunked(ids, settings.TAGGING_BATCH_SIZE):
            joined += stories.group_articles(chunk, force=True).joined
    total_mb, index_mb = _table_mb()
    sizes = Article.objects.values("story_id").annotate(n=Count("id")).values_list("n", flat=True)
    sizes = list(sizes)
    figures = {
        "grouped": len(ids),
        "group_s": round(watch.seconds, 2),
        "group_ms_per_dispatch": round(1000 * watch.seconds / len(ids), 3) if ids else None,
        "import_ms_per_dispatch": round(1000 * import_s / imported, 3)
        if import_s and imported
        else None,
        "joined": joined,
        "stories": len(sizes),
        "stories_with_versions": sum(1 for n in sizes if n > 1),
        "largest_story": max(sizes, default=0),
        "lsh_table_mb": total_mb,
        "lsh_index_mb": index_mb,
        "lsh_keys_per_dispatch": grouping.BODY_BANDS + grouping.LEDE_BANDS + 1,
        "lsh_bytes_per_dispatch": round(total_mb * 1_048_576 / len(ids)) if ids else None,
    }
    if len(ids) <= REGROUP_MAX:
        with Stopwatch() as watch:
            report = stories.regroup_all()
        figures["regroup_s"] = round(watch.seconds, 2)
        figures["regroup_ms_per_dispatch"] = round(1000 * watch.seconds / max(report.grouped, 1), 3)
    figures["quality"] = quality()
    return figures


def quality() -> dict:
    """B-cubed and pairwise figures on the labelled cases' test half, as the service decides."""
    from bench import story_quality

    cases = json.loads(CASES.read_text("utf-8"))
    test = story_quality.half(cases, "test")
    return story_quality.evaluate(test, grouping.DEFAULT_THRESHOLDS, use_lsh=True)


def rows(figures: dict) -> list[dict]:
    found = [
        row(
            "stories",
            "grouping, per dispatch (workers' batches, candidates from the LSH table)",
            unit="ms",
            measured=figures["group_ms_per_dispatch"],
            baseline=figures["import_ms_per_dispatch"],
            baseline_name="import (parse + save), same archive",
            note=f"{figures['grouped']} dispatches in {figures['group_s']} s; "
            f"{figures['stories']} stories, {figures['stories_with_versions']} with versions",
        ),
        row(
            "stories",
            "LSH table (StorySignature, with its GIN and date indexes)",
            unit="MB",
            measured=figures["lsh_table_mb"],
            note=f"{figures['lsh_bytes_per_dispatch']} bytes and "
            f"{figures['lsh_keys_per_dispatch']} keys per dispatch; "
            f"indexes {figures['lsh_index_mb']} MB",
        ),
    ]
    if "regroup_s" in figures:
        found.append(
            row(
                "stories",
                "group_stories --all --sync, per dispatch",
                unit="ms",
                measured=figures["regroup_ms_per_dispatch"],
                baseline=figures["import_ms_per_dispatch"],
                baseline_name="import (parse + save), same archive",
                note=f"{figures['regroup_s']} s",
            )
        )
    quality_figures = figures.get("quality") or {}
    bcubed = quality_figures.get("bcubed", {})
    if bcubed:
        found.append(
            row(
                "stories",
                "same story, B-cubed F1 on the labelled cases (test half)",
                unit="F1",
                measured=bcubed["f1"],
                target=f">= {QUALITY_TARGET}",
                met=at_least(bcubed["f1"], QUALITY_TARGET),
                note=f"precision {bcubed['precision']}, recall {bcubed['recall']}",
            )
        )
    return found
