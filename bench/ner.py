"""Tagger quality and speed: the raw model, the rules of a baseline commit, today's rules.

`python -m bench.ner [--split test] [--errors]` scores tests/data/ner_gold.json (exact span
match) for the raw `fr_core_news_md` model, the cleaning rules of the baseline commit
(BASELINE, the tagger before issue 16, read from git) and today's `extract_entities`, and
times the two rule sets on the benchmark corpus in the same run, the model's output computed
once and shared: the ratio is today's rules (with the curated list as lexicon) against the
baseline's (with an empty one, as main tags a fresh archive), model included.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from articles import ner
from articles.ner.evaluation import (
    Scores,
    format_confusion,
    format_scores,
    gold_triples,
    load_gold,
    score,
)
from articles.ner.organisations import curated_lexicon

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "ner_gold.json"
BASELINE = "b2cb7a3"  # main before issue 16: the tagger's rules the targets compare with
_MODULES = ("__init__", "forms", "spans", "document")


@cache
def baseline_clean_spans() -> Callable | None:
    """Import the baseline commit's articles.ner as a package of its own; None without git."""
    folder = Path(tempfile.mkdtemp(prefix="ner-baseline-")) / "ner_baseline"
    folder.mkdir()
    for name in _MODULES:
        try:
            source = subprocess.run(
                ["git", "-C", str(REPO), "show", f"{BASELINE}:articles/ner/{name}.py"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        except (OSError, subprocess.CalledProcessError):
            return None
        (folder / f"{name}.py").write_text(source.replace("articles.ner", "ner_baseline"))
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module("ner_baseline.document").clean_spans


def _triples(spans) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in spans]


def _raw(texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    return ner._raw_entities([ner.forms._sanitize(text) for text in texts], 32)


def quality(split: str = "test", gold: Path = GOLD) -> dict[str, Scores]:
    """Score the raw model, the baseline rules, today's rules and today's without seats."""
    sentences = load_gold(gold, split=split)
    texts = [s["text"] for s in sentences]
    truth = gold_triples(sentences)
    raw = _raw(texts)
    lexicon = curated_lexicon()
    results = {"model": score(truth, raw)}
    if (baseline := baseline_clean_spans()) is not None:
        results["baseline rules"] = score(
            truth, [_triples(baseline(t, r)) for t, r in zip(texts, raw, strict=True)]
        )
    for name, seat_rule in (("extract_entities", True), ("without the seat rule", False)):
        results[name] = score(
            truth,
            [
                _triples(ner.clean_spans(t, r, lexicon=lexicon, seat_rule=seat_rule))
                for t, r in zip(texts, raw, strict=True)
            ],
        )
    return results


def speed(texts: Sequence[str], rounds: int = 3) -> dict:
    """Time model + baseline rules against model + today's rules on the same texts."""
    baseline = baseline_clean_spans()
    lexicon = curated_lexicon()
    words = sum(len(text.split()) for text in texts)
    _raw(texts[:32])  # warm-up
    model_s = rules_s = baseline_s = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        raw = _raw(texts)
        model_s += time.perf_counter() - start
        start = time.perf_counter()
        for text, found in zip(texts, raw, strict=True):
            ner.clean_spans(text, found, lexicon=lexicon)
        rules_s += time.perf_counter() - start
        if baseline is not None:
            start = time.perf_counter()
            for text, found in zip(texts, raw, strict=True):
                baseline(text, found)  # main had no curated list: an empty lexicon
            baseline_s += time.perf_counter() - start
    today = words * rounds / (model_s + rules_s)
    before = words * rounds / (model_s + baseline_s) if baseline is not None else None
    return {
        "texts": len(texts),
        "words": words,
        "rounds": rounds,
        "model_s": round(model_s, 2),
        "rules_s": round(rules_s, 3),
        "baseline_rules_s": round(baseline_s, 3) if baseline is not None else None,
        "words_per_s": round(today, 1),
        "baseline_words_per_s": round(before, 1) if before else None,
        "vs_baseline": round(today / before, 3) if before else None,
    }


def _print_errors(split: str, gold: Path) -> None:
    sentences = load_gold(gold, split=split)
    lexicon = curated_lexicon()
    texts = [s["text"] for s in sentences]
    for sentence, text, found in zip(sentences, texts, _raw(texts), strict=True):
        truth = {(s["start"], s["end"], s["label"]) for s in sentence["spans"]}
        spans = set(_triples(ner.clean_spans(text, found, lexicon=lexicon)))
        if truth != spans:
            print(f"{sentence['id']}: {text!r}")
            for s, e, label in sorted(truth - spans):
                print(f"   missed   {label} {text[s:e]!r}")
            for s, e, label in sorted(spans - truth):
                print(f"   spurious {label} {text[s:e]!r}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ner", description=__doc__)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="list every miss and spurious span")
    args = parser.parse_args(argv)
    if args.errors:
        _print_errors(args.split, args.gold)
        return
    for name, scores in quality(args.split, args.gold).items():
        print(format_scores(name, scores))
        print(format_confusion(scores))


if __name__ == "__main__":
    main()


SPEED_DISPATCHES = 400


def measure(files: Sequence[Path]) -> dict:
    """The suite's phase: quality on both halves, and speed on the corpus's dispatches."""
    from articles.parsing import parse_dispatches

    texts = [d.body for path in files for d in parse_dispatches(path.read_text("utf-8"))]
    texts = texts[:SPEED_DISPATCHES]
    return {
        "gold": str(GOLD.relative_to(REPO)),
        "baseline_commit": BASELINE,
        "quality": {
            split: {name: s.as_dict() for name, s in quality(split).items()}
            for split in ("test", "dev")
        },
        "speed": speed(texts),
    }


def rows(figures: dict) -> list[dict]:
    """The table of figure 10: today's rules against the baseline's, on the test half."""
    from bench.report import row

    test = figures["quality"]["test"]
    found = []
    if "baseline rules" not in test:
        return found
    before, after, model = test["baseline rules"], test["extract_entities"], test["model"]
    for label, margin, target in (
        ("ORG", 0.15, "≥ baseline + 0.15"),
        ("PER", 0.0, "≥ baseline"),
        ("LOC", 0.0, "≥ baseline"),
    ):
        b, a = before["per_label"][label], after["per_label"][label]
        found.append(
            row(
                "ner",
                f"{label} F1, test half (P {a['precision']:.3f}, R {a['recall']:.3f})",
                unit="F1",
                measured=a["f1"],
                baseline=b["f1"],
                baseline_name=f"rules of {figures['baseline_commit']}",
                target=target,
                met=round(a["f1"] - b["f1"], 3) >= margin,
                note=f"raw model {model['per_label'][label]['f1']:.3f}; "
                f"baseline P {b['precision']:.3f}, R {b['recall']:.3f}",
            )
        )
    found.append(
        row(
            "ner",
            "micro F1, test half",
            unit="F1",
            measured=after["micro"]["f1"],
            baseline=before["micro"]["f1"],
            baseline_name=f"rules of {figures['baseline_commit']}",
            target="> baseline",
            met=after["micro"]["f1"] > before["micro"]["f1"],
            note=f"raw model {model['micro']['f1']:.3f}; "
            f"dev half {figures['quality']['dev']['extract_entities']['micro']['f1']:.3f}",
        )
    )
    without = test["without the seat rule"]
    found.append(
        row(
            "ner",
            "seat rule (Élysée, Kremlin…): micro F1 with it, test half",
            unit="F1",
            measured=after["micro"]["f1"],
            baseline=without["micro"]["f1"],
            baseline_name="same rules without it",
            note=f"ORG F1 {without['per_label']['ORG']['f1']:.3f} → "
            f"{after['per_label']['ORG']['f1']:.3f}",
        )
    )
    speed_figures = figures["speed"]
    if speed_figures["vs_baseline"] is not None:
        found.append(
            row(
                "ner",
                "tagging speed, model + rules",
                unit="words/s",
                measured=speed_figures["words_per_s"],
                baseline=speed_figures["baseline_words_per_s"],
                baseline_name=f"model + rules of {figures['baseline_commit']}",
                target="≥ 0.95×",
                met=speed_figures["vs_baseline"] >= 0.95,
                note=f"{speed_figures['texts']} dispatches × {speed_figures['rounds']} rounds; "
                f"rules {speed_figures['rules_s']} s, baseline rules "
                f"{speed_figures['baseline_rules_s']} s, model {speed_figures['model_s']} s",
            )
        )
    return found
