"""Ingest figures: raw spaCy against the whole path import -> tagged (-> indexed).

All variants run on the same sample of dispatches in the same run. The baseline is
`nlp.pipe` over the article bodies with the NER-only pipeline; the middle figure adds the
cleaning rules (`extract_entities_batch`); the whole path imports the files and tags
the articles in the database, in this process, then through 1 and 2 Celery processes
with the indexer beside them (as deployed): import -> tagged, and on to indexed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from articles import ner
from articles.models import Article, Source, Story
from articles.parsing import parse_dispatches
from articles.tasks import tag_articles_task
from bench import archive, index
from bench.corpus import PER_FILE, REFERENCE
from bench.measure import RssSampler, Stopwatch
from bench.report import at_least, ingest_baseline, row
from bench.workers import CeleryWorker, flush_broker
from search.models import IndexQueue

log = logging.getLogger("bench")
PIPE_BATCH = 32  # extract_entities_batch's default, and the workers' batch size
TARGET_RATIO = 0.8
BEAT_SECONDS = 30


def sample_paths(files: Sequence[Path], sample: int) -> list[Path]:
    """Return the first files holding `sample` dispatches (rounded to whole files)."""
    return list(files[: max(1, sample // PER_FILE)])


def bodies(paths: Sequence[Path]) -> list[str]:
    """Return the article bodies the importer will store for these files."""
    return [d.body for path in paths for d in parse_dispatches(path.read_text("utf-8"))]


def _rate(words: int, seconds: float) -> float:
    return round(words / seconds, 1) if seconds else 0.0


def measure_raw(texts: list[str], words: int) -> dict:
    nlp = ner.get_nlp()
    with Stopwatch() as watch, nlp.memory_zone():
        entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=PIPE_BATCH))
    return {
        "seconds": round(watch.seconds, 2),
        "words_per_s": _rate(words, watch.seconds),
        "entities": entities,
    }


def measure_extract(texts: list[str], words: int) -> dict:
    with Stopwatch() as watch:
        spans = ner.extract_entities_batch(texts, lexicon=ner.Lexicon(), batch_size=PIPE_BATCH)
    return {
        "seconds": round(watch.seconds, 2),
        "words_per_s": _rate(words, watch.seconds),
        "entities": sum(map(len, spans)),
    }


def measure_in_process(paths: list[Path], words: int) -> dict:
    archive.reset_archive()
    index.clear_index()
    ids, import_s = archive.import_paths(paths)
    flush_broker()  # the import queued tagging tasks; no worker runs in this variant
    tagged, failed, tag_s = archive.tag_in_process(ids)
    index_s = index.index_articles(ids)
    return {
        "articles": len(ids),
        "tagged": tagged,
        "failed": failed,
        "import_s": round(import_s, 2),
        "tag_s": round(tag_s, 2),
        "index_s": round(index_s, 2),
        "words_per_s": _rate(words, import_s + tag_s),
        "words_per_s_with_index": _rate(words, import_s + tag_s + index_s),
    }


def _wait_for(done: Callable[[], bool], timeout: float) -> bool:
    """Poll done() every quarter second; False if it is still not true after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.25)
    return False


def _wait_until_tagged(expected: int, timeout: float) -> bool:
    pending = Article.Tagging.PENDING
    return _wait_for(
        lambda: Article.objects.exclude(tagging_status=pending).count() >= expected, timeout
    )


def _warm_up(worker_count: int) -> None:
    """Give each worker process one article to tag so the model is loaded before timing."""
    text = REFERENCE.read_text("utf-8")
    source, _ = Source.objects.get_or_create(name="bench-warm-up")
    warm = Article.objects.bulk_create(
        Article(
            source=source,
            title=f"warm-up {i}",
            body=text,
            content_hash=f"warm-{i}",
            story=Story.objects.create(),
        )
        for i in range(worker_count)
    )
    for article in warm:
        # One task each, sent a beat apart, so each idle process takes one.
        tag_articles_task.apply_async(args=[[article.pk]])
        time.sleep(0.5)
    if not _wait_until_tagged(len(warm), timeout=600):
        raise RuntimeError("the warm-up articles were not tagged")


def _wait_until_indexed(timeout: float) -> bool:
    """Wait until the indexer has drained every mark (tagging marks inside its commit).

    As deployed, the beat wakes the indexer every INDEX_SWEEP_SECONDS in case a wake was
    missed; no beat runs here, so the wait does the same every BEAT_SECONDS."""
    from search.indexing import send_index_task

    last_wake = time.monotonic()

    def drained() -> bool:
        nonlocal last_wake
        if not IndexQueue.objects.exists():
            return True
        if time.monotonic() - last_wake > BEAT_SECONDS:
            send_index_task()
            last_wake = time.monotonic()
        return False

    return _wait_for(drained, timeout)


def measure_workers(
    paths: list[Path], words: int, concurrency: int, *, sampler: RssSampler, timeout: float
) -> dict:
    archive.reset_archive()
    flush_broker()
    worker, indexer = CeleryWorker(concurrency), CeleryWorker(1, queue="index")
    worker.start()
    indexer.start()
    role = f"tagging worker process (c={concurrency})"
    sampler.watch(role, worker.pid)
    sampler.watch("index worker process (c=1)", indexer.pid)
    try:
        _warm_up(concurrency)
        _wait_until_indexed(timeout)
        archive.reset_archive()
        with Stopwatch() as watch:
            ids, import_s = archive.import_paths(paths)
            finished = _wait_until_tagged(len(ids), timeout)
            tagged_s = watch.elapsed()
            indexed = finished and _wait_until_indexed(timeout)
    finally:
        worker.stop()
        indexer.stop()
        flush_broker()
    statuses = Article.objects.values_list("tagging_status", flat=True)
    return {
        "articles": len(ids),
        "finished": finished,
        "indexed": indexed,
        "tagged": sum(1 for s in statuses if s == Article.Tagging.DONE),
        "failed": sum(1 for s in statuses if s == Article.Tagging.FAILED),
        "import_s": round(import_s, 2),
        "seconds": round(tagged_s, 2),
        "words_per_s": _rate(words, tagged_s),
        "indexed_s": round(watch.seconds, 2),
        "words_per_s_indexed": _rate(words, watch.seconds),
        "peak_rss_mb": round(sampler.peaks.get(role, 0) / 1024 / 1024, 1),
    }


def run(
    *, files: Sequence[Path], sample: int, worker_counts: Sequence[int], sampler: RssSampler
) -> dict:
    """Measure every ingest variant on the first `sample` dispatches."""
    paths = sample_paths(files, sample)
    texts = bodies(paths)
    words = sum(len(text.split()) for text in texts)
    with Stopwatch() as load:
        nlp = ner.get_nlp()
        list(nlp.pipe(texts[:PIPE_BATCH]))  # warm caches before any timing
    figures: dict = {
        "sample_dispatches": len(texts),
        "sample_files": len(paths),
        "words": words,
        "model_load_s": round(load.seconds, 2),
    }
    for name, measure in (
        ("raw_nlp_pipe", lambda: measure_raw(texts, words)),
        ("extract_entities_batch", lambda: measure_extract(texts, words)),
        ("in_process", lambda: measure_in_process(paths, words)),
    ):
        figures[name] = measure()
        log.info("    %s: %s", name, figures[name])
    if figures["in_process"]["articles"] != len(texts):
        raise RuntimeError("the sample did not import as one article per dispatch")
    timeout = max(600.0, 20 * figures["raw_nlp_pipe"]["seconds"])
    figures["workers"] = {}
    for count in worker_counts:
        figures["workers"][str(count)] = result = measure_workers(
            paths, words, count, sampler=sampler, timeout=timeout
        )
        log.info("    %d worker process(es): %s", count, result)
    # This machine's speed drifts by several percent over minutes: sample the baseline
    # again at the end, and compare every variant with the mean of both.
    figures["raw_nlp_pipe_after"] = measure_raw(texts, words)
    log.info("    raw_nlp_pipe_after: %s", figures["raw_nlp_pipe_after"])
    return figures


def rows(figures: dict) -> list[dict]:
    raw, raw_name = ingest_baseline(figures)
    base = {"unit": "words/s", "baseline": raw, "baseline_name": raw_name}
    sample = f"{figures['sample_dispatches']} dispatches, {figures['words']} words"
    found = [
        row(
            "ingest",
            "extract_entities_batch (NER + cleaning)",
            measured=figures["extract_entities_batch"]["words_per_s"],
            note=sample,
            **base,
        ),
    ]
    in_process = figures["in_process"]
    for metric, measured, note in (
        (
            "import → tagged, in-process",
            in_process["words_per_s"],
            f"import {in_process['import_s']} s + tag {in_process['tag_s']} s",
        ),
        (
            "import → tagged → indexed, in-process",
            in_process["words_per_s_with_index"],
            f"+ index {in_process['index_s']} s",
        ),
    ):
        found.append(
            row(
                "ingest",
                metric,
                measured=measured,
                note=note,
                target=f"≥ {TARGET_RATIO}× raw",
                met=at_least(measured / raw, TARGET_RATIO),
                **base,
            )
        )
    for count, result in figures["workers"].items():
        measured = result["words_per_s"]
        note = f"{result['tagged']} tagged, {result['failed']} failed in {result['seconds']} s"
        if not result["finished"]:
            note += " (timed out)"
        found.append(
            row(
                "ingest",
                f"import → tagged, {count} Celery worker process(es)",
                measured=measured,
                note=note,
                target=f"≥ {TARGET_RATIO}× raw",
                met=at_least(measured / raw, TARGET_RATIO),
                **base,
            )
        )
        if "words_per_s_indexed" in result:
            indexed = result["words_per_s_indexed"]
            found.append(
                row(
                    "ingest",
                    f"import → tagged → indexed, {count} worker process(es) + the indexer",
                    measured=indexed,
                    note=f"index queue drained {result['indexed_s']} s after the import began"
                    + ("" if result["indexed"] else " (timed out)"),
                    target=f"≥ {TARGET_RATIO}× raw",
                    met=at_least(indexed / raw, TARGET_RATIO) and result["indexed"],
                    **base,
                )
            )
    return found
