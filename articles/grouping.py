"""Story grouping, the pure part: text in, signatures, LSH keys and decisions out. No Django.

A story's versions share most of their words, so a dispatch is compared with the earlier
dispatches of the time window on its word 3-shingles:

- **Candidates** come from MinHash signatures (datasketch) cut into LSH bands: two texts
  whose Jaccard similarity is about 0.5 share a band with a probability near 0.9, texts
  that share little almost never do. Each band is hashed into one 64-bit key, and the keys
  are what the database stores and indexes. Three signatures per dispatch:
  the whole body, its lede (first words: a one-sentence URGENT is the lede of its lead)
  and its cleaned title (one exact key, for annulments and corrections whose text is new).
- **Verification** compares the shingle sets themselves: Jaccard similarity for copies,
  reprises and corrections, containment for a short version inside a longer one.

Everything is deterministic: the same texts give the same keys and the same decisions in
every process (the hashes are keyed blake2b and sha1, never Python's salted `hash`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

SHINGLE = 3  # words per shingle
PERMUTATIONS = 128
BODY_BANDS, BODY_ROWS = 32, 4  # candidate at Jaccard ~0.5 with probability ~0.87
LEDE_WORDS = 20
LEDE_PERMUTATIONS = 64
LEDE_BANDS, LEDE_ROWS = 16, 4
TITLE_MIN_WORDS = 3
SEED = 20_161_203


@dataclass(frozen=True)
class Thresholds:
    """When a candidate is the same story. Tuned on tests/data/story_cases.json."""

    jaccard: float = 0.45  # copies, reprises, corrections: most shingles shared
    containment: float = 0.65  # a shorter version inside a longer one
    containment_min_shingles: int = 6  # below this, containment alone proves nothing
    title_only_kinds: frozenset[str] = frozenset({"correction", "annulment"})


DEFAULT_THRESHOLDS = Thresholds()

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The comparable words of a text: casefolded, accents stripped, punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain)


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> frozenset[str]:
    """Word n-grams of a token list; a text shorter than n is one shingle."""
    if not tokens:
        return frozenset()
    if len(tokens) < size:
        return frozenset({" ".join(tokens)})
    return frozenset(" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def _key(namespace: bytes, values: Iterable[int] | bytes) -> int:
    data = values if isinstance(values, bytes) else np.asarray(values, dtype=np.uint64).tobytes()
    digest = hashlib.blake2b(data, digest_size=8, key=namespace).digest()
    return int.from_bytes(digest, "big", signed=True)


_MINHASHES: dict[int, MinHash] = {}


def _signature(items: frozenset[str], permutations: int) -> np.ndarray:
    # Building the permutations is most of a MinHash's cost: copy a prepared one.
    template = _MINHASHES.get(permutations)
    if template is None:
        template = _MINHASHES[permutations] = MinHash(num_perm=permutations, seed=SEED)
    minhash = template.copy()
    minhash.update_batch([item.encode("utf-8") for item in sorted(items)])
    return minhash.hashvalues


def band_keys(signature: np.ndarray, bands: int, rows: int, namespace: bytes) -> list[int]:
    return [
        _key(namespace + bytes([band]), signature[band * rows : (band + 1) * rows])
        for band in range(bands)
    ]


def title_key(title: str) -> int | None:
    """One key for a cleaned title of at least three words, else None."""
    tokens = words(title)
    if len(tokens) < TITLE_MIN_WORDS:
        return None
    return _key(b"title", " ".join(tokens).encode("utf-8"))


@dataclass(frozen=True)
class Fingerprint:
    shingles: frozenset[str]
    keys: tuple[int, ...]  # every LSH key: body bands, lede bands, title
    title_key: int | None


def fingerprint(title: str, body: str) -> Fingerprint:
    """The shingles and LSH keys of one dispatch (title without its markers, and body)."""
    tokens = words(body)
    body_shingles = shingles(tokens)
    keys: list[int] = []
    if body_shingles:
        keys += band_keys(_signature(body_shingles, PERMUTATIONS), BODY_BANDS, BODY_ROWS, b"body")
        lede = shingles(tokens[:LEDE_WORDS])
        keys += band_keys(_signature(lede, LEDE_PERMUTATIONS), LEDE_BANDS, LEDE_ROWS, b"lede")
    tkey = title_key(title)
    if tkey is not None:
        keys.append(tkey)
    return Fingerprint(body_shingles, tuple(dict.fromkeys(keys)), tkey)


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float
    smaller: int  # shingles in the smaller text

    @property
    def score(self) -> float:
        return max(self.jaccard, self.containment)


def similarity(a: frozenset[str], b: frozenset[str]) -> Similarity:
    if not a or not b:
        return Similarity(0.0, 0.0, 0)
    shared = len(a & b)
    smaller = min(len(a), len(b))
    return Similarity(shared / (len(a) + len(b) - shared), shared / smaller, smaller)


@dataclass(frozen=True)
class Candidate:
    """An earlier dispatch of the window, with what it shares with the new one."""

    article_id: int
    story_id: int
    shingles: frozenset[str]
    title_key: int | None = None


@dataclass(frozen=True)
class Decision:
    story_id: int | None  # None: a story of its own
    article_id: int | None  # the version it was matched with
    score: float = 0.0
    reason: str = ""  # "text", "containment" or "title"


def same_story(sim: Similarity, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[bool, str]:
    if sim.jaccard >= thresholds.jaccard:
        return True, "text"
    if (
        sim.containment >= thresholds.containment
        and sim.smaller >= thresholds.containment_min_shingles
    ):
        return True, "containment"
    return False, ""


def decide(
    new: Fingerprint,
    kind: str,
    candidates: Sequence[Candidate],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Decision:
    """Choose the story a dispatch joins among verified earlier candidates, or a story of
    its own.

    A candidate matching on text and headline beats one matching on either. An annulment
    names the dispatch it annuls by its headline, and annulment notices look alike: for
    one, the headline beats the text. For a correction, the text beats the headline (a
    generic headline, « Bourse de Paris », recurs daily). Then the best score, then the
    earliest article.
    """
    titled_kind = kind in thresholds.title_only_kinds and new.title_key is not None
    best: tuple[tuple, Decision] | None = None
    for candidate in sorted(candidates, key=lambda c: c.article_id):
        sim = similarity(new.shingles, candidate.shingles)
        by_text, reason = same_story(sim, thresholds)
        by_title = titled_kind and new.title_key == candidate.title_key
        if not (by_text or by_title):
            continue
        if by_text and by_title:
            tier = 2
        elif by_title:
            tier, reason = (1 if kind == "annulment" else 0), "title"
        else:
            tier = 0 if kind == "annulment" and titled_kind else 1
        rank = (tier, sim.score, -candidate.article_id)
        if best is None or rank > best[0]:
            best = (rank, Decision(candidate.story_id, candidate.article_id, sim.score, reason))
    return best[1] if best else Decision(None, None)
