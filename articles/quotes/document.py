"""The dispatch as the attribution rules read it: tokens, mentions, noun phrases."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from articles.quotes.records import MentionLike
from articles.quotes.vocabulary import (
    _ADVERBS,
    _ARTICLES,
    _AUX,
    _BE,
    _BOUNDARY,
    _DETS,
    _FEMININE_NAMES,
    _FEMININE_ROLES,
    _FEMININE_TITLES,
    _LINKS,
    _PREPOSITIONS,
    _PRONOUNS,
    _ROLES,
    _STOPS,
    _TITLES,
    _TOKEN,
    _VERBS,
    _WINDOW,
)

# --- the document as the attribution rules read it -----------------------------------


@dataclass(frozen=True)
class _Attribution:
    start: int | None
    end: int | None
    verb: str | None
    speaker: int | None = None  # position in _Doc.mentions, not yet the caller's index
    plural: bool = False
    gender: str = ""  # "f", "m" or "" (unknown)
    role: str = ""  # the role or institution word heading it
    resolved: bool = False


_NONE = _Attribution(None, None, None, resolved=True)


class _Doc:
    """The text with quotations blanked out, its tokens, sentences and usable mentions."""

    def __init__(
        self, text: str, mentions: Sequence[MentionLike], pairs: list[tuple[int, int]], blank: bool
    ):
        self.text = text
        pieces, last = [], 0
        for opening, closing in pairs:
            pieces += [text[last : opening + 1], " " * (closing - opening - 1)]
            last = closing
        self.masked = masked = "".join([*pieces, text[last:]])
        self.inner = [(opening + 1, closing) for opening, closing in pairs]
        self.inner_starts = [s for s, _ in self.inner]
        tokens = list(_TOKEN.finditer(masked))
        self.ts = [t.start() for t in tokens]
        self.te = [t.end() for t in tokens]
        self.raw = [t.group() for t in tokens]
        self.w = [t.casefold().replace("’", "'") for t in self.raw]
        self.bounds_start, self.bounds_end, self.paragraphs = [], [], [0]
        for b in _BOUNDARY[blank].finditer(masked):
            if b.group() == "." and self._abbreviation(b.start()):
                continue
            self.bounds_start.append(b.start())
            self.bounds_end.append(b.end())
            if "\n" in b.group():
                self.paragraphs.append(b.end())
        usable = [
            (m.start, m.end, m.label, m.canonical, i)
            for i, m in enumerate(mentions)
            if m.label in ("PER", "ORG", "LOC")
            and 0 <= m.start < m.end <= len(text)
            and not self.inside_quote(m.start)
        ]
        self.mentions = sorted(usable)
        self.m_starts = [m[0] for m in self.mentions]
        self.tok_mention = [-1] * len(tokens)
        j = 0
        for i, start in enumerate(self.ts):
            while j < len(self.mentions) and self.mentions[j][1] <= start:
                j += 1
            if j < len(self.mentions) and self.mentions[j][0] <= start:
                self.tok_mention[i] = j

    def _abbreviation(self, dot: int) -> bool:
        word = re.search(r"(\w+)$", self.masked[max(0, dot - 12) : dot])
        if word is None:
            return False
        word = word.group(1)
        return (len(word) == 1 and word.isupper()) or word.casefold() in _TITLES

    def inside_quote(self, pos: int) -> bool:
        k = bisect_right(self.inner_starts, pos) - 1
        return k >= 0 and pos < self.inner[k][1]

    def sentence_start(self, pos: int) -> int:
        k = bisect_right(self.bounds_end, pos) - 1
        return max(self.bounds_end[k] if k >= 0 else 0, pos - _WINDOW)

    def sentence_end(self, pos: int) -> int:
        k = bisect_left(self.bounds_start, pos)
        found = self.bounds_start[k] if k < len(self.bounds_start) else len(self.masked)
        return min(found, pos + _WINDOW)

    def paragraph(self, pos: int) -> int:
        return bisect_right(self.paragraphs, pos) - 1

    def token(self, pos: int) -> int:
        return bisect_left(self.ts, pos)

    def is_title(self, i: int) -> bool:
        return self.w[i] in _TITLES or (self.w[i] == "." and i > 0 and self.is_title(i - 1))

    def capitalised(self, i: int) -> bool:
        return self.raw[i][:1].isupper()

    def verb_at(self, i: int) -> str | None:
        """Return the lemma of a verb of speech used as a verb at token i (not as a noun)."""
        lemma = _VERBS.get(self.w[i])
        if lemma is None or (i and self.w[i - 1] in _DETS):
            return None
        j = i - 1
        while j >= 0 and self.w[j] in _ADVERBS:
            j -= 1
        if j < 0:
            return lemma
        passive = self.w[j] in _BE and self.w[j - 1] not in ("se", "s'") and lemma != "intervenir"
        if self.w[j] == "été" or passive:
            return None  # a passive: « sont appelés aux urnes »
        return lemma


# --- noun phrases ---------------------------------------------------------------------


def _np_forward(doc: _Doc, i: int, limit: int) -> tuple[int, int] | None:
    """Read a subject noun phrase from token i; return its first and last token."""
    if i >= limit:
        return None
    if doc.w[i] in _PRONOUNS:
        return i, i
    first = last = i
    has_person = False
    while i < limit and i - first < 16:
        word, inside = doc.w[i], doc.tok_mention[i] >= 0
        if inside:
            has_person |= doc.mentions[doc.tok_mention[i]][2] == "PER"
        elif word == "(":
            close = next((k for k in range(i, min(limit, i + 8)) if doc.w[k] == ")"), None)
            if close is None:
                break
            last = i = close
            i += 1
            continue
        elif word == ".":
            if not doc.is_title(i - 1):
                break
        elif word == ",":
            # an apposition that names the person: « le président de PSA, Philippe Varin »
            k = i + 1
            while k < limit and (doc.w[k] in _DETS or doc.is_title(k)):
                k += 1
            m = doc.tok_mention[k] if k < limit else -1
            if has_person or m < 0 or doc.mentions[m][2] != "PER" or k - i > 3:
                break
            while k + 1 < limit and doc.tok_mention[k + 1] == m:
                k += 1
            return first, k
        elif not doc.raw[i][0].isalnum() or (word in _STOPS and i > first):
            break
        elif i > first and doc.tok_mention[i - 1] >= 0 and word.isalpha() and word not in _LINKS:
            break  # « Un rapport de la Ligue arabe | apporte… »
        elif i > first and (
            word in _AUX
            or (word in _VERBS and doc.w[i - 1] not in _DETS)
            or (word.endswith("ant") and doc.w[i - 1] not in _DETS and not doc.capitalised(i))
        ):
            break
        last = i
        i += 1
    return (first, last) if last >= first and doc.raw[first][0].isalnum() else None


def _np_backward(
    doc: _Doc, i: int, floor: int, apposition: bool = True, relative: bool = False
) -> tuple[int, int] | None:
    """Read a subject noun phrase ending at token i (leftwards, down to token floor); the
    antecedent of a relative « qui » may sit in a prepositional phrase."""
    last = first = i
    named = False
    while i >= floor and last - i < 16:
        word = doc.w[i]
        if doc.tok_mention[i] >= 0:
            named = True
        elif word == ")":
            opening = next(
                (k for k in range(i, max(floor, i - 8) - 1, -1) if doc.w[k] == "("), None
            )
            if opening is None:
                break
            i = opening
        elif word == "." and doc.is_title(i - 1):
            pass
        elif word in _PREPOSITIONS and not named and i > floor and first < last:
            pass  # « le candidat du Front de gauche à l'élection présidentielle »
        elif (
            not doc.raw[i][0].isalnum()
            or word in _STOPS
            or word in _AUX
            or (word in _VERBS and i > floor and doc.w[i - 1] not in _DETS)
        ):
            break
        elif doc.w[first] in _ARTICLES and first < last and word not in _PREPOSITIONS | _LINKS:
            break  # a noun phrase begins with its article
        first = i
        i -= 1
    if first > last or not (doc.raw[last][0].isalnum() or doc.w[last] == ")"):
        return None
    people = [
        m for m in _mentions_of(doc, first, last)
        if doc.mentions[m][2] == "PER" and not _complement(doc, m)
    ]  # fmt: skip
    pronoun = first == last and doc.w[first] in _PRONOUNS
    if apposition and not people and not pronoun and first - 2 >= floor and doc.w[first - 1] == ",":
        before = _np_backward(doc, first - 2, floor, apposition=False)
        free = relative or before is None or before[0] == floor
        if (
            before
            and (free or doc.w[before[0] - 1] not in _PREPOSITIONS)
            and any(doc.mentions[m][2] == "PER" for m in _mentions_of(doc, *before))
        ):
            return before[0], last  # « Jean-Luc Mélenchon, le candidat du Front de gauche »
    return first, last


def _sentence_subject(doc: _Doc, start: int, limit: int) -> tuple[int, int] | None:
    """Return the subject at the start of the sentence, past leading adverbial phrases."""
    i = doc.token(start)
    for _ in range(4):
        if i >= limit:
            return None
        comma = next((k for k in range(i, min(limit, i + 20)) if doc.w[k] == ","), None)
        if comma is None or not _leading(doc, i, limit):
            break
        i = comma + 1
    return _np_forward(doc, i, limit)


def _leading(doc: _Doc, i: int, limit: int) -> bool:
    """Whether token i opens a phrase put before the subject: « Dans la lettre, »,
    « Le 27 février 2009, », « Surpris par la politique…, »."""
    word = doc.w[i]
    if word in _PREPOSITIONS or word in _ADVERBS or word in _STOPS:
        return True
    if word in ("le", "la") and i + 1 < limit and doc.w[i + 1][:1].isdigit():
        return True
    return (
        doc.capitalised(i) and doc.tok_mention[i] < 0 and word not in _DETS
        and word not in _PRONOUNS and not doc.is_title(i)
        and word.endswith(("ant", "é", "ée", "és", "ées", "e"))
    )  # fmt: skip


def _complement(doc: _Doc, m: int) -> bool:
    """Whether mention m completes a noun: « le successeur de Claude Erignac »."""
    i = doc.token(doc.mentions[m][0]) - 1
    while i >= 0 and (
        doc.w[i] in ("le", "la", "l'", "les") or doc.is_title(i) or doc.w[i] in _ROLES
    ):
        i -= 1
    return i >= 0 and doc.w[i] in _LINKS and not doc.capitalised(i)  # « De Pavant » is a name


def _oblique(doc: _Doc, m: int) -> bool:
    """Whether mention m sits in a prepositional phrase (« associé à Jean-Michel Larqué »)."""
    i, commas = doc.token(doc.mentions[m][0]) - 1, 0
    after = doc.token(doc.mentions[m][1])
    closed = after >= len(doc.w) or doc.w[after] in (",", ")", ".")
    for _ in range(10):
        if i < 0:
            return False
        word = doc.w[i]
        if word in _PREPOSITIONS:
            return True
        if word == ",":
            commas += 1
            if not closed:
                return False
        elif (
            word in _AUX
            or word in _VERBS
            or word in _STOPS
            or commas > 1
            or not (word.isalpha() or word == "." or word in _DETS or word in _LINKS)
            or (doc.capitalised(i) and doc.tok_mention[i] < 0 and not doc.is_title(i) and i)
        ):
            return False
        i -= 1
    return False


def _gender(doc: _Doc, m: int) -> str:
    """Guess a PER mention's gender from a title, an article or a common first name."""
    start, _, _, canonical, _ = doc.mentions[m]
    first = canonical.split()[0].casefold() if canonical.split() else ""
    i = doc.token(start) - 1
    before = [doc.w[k] for k in range(max(0, i - 3), i + 1) if doc.w[k] != "."]
    if first in _FEMININE_NAMES or any(
        w in _FEMININE_TITLES or w in _FEMININE_ROLES for w in before
    ):
        return "f"
    if before and before[-1] in ("m", "mm", "monsieur"):
        return "m"
    article = before[-1] if before else ""
    if len(before) > 1 and before[-1] in _ROLES:
        article = before[-2]
    if article in ("la", "sa", "une", "cette"):
        return "f"
    if article in ("le", "son", "un", "ce", "du", "au"):
        return "m"
    return ""


def _mentions_of(doc: _Doc, first: int, last: int) -> list[int]:
    """Return the mentions starting within tokens first..last."""
    if first > last:
        return []
    lo = bisect_left(doc.m_starts, doc.ts[first])
    hi = bisect_left(doc.m_starts, doc.te[last])
    return list(range(lo, hi))
