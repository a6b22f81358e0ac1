"""Measure story grouping on the labelled cases: B-cubed and pairwise precision and recall.

`python -m bench.story_quality` replays tests/data/story_cases.json through
`articles.grouping` the way the story service decides, on the dev and the test half of the
families, and prints a table, the version kinds recognised, a threshold sweep on the dev
half and the hardest pairs for the thresholds. `--errors` lists the wrong merges and splits.

Replay: dispatches in the service's order key (date, `versions.STAGE[kind]` plus the lead's
number, id); each one is compared with the earlier dispatches of the 72-hour window, either
all of them ("window") or only those that share an LSH key ("lsh": the thirty sharing the
most keys, as `articles.stories` reads them), and joins the story of the best verified
candidate, else a story of its own. Pure Python, no Django.
"""

from __future__ import annotations

import argparse
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from articles import grouping, versions
from articles.parsing import derive_title
from bench.story_cases import CASES, load_cases, split_of

WINDOW = datetime.timedelta(hours=72)  # settings.STORY_WINDOW_HOURS
MAX_CANDIDATES = 30  # articles.stories.MAX_CANDIDATES
FLAGGED_KINDS = (versions.CORRECTION, versions.ANNULMENT)
SWEEP_JACCARD = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
SWEEP_CONTAINMENT = (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9)


@dataclass(frozen=True)
class Dispatch:
    """A case as the service sees it: the kind read from its headline, its fingerprint."""

    id: int
    family: str
    role: str
    at: datetime.datetime
    kind: str
    kind_expected: str
    order: tuple
    title: str
    fingerprint: grouping.Fingerprint


_PREPARED: dict[tuple, Dispatch] = {}


def prepare(case: dict) -> Dispatch:
    """Read a case's markers and fingerprint it exactly as import and grouping do."""
    key = (case["id"], case["raw_title"], case["body"], case["date"])
    found = _PREPARED.get(key)
    if found is None:
        markers = versions.read_markers(case["raw_title"])
        title = markers.title or derive_title(case["body"])
        at = datetime.datetime.combine(
            datetime.date.fromisoformat(case["date"]), datetime.time(0), tzinfo=datetime.UTC
        )
        stage = versions.STAGE.get(markers.kind, 40) + (markers.number or 0)
        found = _PREPARED[key] = Dispatch(
            id=case["id"],
            family=case["family"],
            role=case.get("role", ""),
            at=at,
            kind=markers.kind,
            kind_expected=case["kind_expected"],
            order=(at, stage, case["id"]),
            title=title,
            fingerprint=grouping.fingerprint(title, case["body"]),
        )
    return found


def replay(
    dispatches: Sequence[Dispatch], thresholds: grouping.Thresholds, *, use_lsh: bool
) -> dict[int, int]:
    """The story of every dispatch (labelled by its first dispatch's id)."""
    ordered = sorted(dispatches, key=lambda d: d.order)
    by_key: dict[int, list[Dispatch]] = defaultdict(list)
    for dispatch in ordered:
        for key in dispatch.fingerprint.keys:
            by_key[key].append(dispatch)
    story: dict[int, int] = {}
    for index, dispatch in enumerate(ordered):
        if use_lsh:
            shared: Counter[int] = Counter()
            known: dict[int, Dispatch] = {}
            for key in dispatch.fingerprint.keys:
                for other in by_key[key]:
                    if other.id != dispatch.id and abs(other.at - dispatch.at) <= WINDOW:
                        shared[other.id] += 1
                        known[other.id] = other
            nearest = sorted(shared, key=lambda pk: (-shared[pk], pk))[:MAX_CANDIDATES]
            candidates = [known[pk] for pk in nearest if known[pk].order < dispatch.order]
        else:
            candidates = [o for o in ordered[:index] if dispatch.at - o.at <= WINDOW]
        decision = grouping.decide(
            dispatch.fingerprint,
            dispatch.kind,
            [
                grouping.Candidate(
                    c.id, story[c.id], c.fingerprint.shingles, c.fingerprint.title_key
                )
                for c in candidates
            ],
            thresholds,
        )
        story[dispatch.id] = dispatch.id if decision.story_id is None else decision.story_id
    return story


def _clusters(labels: dict[int, object]) -> dict[object, set[int]]:
    clusters: dict[object, set[int]] = defaultdict(set)
    for item, label in labels.items():
        clusters[label].add(item)
    return clusters


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def bcubed(predicted: dict[int, object], gold: dict[int, object]) -> dict[str, float]:
    """B-cubed precision, recall and F1: per dispatch, averaged over the dispatches."""
    found, truth = _clusters(predicted), _clusters(gold)
    precision = recall = 0.0
    for item in gold:
        mine, right = found[predicted[item]], truth[gold[item]]
        both = len(mine & right)
        precision += both / len(mine)
        recall += both / len(right)
    precision, recall = precision / len(gold), recall / len(gold)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def pairwise(predicted: dict[int, object], gold: dict[int, object]) -> dict[str, float]:
    """Precision and recall over pairs of dispatches put in one story."""
    cells = Counter((predicted[i], gold[i]) for i in gold)
    right = sum(_pairs(n) for n in cells.values())
    claimed = sum(_pairs(len(c)) for c in _clusters(predicted).values())
    true = sum(_pairs(len(c)) for c in _clusters(gold).values())
    precision = right / claimed if claimed else 1.0
    recall = right / true if true else 1.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def _describe(dispatch: Dispatch) -> dict:
    return {
        "id": dispatch.id,
        "family": dispatch.family,
        "role": dispatch.role,
        "kind": dispatch.kind,
        "title": dispatch.title[:90],
    }


def errors(dispatches: Sequence[Dispatch], predicted: dict[int, int]) -> dict[str, list]:
    """The stories that mix families, and the families split over several stories."""
    by_id = {d.id: d for d in dispatches}
    merges = []
    for members in _clusters(predicted).values():
        families = {by_id[i].family for i in members}
        if len(families) > 1:
            merges.append([_describe(by_id[i]) for i in sorted(members)])
    splits = []
    for family, members in sorted(_clusters({d.id: d.family for d in dispatches}).items()):
        stories = _clusters({i: predicted[i] for i in members})
        if len(stories) > 1:
            parts = sorted(stories.values(), key=min)
            splits.append({
                "family": family,
                "parts": [[_describe(by_id[i]) for i in sorted(part)] for part in parts],
            })  # fmt: skip
    return {"merges": merges, "splits": splits}


def flagged(dispatches: Iterable[Dispatch]) -> dict:
    """How many corrections and annulments have their version kind read from the headline."""
    result: dict = {}
    for kind in FLAGGED_KINDS:
        expected = [d for d in dispatches if d.kind_expected == kind]
        result[kind] = {
            "expected": len(expected),
            "recognised": sum(d.kind == kind for d in expected),
            "missed": [d.id for d in expected if d.kind != kind],
        }
    total = sum(r["expected"] for r in result.values())
    result["share"] = sum(r["recognised"] for r in result.values()) / total if total else 1.0
    return result


def evaluate(
    cases: Sequence[dict],
    thresholds: grouping.Thresholds = grouping.DEFAULT_THRESHOLDS,
    use_lsh: bool = True,
) -> dict:
    """Replay the cases and score the stories against the gold families."""
    dispatches = [prepare(case) for case in cases]
    predicted = replay(dispatches, thresholds, use_lsh=use_lsh)
    gold = {d.id: d.family for d in dispatches}
    kinds = Counter((d.kind_expected, d.kind) for d in dispatches)
    return {
        "dispatches": len(dispatches),
        "families": len(set(gold.values())),
        "stories": len(set(predicted.values())),
        "bcubed": bcubed(predicted, gold),
        "pairwise": pairwise(predicted, gold),
        "flagged": flagged(dispatches),
        "kinds": {
            "recognised": sum(n for (want, got), n in kinds.items() if want == got)
            / max(1, len(dispatches)),
            "confusions": {f"{w}->{g}": n for (w, g), n in sorted(kinds.items()) if w != g},
        },
        "errors": errors(dispatches, predicted),
        "stories_by_id": predicted,
    }


def half(cases: dict | Sequence[dict], name: str) -> list[dict]:
    """The dispatches of one half ("dev", "test") of the families, or all of them."""
    dispatches = cases["dispatches"] if isinstance(cases, dict) else cases
    return [c for c in dispatches if name == "all" or split_of(c["family"]) == name]


def sweep(
    cases: Sequence[dict],
    base: grouping.Thresholds = grouping.DEFAULT_THRESHOLDS,
    *,
    use_lsh: bool = True,
    jaccards: Sequence[float] = SWEEP_JACCARD,
    containments: Sequence[float] = SWEEP_CONTAINMENT,
) -> dict[tuple[float, float], float]:
    """B-cubed F1 for each (jaccard, containment) pair of the grid."""
    return {
        (j, c): evaluate(cases, replace(base, jaccard=j, containment=c), use_lsh)["bcubed"]["f1"]
        for j in jaccards
        for c in containments
    }


def margins(cases: Sequence[dict], count: int = 6) -> dict[str, list[dict]]:
    """The hardest cases for the thresholds, every earlier dispatch of the window compared:
    the dispatches whose best earlier version scores lowest (title matches aside), and the
    highest-scoring pairs of different families."""
    ordered = sorted((prepare(case) for case in cases), key=lambda d: d.order)
    weakest, strongest = [], []
    for index, dispatch in enumerate(ordered):
        best = None
        for other in ordered[:index]:
            if dispatch.at - other.at > WINDOW:
                continue
            sim = grouping.similarity(dispatch.fingerprint.shingles, other.fingerprint.shingles)
            row = {"sim": sim, "dispatch": _describe(dispatch), "other": _describe(other)}
            if other.family != dispatch.family:
                strongest.append(row)
            elif best is None or sim.score > best["sim"].score:
                best = row
        titled = dispatch.kind in grouping.DEFAULT_THRESHOLDS.title_only_kinds
        if best is not None and not titled:
            weakest.append(best)
    weakest.sort(key=lambda row: row["sim"].score)
    strongest.sort(key=lambda row: -row["sim"].score)
    return {"same family, weakest": weakest[:count], "other families, strongest": strongest[:count]}


def _row(name: str, mode: str, result: dict) -> str:
    b3, pw, fl = result["bcubed"], result["pairwise"], result["flagged"]
    marks = " ".join(f"{fl[k]['recognised']}/{fl[k]['expected']}" for k in FLAGGED_KINDS)
    return (
        f"{name:<5} {mode:<7} {result['dispatches']:>5} {result['families']:>5} "
        f"{result['stories']:>5}  {b3['precision']:.3f}  {b3['recall']:.3f}  {b3['f1']:.3f}"
        f"   {pw['precision']:.3f}  {pw['recall']:.3f}   {marks}"
    )


def _grid(grid: dict[tuple[float, float], float], thresholds: grouping.Thresholds) -> list[str]:
    best = max(grid.values())
    lines = ["jaccard \\ containment " + "".join(f"{c:>8}" for c in SWEEP_CONTAINMENT)]
    for j in SWEEP_JACCARD:
        cells = []
        for c in SWEEP_CONTAINMENT:
            text = f"{grid[j, c]:.3f}" + ("*" if grid[j, c] == best else " ")
            if (j, c) == (thresholds.jaccard, thresholds.containment):
                text = f"[{text}]"
            cells.append(f"{text:>8}")
        lines.append(f"{j:<22}" + "".join(cells))
    return lines


def _errors(found: dict, mode: str) -> list[str]:
    lines = ["", f"wrong merges ({len(found['merges'])}), mode {mode}:"]
    for members in found["merges"]:
        lines += ["  story:"] + [
            f"    {m['id']:>4} {m['family']:<22} {m['role']:<10} {m['title']}" for m in members
        ]
    lines += [f"split families ({len(found['splits'])}), mode {mode}:"]
    for split in found["splits"]:
        parts = " | ".join(
            "; ".join(f"{m['id']} {m['role']}" for m in part) for part in split["parts"]
        )
        lines.append(f"  {split['family']:<22} {parts}")
    return lines


def report(cases: dict, thresholds: grouping.Thresholds, *, show_errors: bool) -> str:
    lines = [
        f"Story grouping on {CASES.name}: jaccard {thresholds.jaccard}, containment "
        f"{thresholds.containment}, containment_min_shingles "
        f"{thresholds.containment_min_shingles}",
        "",
        "half  mode     disp  fams  stor  B3-P   B3-R   B3-F1   pair-P pair-R  "
        "flagged (corr. annul.)",
    ]
    results = {}
    for name in ("dev", "test", "all"):
        for mode, use_lsh in (("window", False), ("lsh", True)):
            results[name, mode] = evaluate(half(cases, name), thresholds, use_lsh)
            lines.append(_row(name, mode, results[name, mode]))
    everything = results["all", "lsh"]
    lines += [
        "",
        f"version kinds read as expected: {everything['kinds']['recognised']:.1%}; "
        f"confusions: {everything['kinds']['confusions'] or 'none'}",
    ]
    grids = {}
    for mode in ("lsh", "window"):
        grids[mode] = sweep(half(cases, "dev"), thresholds, use_lsh=mode == "lsh")
        lines += ["", f"sweep, dev half, mode {mode}: B-cubed F1 (* best, [ ] current)"]
        lines += _grid(grids[mode], thresholds)
    tops = {mode: max(grid.values()) for mode, grid in grids.items()}
    both = [cell for cell in grids["lsh"] if all(grids[m][cell] == tops[m] for m in grids)]
    current = (thresholds.jaccard, thresholds.containment)
    lines.append("")
    if both:
        lines.append(
            f"best on dev in both modes: jaccard {min(j for j, _ in both)}-"
            f"{max(j for j, _ in both)}, containment {min(c for _, c in both)}-"
            f"{max(c for _, c in both)} ({len(both)} cells); the current thresholds "
            + ("are among them" if current in both else "are not")
        )
    else:
        lines.append("no cell of the grid is best on dev in both modes")
    for title, rows in margins(half(cases, "all")).items():
        lines += ["", f"{title} (every earlier dispatch of the window):"]
        for row in rows:
            sim, a, b = row["sim"], row["dispatch"], row["other"]
            lines.append(
                f"  J {sim.jaccard:.2f} C {sim.containment:.2f} n {sim.smaller:>4}  "
                f"{a['id']:>4} {a['role']:<10} {a['family']:<20} <- "
                f"{b['id']:>4} {b['role']:<10} {b['family']}"
            )
    if show_errors:
        for mode in ("window", "lsh"):
            lines += _errors(results["all", mode]["errors"], mode)
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.story_quality", description=__doc__)
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--errors", action="store_true", help="list wrong merges and splits")
    args = parser.parse_args(argv)
    print(report(load_cases(args.cases), grouping.DEFAULT_THRESHOLDS, show_errors=args.errors))


if __name__ == "__main__":
    main()
