"""Run the benchmark suite: corpus, database, ingest, archive at scale, index, search."""

from __future__ import annotations

import datetime
import logging
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import django

from bench import environment
from bench.corpus import DEFAULT_SEED, build_corpus, corpus_dir, corpus_files
from bench.measure import RssSampler, own_peak_rss_mb, run_isolated

PHASES = (
    "ner",
    "formats",
    "quotes",
    "ingest",
    "stories",
    "index",
    "watch",
    "search",
    "pgfts",
    "concurrency",
)
NEEDS_INDEX = {"index", "watch", "search", "pgfts", "concurrency"}
NEEDS_ARCHIVE = {"stories", *NEEDS_INDEX}
NEEDS_SEARCH = {"search", "pgfts", "concurrency"}
TAGGING_RSS_TARGET_MB = 1024
WEB_RSS_TARGET_MB = 400

log = logging.getLogger("bench")
_START = time.monotonic()


@dataclass(frozen=True)
class Options:
    size: int
    phases: tuple[str, ...] = PHASES
    seed: int = DEFAULT_SEED
    ingest_sample: int = 2000
    workers: tuple[int, ...] = (1, 2)
    rounds: int = 30
    concurrency_seconds: float = 60.0
    label: str = ""
    engine: str = "whoosh"
    keep_archive: bool = False  # reuse the archive a previous run of this size loaded

    @property
    def sample(self) -> int:
        return min(self.ingest_sample, self.size)


@dataclass
class Record:
    """What a run found: figures, table rows, durations, and what it could not measure."""

    figures: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    not_measured: list[str] = field(default_factory=list)

    @contextmanager
    def phase(self, key: str, message: str) -> Iterator[None]:
        log.info("[%6.0f s] %s", time.monotonic() - _START, message)
        start = time.perf_counter()
        yield
        self.durations[f"{key}_s"] = round(time.perf_counter() - start, 1)


def run(options: Options) -> dict:
    """Run the selected phases, write the results file and regenerate the report."""
    started = datetime.datetime.now().astimezone()
    machine = environment.machine()
    record = Record()
    services = environment.services_for(options.size, options.engine)
    services.export()
    environment.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with record.phase("corpus", f"corpus of {options.size} dispatches"):
        folder = corpus_dir(environment.BENCH_DIR, options.size, options.seed)
        corpus = build_corpus(size=options.size, out_dir=folder, seed=options.seed)
        files = corpus_files(folder)
    with record.phase("database", f"database {services.database_name}"):
        django.setup()
        fingerprint = environment.archive_fingerprint(options.size, options.seed, corpus.format)
        kept = environment.kept_archive(services, fingerprint) if options.keep_archive else None
        if kept is None:
            if options.keep_archive:
                log.info("no complete archive of this corpus and schema to keep: loading it")
            environment.recreate_database(services)
        else:
            log.info("keeping the archive loaded at %s", kept.get("loaded_at", "?"))
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)

    from bench import archive, report
    from bench.workers import flush_broker

    flush_broker()
    sampler = RssSampler().start()
    phases = set(options.phases)
    sample_files: list[Path] = []
    if "ner" in phases:
        from bench import ner

        with record.phase("ner", "ner: tagger quality on the gold, rules against the baseline"):
            figures = record.figures["ner"] = ner.measure(files)
        record.rows += ner.rows(figures)
    if "formats" in phases:
        from bench import formats

        with record.phase("formats", "formats: readers' throughput, NewsML against plain text"):
            figures = record.figures["formats"] = {
                "readers": formats.measure()["formats"],
                "import": formats.measure_import(environment.BENCH_DIR / "formats"),
            }
        record.rows += formats.rows(figures)
    if "quotes" in phases:
        from bench import quotes

        with record.phase("quotes", "quotes: the gold's quotations, with and without spaCy"):
            figures = record.figures["quotes"] = quotes.measure()
        record.rows += quotes.rows(figures)
    if "ingest" in phases:
        sample_files = _ingest(options, files, record, sampler)
    if NEEDS_ARCHIVE & phases:
        # Only an archive of the corpus alone, not grouped into stories, is kept for later.
        keepable = not sample_files and "stories" not in phases
        _archive_and_index(
            options,
            files[len(sample_files) :],
            record,
            phases,
            kept=kept,
            mark=partial(environment.mark_archive, services, fingerprint) if keepable else None,
        )
    if "watch" in phases:
        from bench import watch

        with record.phase("watch", "watch: 1,000 saved searches over a day of new dispatches"):
            figures = record.figures["watch"] = run_isolated("bench.watch:measure")
        record.rows += watch.rows(figures)
    if NEEDS_SEARCH & phases:
        _search(options, record, sampler)
    _memory(record, sampler.stop())

    result = {
        "schema": 1,
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "what": "suite" if phases == set(PHASES) else "-".join(options.phases),
        "label": "-".join(
            p for p in (options.engine if options.engine != "whoosh" else "", options.label) if p
        ),
        "engine": options.engine,
        "size": options.size,
        "phases": list(options.phases),
        "options": asdict(options),
        "command": shlex.join([".venv/bin/python", "-m", "bench", *sys.argv[1:]]),
        "machine": machine,
        "versions": {**environment.versions(), "postgresql": environment.postgres_version()},
        "corpus": asdict(corpus),
        "archive": archive.archive_counts(),
        "figures": record.figures,
        "rows": record.rows,
        "not_measured": record.not_measured,
        "durations": record.durations,
        "duration_s": round((datetime.datetime.now().astimezone() - started).total_seconds(), 1),
    }
    path = report.write_result(result)
    report.regenerate()
    log.info("wrote %s and docs/benchmarks.md", path.relative_to(environment.REPO))
    return result


def _ingest(options: Options, files: list[Path], record: Record, sampler) -> list[Path]:
    """Measure ingest on the sample; return the sample's files (now in the archive)."""
    from bench import ingest

    with record.phase("ingest", f"ingest on {options.sample} dispatches"):
        figures = record.figures["ingest"] = ingest.run(
            files=files, sample=options.sample, worker_counts=options.workers, sampler=sampler
        )
    record.rows += ingest.rows(figures)
    if not options.workers:
        record.not_measured.append("ingest through Celery workers: skipped (--workers none)")
    return ingest.sample_paths(files, options.sample)


def _archive_and_index(
    options: Options, rest: list[Path], record: Record, phases, *, kept: dict | None, mark
) -> None:
    """Fill the archive to its size (or keep the one loaded before, see --keep-archive),
    group its stories, then rebuild and update the index."""
    from bench import archive, index
    from bench.report import row
    from bench.workers import flush_broker

    if kept is not None:
        record.figures["load"] = {**kept, "kept": True}
        ids = []
    else:
        with record.phase("load", "archive at scale: import, seed tagging, synthetic mentions"):
            ids, seconds = archive.import_paths(rest)
            flush_broker()  # nobody tags these for real: the queued tasks are dropped
            record.figures["load"] = {
                "imported": len(ids),
                "import_s": round(seconds, 2),
                "import_articles_per_s": round(len(ids) / seconds, 1) if seconds else None,
                "seed_tagged_in_process": archive.ensure_tagged_seed(),
                "synthetic": archive.synthesize_mentions(seed=options.seed),
                "loaded_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            }
        if mark is not None:
            mark(record.figures["load"])
    if ids:
        record.rows.append(
            row(
                "ingest",
                "import only (parse + save, no tagging), archive load",
                unit="articles/s",
                measured=record.figures["load"]["import_articles_per_s"],
                note=f"{len(ids)} articles in {round(seconds, 2)} s",
            )
        )
    if "stories" in phases:
        from bench import stories

        load = record.figures["load"]
        import_s, imported = load["import_s"], load["imported"]
        if not imported and "ingest" in record.figures:  # the sample is the whole archive
            import_s = record.figures["ingest"]["in_process"]["import_s"]
            imported = record.figures["ingest"]["in_process"]["articles"]
        with record.phase("stories", "stories: group the archive, the LSH table, quality"):
            figures = record.figures["stories"] = stories.measure(import_s, imported)
        record.rows += stories.rows(figures)
    if not NEEDS_INDEX & phases:
        return
    with record.phase("index", "index: rebuild_index and incremental updates"):
        updates = min(1000, max(100, options.size // 20))
        figures = record.figures["index"] = run_isolated(
            "bench.index:build_and_update", updates=updates
        )
    record.rows += index.rows(figures)


def _search(options: Options, record: Record, sampler) -> None:
    """Search figures, then the same query mix on PostgreSQL and through gunicorn."""
    from bench import concurrency, pgfts, search

    with record.phase("search", "search: page, engine and the raw engine query on the mix"):
        figures = record.figures["search"] = run_isolated(
            "bench.search:measure", rounds=options.rounds
        )
    record.rows += search.rows(figures)
    from bench import similar

    with record.phase("similar", "search: « Dépêches proches » on the archive's index"):
        record.figures["similar"] = run_isolated("bench.similar:measure")
    record.rows += similar.rows(record.figures["similar"])
    if not figures["page_measured"]:
        record.not_measured.append(f"search page: {figures['page_not_measured_reason']}")
    mix = [search.Query.from_dict(query) for query in figures["queries"]]
    if "pgfts" in options.phases:
        with record.phase("pgfts", "second engine: PostgreSQL full-text search, same mix"):
            record.figures["pgfts"] = pgfts.measure(mix, rounds=options.rounds)
        record.rows += pgfts.rows(record.figures["pgfts"], figures)
    if "concurrency" in options.phases:
        seconds = options.concurrency_seconds
        with record.phase("concurrency", f"concurrency: searchers on gunicorn for {seconds:g} s"):
            record.figures["concurrency"] = concurrency.measure(
                mix, seconds=seconds, sampler=sampler
            )
        record.rows += concurrency.rows(record.figures["concurrency"])


def _memory(record: Record, sampled: dict[str, float]) -> None:
    """Collect every process's peak RSS; the targets apply to workers and web processes."""
    from bench.report import row

    memory = {"bench process (in-process tagging, spaCy loaded)": own_peak_rss_mb()}
    memory.update({role: mb for role, mb in sampled.items() if mb})
    if "index" in record.figures:
        memory["index process (rebuild_index)"] = record.figures["index"]["peak_rss_mb"]
    if "search" in record.figures:
        # Not a web process: it also holds the raw baseline's own searcher or client.
        memory["search bench process (test client + raw query)"] = record.figures["search"][
            "peak_rss_mb"
        ]
    if record.figures.get("index", {}).get("node_rss_mb"):
        memory["OpenSearch nodes (after the rebuild)"] = record.figures["index"]["node_rss_mb"]
    record.figures["memory"] = memory
    for role, mb in memory.items():
        target, met = "", None
        if role.startswith("tagging worker"):
            target, met = f"< {TAGGING_RSS_TARGET_MB} MB", mb < TAGGING_RSS_TARGET_MB
        elif role.startswith("web process"):
            target, met = f"< {WEB_RSS_TARGET_MB} MB", mb < WEB_RSS_TARGET_MB
        record.rows.append(row("memory", role, unit="MB", measured=mb, target=target, met=met))
