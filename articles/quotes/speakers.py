"""Speakers resolved to mentions: names, pronouns, roles and institutions."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from articles.quotes.document import (
    _Attribution,
    _complement,
    _Doc,
    _gender,
    _mentions_of,
    _oblique,
)
from articles.quotes.vocabulary import (
    _ADJECTIVES,
    _CANDIDATES,
    _DETS,
    _FEMININE_ROLES,
    _HISTORY,
    _INDEFINITE,
    _INSTITUTIONS,
    _POSSESSIVE,
    _PRONOUNS,
    _ROLES,
    _SPOKESPERSONS,
)

# --- speakers -------------------------------------------------------------------------


def _head(doc: _Doc, first: int, last: int) -> tuple[str, str]:
    """Return the determiner and the head word of the noun phrase first..last."""
    det, i = "", first
    while i <= last and (doc.w[i] in _DETS or doc.is_title(i)):
        det = det or doc.w[i]
        i += 1
    if det in ("un", "une", "l'") and i <= last and doc.w[i] in ("un", "une"):
        return "un", doc.w[i + 2] if i + 2 <= last else ""  # « l'un des responsables »
    while i < last and doc.w[i] in _ADJECTIVES:
        i += 1
    return det, doc.w[i] if i <= last else ""


def _role_word(head: str) -> str:
    parts = head.split("-")
    return next((p for p in parts if p in _ROLES), "") if head not in _ROLES else head


def _resolve(doc: _Doc, att: _Attribution, history: list[_Attribution]) -> _Attribution:
    """Attach the speaker mention (or None), number, gender and role to an attribution."""
    written = doc.text[att.start : att.end].casefold()
    if written in _PRONOUNS:
        return _resolve_pronoun(doc, att, _PRONOUNS[written], history)
    first, last = doc.token(att.start), doc.token(att.end) - 1
    det, head = _head(doc, first, last)
    role = _role_word(head) or (head if head in _INSTITUTIONS else "")
    gender = "f" if det in ("la", "une", "cette") or head in _FEMININE_ROLES else ""
    gender = gender or ("m" if det in ("le", "un", "ce", "du") else "")
    found = _mentions_of(doc, first, last)
    named = [m for m in found if not _complement(doc, m)]
    for label in ("PER", "ORG", "LOC"):
        for m in named:
            if doc.mentions[m][2] == label:
                gender = _gender(doc, m) if label == "PER" else gender
                return _Attribution(att.start, att.end, att.verb, m, False, gender, role, True)
    plural = det in ("les", "des", "ses", "leurs", "ces", "plusieurs", "certains", "certaines")
    unresolved = _Attribution(att.start, att.end, att.verb, None, plural, gender, role, True)
    if head in _SPOKESPERSONS:
        return _with_speaker(unresolved, found[0] if found else None)
    if plural or det in _INDEFINITE or not role:
        return unresolved
    if head in _INSTITUTIONS and not _role_word(head):
        bare = last - first == (det != "")  # « le parti », not « l'armée russe »
        return _with_speaker(unresolved, _institution(doc, att.start, head, bare))
    return _with_speaker(unresolved, _antecedent(doc, att.start, role, det, gender, history))


def _with_speaker(att: _Attribution, speaker: int | None) -> _Attribution:
    return _Attribution(
        att.start, att.end, att.verb, speaker, att.plural, att.gender, att.role, True
    )


def _earlier(doc: _Doc, pos: int, span: int = _HISTORY) -> range:
    """Return the mentions starting in the span before pos, nearest last."""
    return range(bisect_left(doc.m_starts, pos - span), bisect_left(doc.m_starts, pos))


def _near(doc: _Doc, m: int, word: str) -> bool:
    """Whether word is close to mention m in its sentence (« le quotidien Le Figaro »)."""
    start, end = doc.mentions[m][:2]
    lo = max(doc.token(doc.sentence_start(start)), doc.token(start) - 6)
    hi = min(doc.token(doc.sentence_end(end)), doc.token(end) + 6)
    return word in doc.w[lo:hi]


def _institution(doc: _Doc, pos: int, word: str, bare: bool) -> int | None:
    """Return the earlier ORG named by an institution word; a bare « le parti » may also be
    the nearest ORG of the paragraph or the previous one."""
    orgs = [m for m in reversed(_earlier(doc, pos)) if doc.mentions[m][2] == "ORG"]
    for m in orgs:
        start, end = doc.mentions[m][:2]
        if word in doc.text[start:end].casefold() or _near(doc, m, word):
            return m
    paragraph = doc.paragraphs[max(0, doc.paragraph(pos) - 1)]
    return next((m for m in orgs if bare and doc.mentions[m][0] >= paragraph), None)


def _antecedent(
    doc: _Doc, pos: int, role: str, det: str, gender: str, history: list[_Attribution]
) -> int | None:
    """Return the earlier PER a role refers to: one introduced with that role word, else
    (after a definite article) the PER mentioned most so far."""
    people = [
        m for m in reversed(_earlier(doc, pos))
        if doc.mentions[m][2] == "PER" and _fits(_gender(doc, m), gender)
    ][:3 * _CANDIDATES]  # fmt: skip
    if gender and any(_gender(doc, m) == gender for m in people):
        people = [m for m in people if _gender(doc, m) == gender]
    by_role = next((m for m in people if _near(doc, m, role)), None)
    spoken = next((a for a in reversed(history) if a.role == role and a.start is not None), None)
    if spoken and (by_role is None or spoken.start > doc.mentions[by_role][0]):
        return spoken.speaker
    if by_role is not None or det in _POSSESSIVE:
        return by_role
    counts = Counter(doc.mentions[m][3] for m in people)
    if not counts:
        return None
    top = max(counts.values())
    return next(m for m in people if counts[doc.mentions[m][3]] == top)


def _fits(candidate: str, wanted: str) -> bool:
    return not candidate or not wanted or candidate == wanted


def _resolve_pronoun(
    doc: _Doc, att: _Attribution, pronoun: str, history: list[_Attribution]
) -> _Attribution:
    """Resolve il/elle to the nearest fitting earlier speaker or PER, ils/elles to a group."""
    if pronoun in ("ils", "elles"):
        group = next((a for a in reversed(history) if a.plural), None)
        speaker = group.speaker if group else None
        return _Attribution(att.start, att.end, att.verb, speaker, True, "", "", True)
    wanted = {"il": "m", "elle": "f"}.get(pronoun, "")
    if not wanted:
        return _Attribution(att.start, att.end, att.verb, resolved=True)
    people = [m for m in _earlier(doc, att.start) if doc.mentions[m][2] == "PER"][-_CANDIDATES:]
    # (position, oblique, speaker, gender)
    candidates = [(doc.mentions[m][0], _oblique(doc, m), m, _gender(doc, m)) for m in people]
    for a in history[-8:]:
        if a.start is not None and a.start < att.start and not a.plural:
            label = doc.mentions[a.speaker][2] if a.speaker is not None else ""
            gender = a.gender if label in ("PER", "") else ""
            candidates.append((a.start, False, a.speaker, gender))
    candidates.sort(key=lambda c: c[0], reverse=True)
    for allow_oblique in (False, True):
        for _, oblique, speaker, gender in candidates:
            if (allow_oblique or not oblique) and _fits(gender, wanted):
                return _Attribution(att.start, att.end, att.verb, speaker, False, wanted, "", True)
    return _Attribution(att.start, att.end, att.verb, None, False, wanted, "", True)
