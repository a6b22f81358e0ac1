"""Build a deterministic corpus of French dispatches from real news text.

The sentences come from MasakhaNEWS (French, BBC Afrique) and the reference dispatches.
Each dispatch takes a window of one article's sentences, sometimes with a few sentences
of another article mixed in, regrouped into paragraphs, under a headline and an opener
such as ``DAKAR, 1er juin 2019 (Reuters) -``. Dates spread over 2014-2024 and sources
over AFP, Reuters and AP. Every (headline, body) pair is unique, so every dispatch
imports as a new article. Pure standard library plus ``articles.parsing`` (no Django).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from articles.parsing import parse_dispatches

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora" / "masakhane-io__masakhane-news"
SOURCES_TSV = (
    CORPORA / "data" / "fra" / "dev.tsv",
    CORPORA / "data" / "fra" / "test.tsv",
    CORPORA / "few_shot_data" / "50_samples" / "fra" / "train.tsv",
)
REFERENCE = REPO / "fixtures" / "dispatches" / "reference.txt"

DEFAULT_SEED = 2016
FORMAT = 3  # bump when the output changes for a given seed, so cached corpora are rebuilt
PER_FILE = 20
FIRST_DAY = datetime.date(2014, 1, 1)
LAST_DAY = datetime.date(2024, 12, 31)
AGENCIES = (("AFP", 60), ("Reuters", 25), ("AP", 15))
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
PLACES = (
    "PARIS", "BEYROUTH", "DAKAR", "ABIDJAN", "KINSHASA", "BRUXELLES", "GENÈVE", "NEW YORK",
    "WASHINGTON", "LONDRES", "MOSCOU", "ANKARA", "ALGER", "TUNIS", "RABAT", "BAMAKO",
    "NIAMEY", "LAGOS", "NAIROBI", "JOHANNESBURG", "LE CAIRE", "JÉRUSALEM", "BERLIN", "ROME",
    "MADRID", "PÉKIN", "TOKYO", "MONTRÉAL", "YAOUNDÉ", "LOMÉ", "COTONOU", "OUAGADOUGOU",
    "CONAKRY", "KIGALI", "LIBREVILLE", "BRAZZAVILLE", "ANTANANARIVO", "PORT-AU-PRINCE",
    "NOUAKCHOTT", "N'DJAMENA", "ADDIS ABEBA", "KHARTOUM", "DAMAS", "BAGDAD", "KIEV",
    "STRASBOURG", "MARSEILLE", "LYON",
)  # fmt: skip
HEADLINE_SUFFIXES = ("", "", "", " (officiel)", ", selon des sources concordantes", " (presse)")

_SENTENCE_BREAK = re.compile(r"(?<=[.!?»])\s+(?=[«\"A-ZÀ-ÖØ-Þ0-9])")
_SENTENCE_END = re.compile(r"[.!?»]$")
# A full stop after a title or an initial does not end a sentence: "M. Ayew", "J. Biden".
_ABBREVIATION_END = re.compile(r"(?:^|\s)(?:[A-Z]|MM?|Mmes?|Mlle|Dr|Pr|Me|Mgr|St|Ste)\.$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Story:
    """A source article: its headline and its sentences."""

    headline: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class CorpusInfo:
    size: int
    seed: int
    format: int
    files: int
    words: int
    bytes: int
    path: str


def split_sentences(text: str) -> list[str]:
    """Split running text into complete sentences (an unfinished tail is dropped)."""
    sentences: list[str] = []
    for piece in _SENTENCE_BREAK.split(_SPACES.sub(" ", text).strip()):
        if sentences and _ABBREVIATION_END.search(sentences[-1]):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s for s in sentences if _SENTENCE_END.search(s) and len(s.split()) >= 4]


def _usable_headline(headline: str) -> str:
    """Return a one-line headline the parser reads as a headline, or '' if it cannot."""
    headline = _SPACES.sub(" ", headline).strip().rstrip(".,;:").strip()[:150]
    probe = f"{headline}\n\nPARIS, 1er janvier 2016 (AFP) - Un texte de contrôle.\n"
    found = parse_dispatches(probe)
    ok = len(found) == 1 and found[0].title == headline and not found[0].title_derived
    return headline if ok else ""


def load_stories() -> list[Story]:
    """Read the source articles, in a fixed order, skipping unusable ones."""
    csv.field_size_limit(10**8)
    stories, seen = [], set()
    for path in SOURCES_TSV:
        with path.open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream, delimiter="\t"):
                headline = _usable_headline(row["headline"])
                sentences = tuple(split_sentences(row["text"]))
                if headline and len(sentences) >= 3 and headline not in seen:
                    seen.add(headline)
                    stories.append(Story(headline, sentences))
    for dispatch in parse_dispatches(REFERENCE.read_text(encoding="utf-8")):
        headline = _usable_headline(dispatch.title)
        if headline:
            stories.append(Story(headline, tuple(split_sentences(dispatch.body))))
    return stories


def _date_line(rng: random.Random) -> str:
    day = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def _headline(rng: random.Random, story: Story, place: str) -> str:
    roll = rng.random()
    if roll < 0.15:
        city = place.title() if place.isupper() else place
        return f"{city}: {story.headline}"[:180]
    return (story.headline + rng.choice(HEADLINE_SUFFIXES))[:180]


def _body(rng: random.Random, story: Story, other: Story) -> list[str]:
    """Return the body's paragraphs: a window of the story, maybe a few borrowed lines."""
    count = min(len(story.sentences), rng.randint(5, 14))
    start = rng.randrange(len(story.sentences) - count + 1)
    sentences = list(story.sentences[start : start + count])
    if rng.random() < 0.6:
        borrowed = rng.randint(1, 3)
        at = rng.randrange(len(other.sentences) - min(borrowed, len(other.sentences)) + 1)
        insert_at = rng.randint(1, len(sentences))
        sentences[insert_at:insert_at] = other.sentences[at : at + borrowed]
    paragraphs, index = [], 0
    while index < len(sentences):
        size = rng.choice((1, 2, 2, 3))
        paragraphs.append(" ".join(sentences[index : index + size]))
        index += size
    return paragraphs


def iter_dispatch_texts(size: int, seed: int = DEFAULT_SEED) -> Iterator[str]:
    """Yield `size` unique dispatch texts (headline, blank line, opener and body)."""
    rng = random.Random(seed)
    stories = load_stories()
    agencies = [name for name, _ in AGENCIES]
    weights = [weight for _, weight in AGENCIES]
    seen: set[bytes] = set()
    produced = 0
    while produced < size:
        story, other = rng.choice(stories), rng.choice(stories)
        place = rng.choice(PLACES)
        agency = rng.choices(agencies, weights)[0]
        dash = "–" if rng.random() < 0.1 else "-"
        paragraphs = _body(rng, story, other)
        headline = _headline(rng, story, place)
        # The importer's content hash ignores how words are split into paragraphs.
        words = " ".join([headline, *paragraphs]).split()
        digest = hashlib.blake2b(" ".join(words).encode(), digest_size=12).digest()
        if digest in seen:
            continue
        seen.add(digest)
        opener = f"{place}, {_date_line(rng)} ({agency}) {dash} "
        yield "\n\n".join([headline, opener + paragraphs[0], *paragraphs[1:]])
        produced += 1


def corpus_dir(base: Path, size: int, seed: int) -> Path:
    return base / f"corpus-{size}-seed{seed}"


def build_corpus(*, size: int, out_dir: Path, seed: int = DEFAULT_SEED) -> CorpusInfo:
    """Write `size` dispatches, PER_FILE a file, into out_dir (reused when complete)."""
    manifest = out_dir / "manifest.json"
    if manifest.is_file():
        found = json.loads(manifest.read_text())
        if (found.get("size"), found.get("seed"), found.get("format")) == (size, seed, FORMAT):
            return CorpusInfo(**found)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("dispatches-*.txt"):
        old.unlink()
    files = words = total_bytes = 0
    batch: list[str] = []

    def flush() -> None:
        nonlocal files, total_bytes
        files += 1
        # Mix the two separators the parser knows: a "---" line and, one time in three,
        # a form feed.
        parts = [batch[0]]
        for index, text in enumerate(batch[1:], start=files):
            parts += ["\n\f\n" if index % 3 == 0 else "\n\n---\n\n", text]
        data = ("".join(parts) + "\n").encode("utf-8")
        (out_dir / f"dispatches-{files:06d}.txt").write_bytes(data)
        total_bytes += len(data)
        batch.clear()

    for text in iter_dispatch_texts(size, seed):
        batch.append(text)
        words += len(text.split())
        if len(batch) == PER_FILE:
            flush()
    if batch:
        flush()
    info = CorpusInfo(size, seed, FORMAT, files, words, total_bytes, str(out_dir))
    manifest.write_text(json.dumps(asdict(info), indent=2))
    return info


def corpus_files(out_dir: Path) -> list[Path]:
    """Return the corpus files in order."""
    return sorted(out_dir.glob("dispatches-*.txt"))
