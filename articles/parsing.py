"""Split plain text from news archives into dispatches.

Pure standard-library code: text in, a list of :class:`Dispatch` out.

The text is scanned line by line (LF, CRLF and CR line ends, mixed too) into
paragraphs (runs of non-blank lines), grouped into segments by explicit
separators: a form feed, or a line made only of ``---``, ``***``, ``###`` or
``===`` (three or more of the same character).

Inside a segment a new dispatch starts where a headline (a short single-line
paragraph not ending like a sentence) is followed by a paragraph that starts
with an opener such as ``PARIS, 12 mars 2016 (AFP) -``, ``BEYROUTH (AFP) -``,
``(AFP) -``, ``(Karam AL MASRI à Alep) -``, ``12 mars 2016. -`` or
``Paris, 12 mars. -``. Any other short line (an intertitle) stays in the body.
At the start of a segment, a headline-like first paragraph followed by more
paragraphs is the title; otherwise the title is derived from the first sentence.

Offsets (``start``, ``body_start``, ``end``) index the original text and
``body == text[body_start:end]`` always holds: nothing inside the body is
normalised. A date without a year (``Paris, 12 mars. -``) leaves ``published``
as ``None``: the year is not guessed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

TITLE_MAX = 120
HEADLINE_MAX = 200

_S = r"[^\S\r\n\f]"  # horizontal whitespace, NBSP and narrow NBSP included
_UPPER = "A-ZÀ-ÖØ-ÞŒ"
_PARTICLES = frozenset({
    "de", "du", "des", "d", "la", "le", "les", "l", "sur", "sous", "en", "au", "aux", "et",
    "al", "el", "ben", "bin", "ibn", "van", "von", "der", "da", "dos", "y",
})  # fmt: skip
_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    # AFP's abbreviations, with or without their full stop: "10 juil 2024", "3 févr. 2023".
    "janv": 1, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9,
    "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}  # fmt: skip
_AGENCIES = frozenset({
    "afp", "reuters", "ap", "associated press", "ansa", "dpa", "efe", "belga", "ats", "aps",
    "map", "xinhua", "anadolu", "kyodo", "bloomberg", "tass", "itar-tass", "interfax",
    "ria novosti", "yonhap", "upi", "apa", "pa", "afp-services",
})  # fmt: skip
_ABBREVIATIONS = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "mgr", "gal", "gén",
    "col", "cdt", "lt", "sgt", "cf", "av", "apr", "etc", "vs", "no",
})  # fmt: skip

_BREAK = re.compile(r"\r\n|\r|\n|\f")
_SEPARATOR = re.compile(r"\s*([-*#=])\1{2,}\s*")
_PLACE = (
    rf"[{_UPPER}][\w'’.-]*"
    rf"(?:{_S}+(?:[{_UPPER}][\w'’.-]*|[dl]['’][{_UPPER}][\w'’.-]*|de|du|des|la|le|les|sur|en)){{0,3}}"
)
_DATE = (
    rf"(?:(?i:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche){_S}+)?"
    rf"(?P<day>\d{{1,2}})(?i:er)?{_S}+(?P<month>(?i:{'|'.join(_MONTHS)}))(?!\w)\.?"
    rf"(?:{_S}+(?P<year>\d{{4}})(?!\w))?"
    # A time may follow the year: "10 juil 2024 13h05", "à 13:05 GMT".
    rf"(?:{_S}+(?:à{_S}+)?(?P<hour>[01]?\d|2[0-3])[hH:](?P<minute>[0-5]\d)(?!\d)"
    rf"(?:{_S}*(?P<zone>GMT|UTC|TU))?)?"
)
_OPENER = re.compile(
    rf"(?:(?P<place>{_PLACE}){_S}*(?:,{_S}*|(?=\()))?"
    rf"(?:{_DATE}\.?{_S}*)?"
    # A date opener followed by its place: "21 septembre 2012, France. -".
    rf"(?:,{_S}*(?P<after>{_PLACE}){_S}*)?"
    rf"(?:\((?P<paren>[^()\r\n\f]{{1,200}})\){_S}*)?"
    r"[-–—](?!\S)"
)
_BYLINE_SPLIT = re.compile(r"\s*[,;/]\s*|\s+et\s+")
_BYLINE_ITEM = re.compile(r"(?P<name>.+?)\s+(?:à|depuis)\s+(?P<place>.+)")
_BLANK_LINE = re.compile(r"(?:\r\n|\r|\n|\f)\s*(?:\r\n|\r|\n|\f)")
_SENTENCE_END = re.compile(r"[.!?…]+(?=[\s»\"”’)]|$)")
_LAST_WORD = re.compile(r"[\w-]*$")
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")  # whitespace runs, non-breaking spaces kept


@dataclass(frozen=True)
class Dispatch:
    """One news dispatch found in a text, with offsets into that text."""

    title: str
    title_derived: bool
    byline: str
    dateline_place: str
    published: datetime.date | None
    agency: str
    body: str
    start: int
    end: int
    body_start: int
    # When the dateline has a time: aware (UTC) for "GMT", else naive (the archive's zone).
    published_at: datetime.datetime | None = None


@dataclass(frozen=True)
class _Para:
    start: int  # first non-blank character
    end: int  # just after the last non-blank character
    lines: int


@dataclass(frozen=True)
class _Opener:
    end: int
    place: str
    published: datetime.date | None
    names: tuple[str, ...]
    agencies: tuple[str, ...]
    published_at: datetime.datetime | None = None


def parse_dispatches(text: str) -> list[Dispatch]:
    """Return the dispatches found in text, in order."""
    dispatches = []
    for paras in _segments(text):
        starts = [0] + [
            i
            for i in range(1, len(paras) - 1)
            if _is_headline(text, paras[i]) and _opener(text, paras[i + 1])
        ]
        for first, last in zip(starts, [*starts[1:], len(paras)], strict=True):
            dispatch = _build(text, paras[first:last])
            if dispatch is not None:
                dispatches.append(dispatch)
    return dispatches


def _segments(text: str) -> Iterator[list[_Para]]:
    """Yield the non-empty lists of paragraphs between separators."""
    paras: list[_Para] = []
    current: _Para | None = None
    pos = 1 if text.startswith("\ufeff") else 0
    breaks = [*_BREAK.finditer(text, pos), None]
    for brk in breaks:
        line = text[pos : brk.start() if brk else len(text)]
        separator = _SEPARATOR.fullmatch(line) is not None
        if line.strip() and not separator:
            start = current.start if current else pos + len(line) - len(line.lstrip())
            lines = current.lines + 1 if current else 1
            current = _Para(start, pos + len(line.rstrip()), lines)
        elif current:
            paras.append(current)
            current = None
        if separator or (brk and brk.group() == "\f"):
            if current:
                paras.append(current)
                current = None
            if paras:
                yield paras
            paras = []
        if brk:
            pos = brk.end()
    if current:
        paras.append(current)
    if paras:
        yield paras


def _is_headline(text: str, para: _Para) -> bool:
    """Tell whether a paragraph looks like a headline rather than prose."""
    line = text[para.start : para.end]
    return (
        para.lines == 1
        and len(line) <= HEADLINE_MAX
        and not line.endswith((".", ",", ";", ":"))
        and _opener(text, para) is None
    )


def _opener(text: str, para: _Para) -> _Opener | None:
    """Parse the dateline or byline opener at the start of a paragraph."""
    match = _OPENER.match(text, para.start, para.end)
    if match is None or not (match["month"] or match["paren"]):
        return None
    names: list[str] = []
    agencies: list[str] = []
    places: list[str] = []
    if match["paren"]:
        for item in _BYLINE_SPLIT.split(match["paren"].strip()):
            if item.casefold() in _AGENCIES:
                agencies.append(item)
                continue
            byline = _BYLINE_ITEM.fullmatch(item)
            name, place = (byline["name"], byline["place"]) if byline else (item, "")
            if not _is_name(name) or (place and not _is_name(place)):
                return None
            names.append(name)
            if place:
                places.append(place)
    after = (match["after"] or "").rstrip(".") if match["month"] else ""
    place = match["place"] or after or next(iter(places), "")
    day = _date(match)
    return _Opener(
        match.end(), _place_case(place), day, tuple(names), tuple(agencies), _time(match, day)
    )


def _time(match: re.Match[str], day: datetime.date | None) -> datetime.datetime | None:
    if day is None or match["hour"] is None:
        return None
    moment = datetime.datetime.combine(day, datetime.time(int(match["hour"]), int(match["minute"])))
    return moment.replace(tzinfo=datetime.UTC) if match["zone"] else moment


def _is_name(words: str) -> bool:
    """Tell whether words look like a proper name (capitalised words and particles)."""
    tokens = words.split()
    return 0 < len(tokens) <= 6 and all(
        token.casefold().rstrip("'’") in _PARTICLES or re.sub(r"^[dl]['’]", "", token)[:1].isupper()
        for token in tokens
    )


def _date(match: re.Match[str]) -> datetime.date | None:
    """Build the dateline date, or None when it has no year or is impossible."""
    if not match["year"]:
        return None
    try:
        month = _MONTHS[match["month"].lower().rstrip(".")]
        return datetime.date(int(match["year"]), month, int(match["day"]))
    except (KeyError, ValueError):
        return None


def _place_case(place: str) -> str:
    """Title-case a place written in capitals ("PORT-AU-PRINCE" -> "Port-au-Prince")."""
    if not place.isupper():
        return place
    parts = re.split(r"(\W+)", place.lower())
    return "".join(
        part if index and part in _PARTICLES else part.capitalize()
        for index, part in enumerate(parts)
    )


def _build(text: str, paras: list[_Para]) -> Dispatch | None:
    """Turn the paragraphs of one dispatch into a Dispatch, or None without a body."""
    title = ""
    body_paras = paras
    if _is_headline(text, paras[0]):
        if len(paras) == 1:
            return None
        title = _clean(text[paras[0].start : paras[0].end])
        body_paras = paras[1:]
    opener = _opener(text, body_paras[0])
    body_start = opener.end if opener else body_paras[0].start
    end = paras[-1].end
    while body_start < end and text[body_start].isspace():
        body_start += 1
    if body_start >= end:
        return None
    derived = not title
    if derived:
        title = derive_title(text[body_start:end])
    return Dispatch(
        title=title,
        title_derived=derived,
        byline=", ".join(opener.names) if opener else "",
        dateline_place=opener.place if opener else "",
        published=opener.published if opener else None,
        published_at=opener.published_at if opener else None,
        agency=", ".join(opener.agencies) if opener else "",
        body=text[body_start:end],
        start=paras[0].start,
        end=end,
        body_start=body_start,
    )


def _clean(line: str) -> str:
    """Drop a BOM and collapse whitespace runs (keeping non-breaking spaces)."""
    return _SPACES.sub(" ", line.replace("\ufeff", "")).strip()


def derive_title(body: str) -> str:
    """Derive a title from the first sentence of a body, cut at a word boundary."""
    paragraph = _BLANK_LINE.split(body, maxsplit=1)[0]
    sentence = paragraph
    for end in _SENTENCE_END.finditer(paragraph):
        word = _LAST_WORD.search(paragraph, 0, end.start()).group()
        is_initial = len(word) == 1 and word.isupper()
        if end.group() == "." and (is_initial or word.casefold() in _ABBREVIATIONS):
            continue
        sentence = paragraph[: end.end()]
        break
    sentence = _clean(sentence)
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    if len(sentence) <= TITLE_MAX:
        return sentence
    cut = sentence[:TITLE_MAX]
    space = max(cut.rfind(" "), cut.rfind("\u00a0"), cut.rfind("\u202f"))
    cut = cut[:space] if space > 0 else cut[: TITLE_MAX - 1]
    return cut.rstrip(" \u00a0\u202f,;:-–—(«") + "…"
