"""Version markers in wire headlines: URGENT, ALERTE, (1er LEAD), RECTIFICATIF, ANNULATION…

Pure standard-library code: a title (and a slug, when the format has one) in, the version
kind, the lead's number, the correction notice and the title without its markers out.

A marker counts at the start or the end of the title, or anywhere inside parentheses or
brackets, in any case and with or without accents. Written bare (no parentheses), a
marker in lower or mixed case must also be set off by a separator (`Urgent: …`,
`… - Alerte`) or be the whole title, so that headlines such as « Correction des copies du
bac » or « Alerte aux orages » keep their meaning. When a title carries several markers
the strongest wins: annulment, correction, rewrite, lead, urgent, alert.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

ALERT = "alert"
URGENT = "urgent"
LEAD = "lead"
REWRITE = "rewrite"
CORRECTION = "correction"
ANNULMENT = "annulment"
ORIGINAL = "original"
KINDS = (ALERT, URGENT, LEAD, REWRITE, CORRECTION, ANNULMENT, ORIGINAL)
# The strongest marker of a title decides its kind.
STRENGTH = {ANNULMENT: 6, CORRECTION: 5, REWRITE: 4, LEAD: 3, URGENT: 2, ALERT: 1, ORIGINAL: 0}
# Order inside one day when only dates are known: the wire's own sequence.
STAGE = {ALERT: 0, URGENT: 1, LEAD: 10, REWRITE: 40, ORIGINAL: 40, CORRECTION: 50, ANNULMENT: 60}

# Marker phrases per kind, written plainly: accents and case are matched loosely, runs of
# spaces are flexible, and "N" stands for a lead's number (1er, 2e, 3ème, 12E…).
DEFAULT_MARKERS: dict[str, tuple[str, ...]] = {
    ALERT: ("ALERTE", "FLASH"),
    URGENT: ("URGENT",),
    LEAD: ("N LEAD", "LEAD N", "LEAD"),
    REWRITE: (
        "PAPIER GENERAL",
        "PAPIER D'ANGLE",
        "ACTUALISATION",
        "ACTUALISE",
        "NOUVELLE VERSION",
        "REECRITURE",
        "REECRIT",
    ),
    CORRECTION: ("ANNULE ET REMPLACE", "RECTIFICATIF", "CORRECTION", "RECTIFIE", "CORRIGE"),
    ANNULMENT: ("ANNULATION", "ANNULE", "ANNULEE", "A NE PAS UTILISER"),
}
# A correction notice: "(Rectifie : 23 et non 22, au 2e paragraphe)", "(corrige le nom…)".
NOTICE_WORDS = ("RECTIFIE", "RECTIFICATIF", "CORRIGE", "CORRECTION", "PRECISE")

_LOOSE = {
    "A": "AÀÂÄ",
    "E": "EÉÈÊË",
    "I": "IÎÏ",
    "O": "OÔÖ",
    "U": "UÙÛÜ",
    "C": "CÇ",
}
_NUMBER = r"(?P<number>\d{1,2})\s*(?:ÈRE|ERE|ER|RE|ÈME|EME|È|E)?"
# A separator: punctuation, or a dash with a space on at least one side ("Flash-ball" is a
# word, "FLASH - Séisme" and "URGENT- Séisme" are a marker and a headline).
_SEP = (
    r"[\s\u00a0\u202f]*[:|/,.]+[\s\u00a0\u202f]*"
    r"|[\s\u00a0\u202f]+[-–—]+[\s\u00a0\u202f]*"
    r"|[-–—]+[\s\u00a0\u202f]+"
)
_SPACE = r"[\s\u00a0\u202f]"


@dataclass(frozen=True)
class Markers:
    kind: str = ORIGINAL
    number: int | None = None  # the lead's number: "2e LEAD" -> 2
    title: str = ""  # the title without its markers
    note: str = ""  # the correction notice, as written


def _loose(phrase: str) -> str:
    """Turn a plain marker phrase into a pattern tolerant of accents, spaces and numbers."""
    parts = []
    for char in phrase.upper():
        if char == "N":
            parts.append("\x00")
        elif char == " ":
            parts.append(rf"{_SPACE}+")
        elif char == "'":
            parts.append(r"['’]?")
        elif char in _LOOSE:
            parts.append(f"[{_LOOSE[char]}]")
        else:
            parts.append(re.escape(char))
    # "N" is the number only as a word of its own (not the N of ANNULE).
    pattern = "".join(parts)
    words = phrase.upper().split(" ")
    if "N" in words:
        rebuilt = []
        for word in words:
            rebuilt.append(_NUMBER if word == "N" else _loose(word).replace("\x00", "N"))
        return rf"{_SPACE}+".join(rebuilt)
    return pattern.replace("\x00", "N")


@dataclass(frozen=True)
class _Rule:
    kind: str
    bare: re.Pattern[str]  # the phrase alone, as a whole word
    numbered: bool


class MarkerRules:
    """The marker phrases of one source: the defaults, with the source's own kinds replaced."""

    def __init__(self, overrides: Mapping[str, Sequence[str]] | None = None):
        markers = dict(DEFAULT_MARKERS)
        check_overrides(overrides)
        for kind, phrases in (overrides or {}).items():
            markers[kind] = tuple(p for p in phrases if p.strip())
        rules = []
        for kind, phrases in markers.items():
            for phrase in phrases:
                pattern = _loose(phrase.strip())
                rules.append(
                    _Rule(kind, re.compile(rf"(?<!\w){pattern}(?!\w)", re.I), "N" in phrase.split())
                )
        # Longer phrases first: "ANNULE ET REMPLACE" before "ANNULE", "2e LEAD" before "LEAD".
        self.rules = tuple(sorted(rules, key=lambda r: -len(r.bare.pattern)))
        alternatives = (
            "|".join(f"(?:{r.bare.pattern.replace('(?P<number>', '(?:')})" for r in self.rules)
            or r"(?!x)x"
        )
        self._any = alternatives
        self._lead = re.compile(
            rf"^[\s\u00a0\u202f]*(?P<marker>{alternatives})(?P<after>{_SEP}|[\s\u00a0\u202f]+|$)",
            re.I,
        )
        self._trail = re.compile(
            rf"(?P<before>{_SEP}|[\s\u00a0\u202f]+|^)(?P<marker>{alternatives})[\s\u00a0\u202f.]*$",
            re.I,
        )
        self._bracketed = re.compile(
            rf"[(\[]{_SPACE}*(?P<marker>{alternatives}){_SPACE}*[)\]]", re.I
        )
        notice = "|".join(_loose(w) for w in NOTICE_WORDS)
        self._notice = re.compile(
            rf"[(\[]{_SPACE}*(?P<note>(?:{notice})(?!\w)[^()\[\]]*)[)\]]", re.I
        )

    def classify(self, marker: str) -> tuple[str, int | None]:
        for rule in self.rules:
            match = rule.bare.fullmatch(marker.strip())
            if match:
                number = int(match["number"]) if rule.numbered and match["number"] else None
                return rule.kind, number
        return ORIGINAL, None

    def read(self, title: str, slug: str = "") -> Markers:
        """Find the markers of a title (and slug); return its kind and the cleaned title."""
        found: list[tuple[str, int | None]] = []
        note = ""
        text = title
        match = self._notice.search(text)
        if match:
            note = " ".join(match["note"].split())
            found.append((CORRECTION, None))
            text = text[: match.start()] + " " + text[match.end() :]
        while True:
            match = self._bracketed.search(text)
            if not match:
                break
            found.append(self.classify(match["marker"]))
            text = text[: match.start()] + " " + text[match.end() :]
        for _ in range(4):  # "URGENT - 2e LEAD - …": several markers in a row
            changed = False
            match = self._lead.match(text)
            if match and self._counts(
                match["marker"], match["after"], whole=not text[match.end() :].strip()
            ):
                found.append(self.classify(match["marker"]))
                text = text[match.end() :]
                changed = True
            match = self._trail.search(text)
            if match and self._counts(
                match["marker"], match["before"], whole=not text[: match.start()].strip()
            ):
                found.append(self.classify(match["marker"]))
                text = text[: match.start()]
                changed = True
            if not changed:
                break
        for word in slug.replace("_", "-").split("-") if slug else ():
            kind, number = self.classify(word)
            if kind != ORIGINAL:
                found.append((kind, number))
        clean = _tidy(text)
        if not found:
            return Markers(title=clean)
        kind, number = max(found, key=lambda item: STRENGTH[item[0]])
        if kind != LEAD:
            number = None
        return Markers(kind=kind, number=number, title=clean, note=note)

    @staticmethod
    def _counts(marker: str, separator: str, *, whole: bool) -> bool:
        """A bare marker counts in capitals, set off by a separator, or as the whole title."""
        capitals = all(c.isupper() for c in marker if c.isalpha())
        return capitals or whole or bool(separator.strip(" \u00a0\u202f"))


def _tidy(text: str) -> str:
    """Collapse spaces and drop separators left at either end by a removed marker."""
    text = " ".join(text.split())
    return text.strip(" -–—:|/,;").strip()


def check_overrides(overrides) -> None:
    """Raise ValueError, in French for the admin, unless overrides map kinds to phrase lists."""
    if overrides is None:
        return
    if not isinstance(overrides, Mapping):
        raise ValueError('un objet JSON est attendu, par exemple {"urgent": ["URGENT"]}')
    for kind, phrases in overrides.items():
        if kind not in STRENGTH or kind == ORIGINAL:
            kinds = ", ".join(k for k in KINDS if k != ORIGINAL)
            raise ValueError(f"type de version inconnu « {kind} » : choisissez parmi {kinds}")
        if not isinstance(phrases, (list, tuple)) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(f"les marqueurs de « {kind} » doivent être une liste de textes")


@lru_cache(maxsize=64)
def _rules_for(key: tuple[tuple[str, tuple[str, ...]], ...]) -> MarkerRules:
    return MarkerRules(dict(key))


def rules_for(overrides: Mapping[str, Sequence[str]] | None) -> MarkerRules:
    """The (cached) rules for one source's overrides."""
    check_overrides(overrides)
    key = tuple(sorted((k, tuple(v)) for k, v in (overrides or {}).items()))
    return _rules_for(key)


def read_markers(title: str, slug: str = "", overrides: Mapping | None = None) -> Markers:
    return rules_for(overrides).read(title, slug)


def fold(text: str) -> str:
    """Casefold and strip accents (for comparing titles)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
