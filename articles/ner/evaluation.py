"""Score entity spans against a hand-annotated gold: exact span match, per label and micro.

A predicted span counts as correct when its start, end and label equal a gold span's.
The confusion table pairs spans with the same offsets by their kinds; a gold span no
prediction has exactly is a miss (predicted "none"), a prediction no gold span has exactly
is spurious (gold "none"). Pure Python, no model and no database.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

NONE = "none"
Triple = tuple[int, int, str]  # start, end, label


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one label (or all)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class Scores:
    """Counts per label, their micro-average, and the gold × predicted confusion table."""

    labels: tuple[str, ...]
    per_label: dict[str, Counts]
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def micro(self) -> Counts:
        return sum(self.per_label.values(), Counts())

    def as_dict(self) -> dict:
        """Return the figures rounded to three decimals, for JSON."""

        def figures(counts: Counts) -> dict:
            return {
                "precision": round(counts.precision, 3),
                "recall": round(counts.recall, 3),
                "f1": round(counts.f1, 3),
                "tp": counts.tp,
                "fp": counts.fp,
                "fn": counts.fn,
            }

        return {
            "per_label": {label: figures(c) for label, c in self.per_label.items()},
            "micro": figures(self.micro),
            "confusion": {f"{g}>{p}": n for (g, p), n in sorted(self.confusion.items())},
        }


def score(
    gold: Sequence[Iterable[Triple]],
    predicted: Sequence[Iterable[Triple]],
    *,
    labels: Sequence[str] = ("PER", "LOC", "ORG"),
) -> Scores:
    """Score predicted spans against gold spans, text by text (both lists aligned)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold texts but {len(predicted)} predicted")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        truth, found = set(gold_spans), set(predicted_spans)
        for _, _, label in truth & found:
            tp[label] += 1
        for _, _, label in found - truth:
            fp[label] += 1
        for _, _, label in truth - found:
            fn[label] += 1
        gold_kind = {(s, e): label for s, e, label in truth}
        found_kind = {(s, e): label for s, e, label in found}
        for bounds in gold_kind.keys() | found_kind.keys():
            confusion[(gold_kind.get(bounds, NONE), found_kind.get(bounds, NONE))] += 1
    per_label = {label: Counts(tp[label], fp[label], fn[label]) for label in labels}
    return Scores(labels=tuple(labels), per_label=per_label, confusion=confusion)


def load_gold(path: Path, *, split: str = "all") -> list[dict]:
    """Read a gold file's sentences, those of one half ("dev", "test") or "all"."""
    gold = json.loads(Path(path).read_text(encoding="utf-8"))
    sentences = gold["sentences"]
    if split != "all":
        sentences = [s for s in sentences if s["split"] == split]
    for sentence in sentences:
        for span in sentence["spans"]:
            if sentence["text"][span["start"] : span["end"]] != span["text"]:
                raise ValueError(
                    f"{sentence['id']}: offsets {span['start']}-{span['end']} do not give "
                    f"« {span['text']} »"
                )
    return sentences


def gold_triples(sentences: Sequence[dict]) -> list[list[Triple]]:
    """Return each sentence's gold spans as (start, end, label)."""
    return [
        [(s["start"], s["end"], s["label"]) for s in sentence["spans"]] for sentence in sentences
    ]


def format_scores(title: str, scores: Scores) -> str:
    """Render the per-label and micro figures as a plain-text table."""
    lines = [title, f"{'':6} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for name, counts in [*scores.per_label.items(), ("micro", scores.micro)]:
        lines.append(
            f"{name:6} {counts.precision:6.3f} {counts.recall:6.3f} {counts.f1:6.3f} "
            f"{counts.tp:5d} {counts.fp:5d} {counts.fn:5d}"
        )
    return "\n".join(lines)


def format_confusion(scores: Scores) -> str:
    """Render the confusion table: one row per gold kind, one column per predicted kind."""
    kinds = sorted({k for pair in scores.confusion for k in pair} - {NONE})
    columns = [*scores.labels, *(k for k in kinds if k not in scores.labels), NONE]
    lines = ["gold \\ predicted " + " ".join(f"{c:>5}" for c in columns)]
    for gold_kind in columns:
        cells = " ".join(f"{scores.confusion[(gold_kind, c)]:5d}" for c in columns)
        lines.append(f"{gold_kind:17}{cells}")
    return "\n".join(lines)


def evaluate_taggers(*, sentences: Sequence[dict], lexicon=None) -> dict[str, Scores]:
    """Score the raw model and extract_entities on the gold sentences."""
    from articles.ner import _raw_entities, _sanitize, extract_entities_batch

    texts = [sentence["text"] for sentence in sentences]
    truth = gold_triples(sentences)
    raw = _raw_entities([_sanitize(text) for text in texts], 32)
    cleaned = extract_entities_batch(texts, lexicon=lexicon)
    return {
        "model": score(truth, raw),
        "extract_entities": score(
            truth, [[(s.start, s.end, s.label) for s in spans] for spans in cleaned]
        ),
    }
