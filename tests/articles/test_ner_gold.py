"""The hand-annotated NER gold (tests/data/ner_gold.json): well-formed, split, big enough."""

import copy
import csv
import json
import unicodedata
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "data" / "ner_gold.json"
# The corpora sit beside the checkout; a worktree under /work/wt/ sits one level deeper.
CORPORA = next(
    (
        p
        for p in (REPO.parent / "shared" / "corpora", REPO.parent.parent / "shared" / "corpora")
        if p.is_dir()
    ),
    REPO.parent / "shared" / "corpora",
)
MASAKHANE = "masakhane-io__masakhane-news/"
LABELS = {"PER", "LOC", "ORG"}
# Names whose first word is an elided article (not a leading article of the running text).
ARTICLE_IN_NAME = {"L'Oréal"}
MIN_SENTENCES = 300
MIN_ORG = 300


def load() -> dict:
    """Read the gold file."""
    return json.loads(GOLD.read_text(encoding="utf-8"))


def document(sentence: dict) -> str:
    """Return the source document of a sentence: its id up to the '#'."""
    return sentence["id"].rsplit("#", 1)[0]


def is_edge_char(char: str) -> bool:
    """Tell whether a span may start or end with this character."""
    return unicodedata.category(char)[0] in "LN"


def sentence_problems(sentence: dict, labels: set[str]) -> list[str]:
    """List what is wrong with one annotated sentence."""
    text, sid, problems = sentence["text"], sentence["id"], []
    if sentence.get("split") not in ("dev", "test"):
        problems.append(f"{sid}: split {sentence.get('split')!r}")
    spans = sorted(sentence["spans"], key=lambda s: (s["start"], s["end"]))
    for span in spans:
        start, end, surface = span["start"], span["end"], span["text"]
        if not 0 <= start < end <= len(text):
            problems.append(f"{sid}: offsets {start}-{end} outside the text")
            continue
        if text[start:end] != surface:
            problems.append(f"{sid}: {surface!r} is not text[{start}:{end}]")
        if span["label"] not in labels:
            problems.append(f"{sid}: label {span['label']!r}")
        if "\n" in surface:
            problems.append(f"{sid}: {surface!r} crosses a line break")
        if not (is_edge_char(surface[0]) and (is_edge_char(surface[-1]) or surface[-1] == ")")):
            problems.append(f"{sid}: {surface!r} starts or ends with a space or punctuation")
        if surface[:2].lower() in ("l'", "d'", "l’", "d’") and surface not in ARTICLE_IN_NAME:
            problems.append(f"{sid}: {surface!r} starts with an elided article")
        if text[start - 1 : start].isalnum() or text[end : end + 1].isalnum():
            problems.append(f"{sid}: {surface!r} cuts a word")
        if text[end : end + 1] in ("-", "‑") and text[end + 1 : end + 2].isalnum():
            problems.append(f"{sid}: {surface!r} cuts a hyphenated compound")
        if start > 1 and text[start - 1] in ("-", "‑") and text[start - 2].isalnum():
            problems.append(f"{sid}: {surface!r} cuts a hyphenated compound")
    for before, after in pairwise(spans):
        if before["end"] > after["start"]:
            problems.append(f"{sid}: {before['text']!r} overlaps {after['text']!r}")
    return problems


def gold_problems(gold: dict) -> list[str]:
    """List what is wrong with the gold file as a whole."""
    labels = set(gold["labels"])
    problems = [] if labels == LABELS else [f"labels {sorted(labels)}"]
    ids = [s["id"] for s in gold["sentences"]]
    problems += [f"{sid}: duplicate id" for sid in sorted({i for i in ids if ids.count(i) > 1})]
    splits: dict[str, set[str]] = {}
    for sentence in gold["sentences"]:
        problems += sentence_problems(sentence, labels)
        splits.setdefault(document(sentence), set()).add(sentence["split"])
    problems += [f"{doc}: in both halves" for doc, halves in splits.items() if len(halves) > 1]
    halves = {h for hs in splits.values() for h in hs}
    if halves != {"dev", "test"}:
        problems.append(f"halves {sorted(halves)}")
    return problems


@cache
def masakhane_rows(path: str) -> list[dict]:
    """Read one MasakhaNEWS TSV file."""
    with (CORPORA / MASAKHANE / path).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def source_text(document: str) -> str:
    """Return the text of a source document: a Wikinews file or one MasakhaNEWS row."""
    if document.startswith("wikinews-fr/"):
        return (CORPORA / document).read_text(encoding="utf-8")
    path, row = document.removeprefix("masakhane-news/").rsplit(":", 1)
    article = masakhane_rows(path)[int(row) - 1]
    # The TSV writes the articles' line breaks as a backslash and an n.
    return (article["headline"] + "\n" + article["text"]).replace("\\n", "\n")


def test_the_gold_is_well_formed():
    assert gold_problems(load()) == []


def test_the_gold_is_big_enough_and_rich_in_organisations():
    sentences = load()["sentences"]
    orgs = [span for s in sentences for span in s["spans"] if span["label"] == "ORG"]
    assert len(sentences) >= MIN_SENTENCES
    assert len(orgs) >= MIN_ORG


def test_the_halves_are_about_equal():
    sentences = load()["sentences"]
    dev = sum(s["split"] == "dev" for s in sentences)
    assert abs(dev - (len(sentences) - dev)) <= len(sentences) // 10


def test_every_sentence_is_quoted_from_its_source():
    gold = load()
    for sentence in gold["sentences"]:
        assert (CORPORA / sentence["source"]).is_file(), sentence["source"]
        path = document(sentence).split(":")[0]
        assert sentence["source"] == path.replace("masakhane-news/", MASAKHANE, 1), sentence["id"]
        assert sentence["text"] in source_text(document(sentence)), sentence["id"]
    assert (REPO / gold["guide"]).is_file()


def with_sentence(text: str, *spans: tuple[int, int, str], split: str = "dev") -> dict:
    """Return a copy of the gold with one made-up sentence added."""
    gold = copy.deepcopy(load())
    gold["sentences"].append(
        {
            "id": "wikinews-fr/44231.txt#999",
            "source": "wikinews-fr/44231.txt",
            "split": split,
            "text": text,
            "spans": [
                {"start": a, "end": z, "label": label, "text": text[a:z]} for a, z, label in spans
            ],
        }
    )
    return gold


TEXT = "Selon l'ONU, le Conseil de sécurité\nse réunit à New York."


@pytest.mark.parametrize(
    ("gold", "problem"),
    [
        (with_sentence(TEXT, (8, 11, "MISC")), "label 'MISC'"),
        (with_sentence(TEXT, (8, 12, "ORG")), "punctuation"),
        (with_sentence(TEXT, (5, 11, "ORG")), "punctuation"),
        (with_sentence(TEXT, (6, 11, "ORG")), "elided article"),
        (with_sentence(TEXT, (9, 11, "ORG")), "cuts a word"),
        (with_sentence("Le Sars-CoV-2 circule.", (3, 7, "LOC")), "hyphenated compound"),
        (with_sentence(TEXT, (16, 38, "ORG")), "crosses a line break"),
        (with_sentence(TEXT, (16, 35, "ORG"), (24, 35, "ORG")), "overlaps"),
        (with_sentence(TEXT, (48, 60, "LOC")), "outside the text"),
        (with_sentence(TEXT, (16, 35, "ORG"), split="train"), "split 'train'"),
    ],
    ids=[
        "label",
        "trailing",
        "leading",
        "elision",
        "cut",
        "hyphen",
        "newline",
        "overlap",
        "outside",
        "split",
    ],
)
def test_a_broken_sentence_is_caught(gold, problem):
    assert any(problem in p for p in gold_problems(gold)), gold_problems(gold)


def test_a_span_whose_text_differs_from_its_offsets_is_caught():
    gold = with_sentence(TEXT, (8, 11, "ORG"))
    gold["sentences"][-1]["spans"][0]["text"] = "OMS"
    assert any("is not text[8:11]" in p for p in gold_problems(gold))


def test_a_document_in_both_halves_is_caught():
    gold = load()
    dev = next(s for s in gold["sentences"] if s["split"] == "dev")
    twin = {**copy.deepcopy(dev), "id": document(dev) + "#999", "split": "test"}
    gold["sentences"].append(twin)
    assert f"{document(dev)}: in both halves" in gold_problems(gold)


def test_a_gold_with_one_half_only_is_caught():
    gold = load()
    for sentence in gold["sentences"]:
        sentence["split"] = "dev"
    assert "halves ['dev']" in gold_problems(gold)


def test_a_duplicate_id_is_caught():
    gold = load()
    gold["sentences"].append(copy.deepcopy(gold["sentences"][0]))
    assert f"{gold['sentences'][0]['id']}: duplicate id" in gold_problems(gold)
