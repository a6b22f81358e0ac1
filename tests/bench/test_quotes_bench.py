"""The quotes phase of `make bench` runs on a small gold and gives its report rows."""

import json

from bench import quotes
from bench.suite import PHASES


def test_make_bench_runs_the_quotes_phase():
    assert "quotes" in PHASES


def test_the_quotes_phase_measures_quality_cost_and_scaling(tmp_path):
    gold = quotes.load_gold()
    small = [
        next(f for f in gold["files"] if f["split"] == s and f["quotes"]) for s in ("dev", "test")
    ]
    path = tmp_path / "or.json"
    path.write_text(json.dumps({**gold, "files": small}), "utf-8")
    figures = quotes.measure(path)
    assert set(figures["quality"]) == {"dev_gold", "dev_tagger", "test_gold", "test_tagger"}
    assert figures["quality"]["test_gold"]["gold_quotes"] == len(small[1]["quotes"])
    assert figures["cost"]["texts"] == 2 and figures["scaling"]["marks"] == 10_000
    rows = quotes.rows(figures)
    assert {r["figure"] for r in rows} == {"quotes"} and len(rows) == 10
    outside = [r for r in rows if r["metric"].startswith("quotes outside")]
    assert [r["met"] for r in outside] == [True, True]
