"""The shapes ner works with: spans, the editors' lexicon, and normalised forms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

Label = Literal["PER", "LOC", "ORG", "MISC"]


@dataclass(frozen=True)
class Span:
    """An entity mention: character offsets into the text passed in, and what it names."""

    start: int
    end: int
    label: str  # a Label: PER, LOC, ORG or MISC
    text: str  # == text[start:end]
    canonical: str  # the name to resolve to: the text, or a full name (acronym, surname)
    origin: str  # "model" (spaCy) or "rule" (lexicon or acronym rule)


@dataclass(slots=True)
class _Cand:
    """A span under construction; the document-level rules mutate it."""

    start: int
    end: int
    label: str
    canonical: str
    origin: str


@dataclass(frozen=True)
class Lexicon:
    """Editors' curated data, loaded from the database by the caller."""

    aliases: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    rejected: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, entries: Iterable[tuple[str, str, str]], rejected: Iterable[str] = ()
    ) -> Lexicon:
        """Build a lexicon from (surface, label, canonical) rows and rejected surfaces."""
        aliases = {normalize_form(s): (label, canon) for s, label, canon in entries}
        return cls(aliases=aliases, rejected=frozenset(normalize_form(s) for s in rejected))

    @cached_property
    def _phrases(self) -> tuple[dict[tuple[str, ...], tuple[str, str]], dict[str, int]]:
        """Index aliases by their token tuple; return the index and, for each first token,
        the longest alias it starts."""
        index = {
            tuple(_TOKEN_RE.findall(normalize_form(key))): value
            for key, value in self.aliases.items()
        }
        index.pop((), None)
        longest: dict[str, int] = {}
        for phrase in index:
            longest[phrase[0]] = max(longest.get(phrase[0], 0), len(phrase))
        return index, longest


# --- normalisation ------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        **dict.fromkeys("-‐‑‒–—―−'’ʼ‘`", " "),
        "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "þ": "th",
    }
)  # fmt: skip


@lru_cache(maxsize=100_000)
def token_keys(word: str) -> tuple[str, ...]:
    """Return the folded tokens of one word of text (cached: words repeat)."""
    return tuple(_TOKEN_RE.findall(normalize_form(word)))


def normalize_form(surface: str) -> str:
    """Return the case-, accent-, dash- and apostrophe-insensitive key of a surface form."""
    decomposed = unicodedata.normalize("NFKD", surface.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_FOLD).split())


_TOKEN_RE = re.compile(r"\w[\w\u0300-\u036f]*|[^\w\s'’ʼ‘`‐‑‒–—―−-]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _sanitize(text: str) -> str:
    """Replace control characters by newlines (same length, so offsets stay valid)."""
    # The model tags runs of NULs as PER; as line breaks they are harmless and no name
    # can span them ("Jean\x00Dupont" is not a clean surface).
    return _CONTROL_RE.sub("\n", text)
