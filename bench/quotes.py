"""Measure quotation extraction on the hand-annotated gold, and what it adds to tagging.

`python -m bench.quotes` replays tests/data/quotes_gold.json through `articles.quotes` on
the dev and the test half (split by file) with the gold's own mentions, and prints detection
recall and precision, attribution accuracy and the count of quotations found outside
quotation marks (which must be 0). `--real-tagger` adds the end-to-end figures, the mentions
coming from `articles.ner.extract_entities_batch` (spaCy's model, loaded once); `--cost`
times tagging alone against tagging plus extraction on the gold's bodies in the same run;
`--errors` lists every miss, false alarm and wrong speaker. The time of 10,000 marks in one
dispatch, and its ratio to 5,000, are printed too.

Matching: a found quotation matches a gold one of the same dispatch when their spans
overlap by at least half of their union (one-to-one, best overlap first). A matched
quotation is attributed right when both speakers are unnamed (None), or when the found
speaker's canonical name equals the gold one once case, accents and dashes are folded, or
the words of one are all words (or initials of words) of the other ("Obama" or "B. Obama" for
"Barack Obama").
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from articles.parsing import parse_dispatches
from articles.quotes import Quotation, extract_quotes

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "quotes_gold.json"
CORPORA = REPO.parent / "shared" / "corpora"
MIN_OVERLAP = 0.5
OPENING, CLOSING = '«“„"', '»”“"'
_SPACE = " \t\n\r\u00a0\u202f\u2009"


@dataclass(frozen=True)
class Mention:
    """A mention as the gold file stores it (the shape of articles.ner.Span)."""

    start: int
    end: int
    label: str
    text: str
    canonical: str


def load_gold(path: Path = GOLD) -> dict:
    """Read the gold file."""
    return json.loads(path.read_text(encoding="utf-8"))


def half(gold: dict, split: str) -> dict:
    """Return the gold restricted to the files of one half ("dev" or "test")."""
    return {**gold, "files": [f for f in gold["files"] if f["split"] == split]}


@cache
def _file_text(path: str) -> str:
    base = REPO if path.startswith("fixtures/") else CORPORA
    return (base / path).read_text(encoding="utf-8")


def body_of(entry: dict) -> str:
    """Return the dispatch body a gold entry's offsets point into, as the importer stores it."""
    return parse_dispatches(_file_text(entry["file"]))[entry["dispatch"]].body


def gold_mentions(entry: dict) -> list[Mention]:
    """Return the mentions the gold file provides for a dispatch."""
    return [Mention(**m) for m in entry["mentions"]]


def fold(name: str) -> str:
    """Return a case-, accent- and dash-insensitive form of a name."""
    bare = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    for separator in "-'’.":
        bare = bare.replace(separator, " ")
    return " ".join(bare.split())


def same_speaker(found: str | None, expected: str | None) -> bool:
    """Whether a found canonical name (or None) names the gold speaker (or None)."""
    if found is None or expected is None:
        return found is None and expected is None
    a, b = fold(found).split(), fold(expected).split()
    return _covers(a, b) or _covers(b, a)


def _covers(short: list[str], long: list[str]) -> bool:
    """Whether every word of short is a word of long, or the initial of one ("B. Obama")."""
    return all(w in long or (len(w) == 1 and any(x[0] == w for x in long)) for w in short)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if inter > 0 else 0.0


def match(found: Sequence[Quotation], gold: Sequence[dict]) -> list[tuple[int, int]]:
    """Pair found and gold quotations one-to-one, best overlap first (indices)."""
    pairs = sorted(
        (
            (_overlap((q.start, q.end), (g["start"], g["end"])), i, j)
            for i, q in enumerate(found)
            for j, g in enumerate(gold)
        ),
        reverse=True,
    )
    used_found, used_gold, matched = set(), set(), []
    for score, i, j in pairs:
        if score < MIN_OVERLAP or i in used_found or j in used_gold:
            continue
        used_found.add(i)
        used_gold.add(j)
        matched.append((i, j))
    return matched


def outside_marks(text: str, quotes: Sequence[Quotation]) -> int:
    """Count the quotations whose span is not inside quotation marks, or overlaps another."""
    bad, last_end = 0, -1
    for q in quotes:
        before, after = q.start - 1, q.end
        while before >= 0 and text[before] in _SPACE:
            before -= 1
        while after < len(text) and text[after] in _SPACE:
            after += 1
        inside = before >= 0 and text[before] in OPENING and after < len(text)
        bad += not (inside and text[after] in CLOSING and q.start < q.end and q.start >= last_end)
        last_end = q.end
    return bad


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def evaluate(gold: dict, *, real_tagger: bool = False) -> dict:
    """Replay the gold's dispatches; return detection, attribution and error figures."""
    entries = gold["files"]
    bodies = [body_of(e) for e in entries]
    if real_tagger:
        from articles.ner import extract_entities_batch

        mention_lists = extract_entities_batch(bodies)
    else:
        mention_lists = [gold_mentions(e) for e in entries]
    counts = dict.fromkeys(("gold", "found", "matched", "right", "partial_right"), 0)
    outside, negatives_taken, errors = 0, 0, []
    by_kind: dict[str, list[int]] = {}
    for entry, body, mentions in zip(entries, bodies, mention_lists, strict=True):
        found = extract_quotes(body, mentions)
        outside += outside_marks(body, found)
        expected = entry["quotes"]
        pairs = match(found, expected)
        counts["gold"] += len(expected)
        counts["found"] += len(found)
        counts["matched"] += len(pairs)
        for i, j in pairs:
            q, g = found[i], expected[j]
            canonical = mentions[q.speaker].canonical if q.speaker is not None else None
            right = same_speaker(canonical, g["canonical"])
            counts["right"] += right
            counts["partial_right"] += q.partial == g["partial"]
            kind = g["kind"] or "unnamed"
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += right
            by_kind[kind][1] += 1
            if not right:
                errors.append(
                    {"file": entry["file"], "kind": "speaker", "quote": g["text"][:60],
                     "expected": g["canonical"], "found": canonical, "as_written": q.speaker_text}
                )  # fmt: skip
        hit_found, hit_gold = {i for i, _ in pairs}, {j for _, j in pairs}
        for j, g in enumerate(expected):
            if j not in hit_gold:
                errors.append({"file": entry["file"], "kind": "missed", "quote": g["text"][:60]})
        negative_spans = [(n["start"], n["end"]) for n in entry["negatives"]]
        for i, q in enumerate(found):
            if i in hit_found:
                continue
            negatives_taken += any(
                _overlap((q.start, q.end), n) >= MIN_OVERLAP for n in negative_spans
            )
            errors.append(
                {"file": entry["file"], "kind": "false alarm", "quote": body[q.start : q.end][:60]}
            )
    return {
        "dispatches": len(entries),
        "gold_quotes": counts["gold"],
        "found_quotes": counts["found"],
        "detection_recall": _ratio(counts["matched"], counts["gold"]),
        "detection_precision": _ratio(counts["matched"], counts["found"]),
        "attribution_accuracy": _ratio(counts["right"], counts["matched"]),
        "attribution_by_kind": {k: _ratio(*v) for k, v in sorted(by_kind.items())},
        "partial_accuracy": _ratio(counts["partial_right"], counts["matched"]),
        "negatives_taken": negatives_taken,
        "outside_marks": outside,
        "errors": errors,
    }


def measure_cost(texts: Sequence[str], *, repeat: int = 3) -> dict:
    """Time extract_entities_batch alone against it plus extract_quotes, in the same run."""
    from articles.ner import extract_entities_batch

    texts = list(texts)
    extract_entities_batch(texts[:4])  # load the model outside the timings
    tagging, both, extraction = [], [], []
    for _ in range(repeat):
        began = time.perf_counter()
        extract_entities_batch(texts)
        tagging.append(time.perf_counter() - began)
        began = time.perf_counter()
        spans = extract_entities_batch(texts)
        tagged = time.perf_counter()
        for text, mentions in zip(texts, spans, strict=True):
            extract_quotes(text, mentions)
        both.append(time.perf_counter() - began)
        extraction.append(time.perf_counter() - tagged)
    return {
        "texts": len(texts),
        "characters": sum(map(len, texts)),
        "tagging_seconds": round(min(tagging), 3),
        "tagging_and_quotes_seconds": round(min(both), 3),
        "quotes_seconds": round(min(extraction), 4),
        "added_share": round(min(extraction) / min(tagging), 4),  # target: under 0.10
        "ratio": round(min(both) / min(tagging), 3),
    }


def measure_scaling(marks: int = 10_000) -> dict:
    """Time extraction on a dispatch of `marks` quotation marks and on one of half as many."""
    line = "«Nous allons discuter», a dit M. Cavusoglu. Il a ajouté : «La proposition tient». "
    times = {}
    for count in (marks // 2, marks):
        text = line * (count // 4)
        best = float("inf")
        for _ in range(5):
            gc.collect()
            gc.disable()  # the collector's full passes are not linear in the live objects
            try:
                began = time.perf_counter()
                extract_quotes(text, [])
                best = min(best, time.perf_counter() - began)
            finally:
                gc.enable()
        times[count] = best
    return {
        "marks": marks,
        "seconds": round(times[marks], 3),
        "doubling_ratio": round(times[marks] / times[marks // 2], 2),
    }


def measure(gold_path: Path = GOLD) -> dict:
    """The benchmark suite's quotes phase: both halves, both mentions, the cost, the scaling."""
    gold = load_gold(gold_path)
    quality = {
        f"{split}_{mode}": {
            key: value
            for key, value in evaluate(half(gold, split), real_tagger=mode == "tagger").items()
            if key != "errors"
        }
        for split in ("dev", "test")
        for mode in ("gold", "tagger")
    }
    return {
        "quality": quality,
        "cost": measure_cost([body_of(e) for e in gold["files"]]),
        "scaling": measure_scaling(),
    }


def rows(figures: dict) -> list[dict]:
    """The quotes phase's lines in the report (test half: the dev half tuned the rules)."""
    from bench.report import at_least, at_most, row

    found = []
    for mode, label in (("gold", "gold mentions"), ("tagger", "real tagger")):
        test = figures["quality"][f"test_{mode}"]
        note = f"{test['gold_quotes']} gold quotes in {test['dispatches']} dispatches"
        found += [
            row("quotes", f"detection recall, test half, {label}", unit="ratio",
                measured=test["detection_recall"], target="≥ 0.9",
                met=at_least(test["detection_recall"], 0.9), note=note),
            row("quotes", f"detection precision, test half, {label}", unit="ratio",
                measured=test["detection_precision"], note=f"{test['found_quotes']} found"),
            row("quotes", f"attribution accuracy, test half, {label}", unit="ratio",
                measured=test["attribution_accuracy"], target="≥ 0.85",
                met=at_least(test["attribution_accuracy"], 0.85)),
            row("quotes", f"quotes outside quotation marks, test half, {label}", unit="quotes",
                measured=test["outside_marks"], target="0", met=test["outside_marks"] == 0),
        ]  # fmt: skip
    cost = figures["cost"]
    found.append(
        row(
            "quotes",
            "tagging with quotation extraction",
            unit="s",
            measured=cost["tagging_and_quotes_seconds"],
            baseline=cost["tagging_seconds"],
            baseline_name="tagging alone (spaCy + spans), same texts, same run",
            target="< 1.10× (extraction under 10 %)",
            met=at_most(cost["added_share"], 0.10),
            note=f"extraction {cost['quotes_seconds']} s on {cost['texts']} dispatches "
            f"({cost['characters']} characters)",
        )
    )
    scaling = figures["scaling"]
    found.append(
        row(
            "quotes",
            f"{scaling['marks']:,} quotation marks in one dispatch",
            unit="s",
            measured=scaling["seconds"],
            target="linear (time ×2 for marks ×2)",
            met=at_most(scaling["doubling_ratio"], 2.5),
            note=f"half as many marks: {scaling['doubling_ratio']}× less time",
        )
    )
    return found


def _print(title: str, result: dict, *, errors: bool) -> None:
    print(f"\n{title}")
    for key, value in result.items():
        if key != "errors":
            print(f"  {key:22} {value}")
    if errors:
        for error in result["errors"]:
            print("   ", json.dumps(error, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures on both halves (and, on request, end to end and the cost)."""
    parser = argparse.ArgumentParser(prog="python -m bench.quotes", description=__doc__)
    parser.add_argument("--real-tagger", action="store_true", help="also run spaCy's tagger")
    parser.add_argument("--cost", action="store_true", help="time tagging with and without")
    parser.add_argument("--errors", action="store_true", help="list misses and wrong speakers")
    args = parser.parse_args(argv)
    gold = load_gold()
    for split in ("dev", "test"):
        _print(f"{split}, gold mentions", evaluate(half(gold, split)), errors=args.errors)
    if args.real_tagger:
        for split in ("dev", "test"):
            result = evaluate(half(gold, split), real_tagger=True)
            _print(f"{split}, real tagger", result, errors=args.errors)
    _print("scaling", measure_scaling(), errors=False)
    if args.cost:
        _print("cost", measure_cost([body_of(e) for e in gold["files"]]), errors=False)


if __name__ == "__main__":
    main()
