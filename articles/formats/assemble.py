"""Build a WireItem the same way for every format: datelines, titles, notices, language."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from articles.formats.items import ANNULLED, FormatError, WireItem
from articles.formats.language import detect_language
from articles.formats.text import parse_time
from articles.parsing import derive_title, parse_dispatches

ANNULLED_NOTICE = "Annulée"
_PROBE_TITLE = "Titre"
_PROBE_BODY = " texte"
_ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # non-breaking spaces in a headline are kept
_LOOSE_PLACE = re.compile(r"\s*(?P<place>[^\W\d][^,(\n]*?)\s*(?:,|\(|\s[-–—]\s|$)")
_LOOSE_AGENCY = re.compile(r"\((?P<agency>[A-Z][A-Za-z-]{1,15})\)")
_ENGLISH_DATE = re.compile(
    rf"(?i:(?P<month>{'|'.join(_ENGLISH_MONTHS)}))\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
)


class Notes:
    """What a reader noticed, each said once; repeated findings are counted."""

    def __init__(self, initial: tuple[str, ...] = ()) -> None:
        self._said: dict[str, None] = dict.fromkeys(initial)
        self._counted: dict[str, int] = {}

    def add(self, note: str) -> None:
        self._said.setdefault(note, None)

    def count(self, note: str) -> None:
        self._counted[note] = self._counted.get(note, 0) + 1

    def as_tuple(self) -> tuple[str, ...]:
        counted = (
            f"{note} ({number} item{'s' if number > 1 else ''})"
            for note, number in self._counted.items()
        )
        return (*self._said, *counted)


@dataclass(frozen=True)
class Dateline:
    """What a dateline or an opener such as "PARIS, 12 mars 2016 (AFP) -" says."""

    place: str = ""
    published: datetime.date | None = None
    byline: str = ""
    agency: str = ""


def read_dateline(text: str) -> Dateline:
    """Read a dateline, the way the plain-text parser reads a dispatch's opener."""
    text = " ".join(text.split())
    if not text:
        return Dateline()
    probe = _probe(text + ("" if text.endswith(("-", "–", "—")) else " -") + _PROBE_BODY)
    if probe is not None:
        return probe[0]
    return _loose_dateline(text)


def _probe(paragraph: str) -> tuple[Dateline, int] | None:
    """Parse an opener at the start of a paragraph; return it and where the text resumes."""
    prefix = f"{_PROBE_TITLE}\n\n"
    dispatches = parse_dispatches(prefix + paragraph)
    if not dispatches:
        return None
    first = dispatches[0]
    resumes = first.body_start - len(prefix)
    if resumes <= 0 or not (first.dateline_place or first.published or first.byline):
        return None
    return Dateline(first.dateline_place, first.published, first.byline, first.agency), resumes


def _loose_dateline(text: str) -> Dateline:
    """Read a dateline the plain-text parser does not know (an English one, say)."""
    place = _LOOSE_PLACE.match(text)
    agency = _LOOSE_AGENCY.search(text)
    date = _ENGLISH_DATE.search(text)
    published = None
    if date:
        try:
            month = _ENGLISH_MONTHS[date["month"].lower()]
            published = datetime.date(int(date["year"]), month, int(date["day"]))
        except ValueError:
            published = None
    name = place["place"].strip() if place else ""
    if name.split(" ")[0].lower() in _ENGLISH_MONTHS:
        name = ""  # "July 12 (AFP) -": a date, no place
    if name.isupper():
        name = "-".join(word.capitalize() for word in name.lower().split("-"))
        name = " ".join(word[:1].upper() + word[1:] for word in name.split(" "))
    return Dateline(name, published, "", agency["agency"] if agency else "")


def split_opener(paragraphs: list[str]) -> tuple[Dateline | None, list[str]]:
    """Move an opener at the start of the first paragraph out of the body."""
    if not paragraphs:
        return None, paragraphs
    first = paragraphs[0]
    probe = _probe(first)
    if probe is not None:
        dateline, resumes = probe
        rest = first[resumes:].lstrip()
        return dateline, ([rest] if rest else []) + paragraphs[1:]
    # A paragraph that is only a dateline ("PARIS, 12 mars 2016 (AFP) -").
    if first.rstrip().endswith(("-", "–", "—")) and len(first) < 200:
        probe = _probe(first + _PROBE_BODY)
        if probe is not None and probe[1] >= len(first):
            return probe[0], paragraphs[1:]
    return None, paragraphs


def make_item(
    *,
    what: str,
    notes: Notes,
    guid: str = "",
    title: str = "",
    paragraphs: list[str],
    status: str = "",
    dateline: str = "",
    place: str = "",
    byline: str = "",
    published: datetime.date | None = None,
    published_at: datetime.datetime | None = None,
    agency: str = "",
    version: int | None = None,
    urgency: int | None = None,
    slug: str = "",
    subjects: tuple[tuple[str, str], ...] = (),
    genre: str = "",
    language: str = "",
) -> WireItem:
    """Build an item; a usable item without body text is refused with what to do."""
    opener, paragraphs = split_opener(paragraphs)
    for found in (read_dateline(dateline) if dateline else None, opener):
        if found is not None:
            place = place or found.place
            published = published or found.published
            byline = byline or found.byline
            agency = agency or found.agency
    body = "\n\n".join(paragraphs)
    title = _XML_SPACE.sub(" ", title).strip(" ")
    derived = False
    if not body:
        if status not in ANNULLED:
            raise FormatError(
                f"{what} {guid or '(without an id)'} has no body text: the item carries no "
                "text paragraphs; ask the agency to send it again, or remove it from the file"
            )
        body = title or ANNULLED_NOTICE
    if not title:
        title = ANNULLED_NOTICE if body == ANNULLED_NOTICE else derive_title(body)
        derived = True
    if published is None and published_at is not None:
        published = published_at.date()
    if not language:
        language = detect_language(f"{title}\n\n{body}")
        if language:
            notes.count("language detected from the text, the metadata giving none")
    return WireItem(
        title=title,
        body=body,
        byline=byline,
        dateline_place=place,
        published=published,
        published_at=published_at,
        agency=agency,
        guid=guid,
        version=version,
        urgency=urgency,
        slug=slug,
        subjects=subjects,
        genre=genre,
        language=language,
        status=status,
        title_derived=derived,
    )


def timestamp(value: str, notes: Notes) -> tuple[datetime.date | None, datetime.datetime | None]:
    """Read a feed's date or time; a time without zone is taken as UTC, and noted."""
    if not value:
        return None, None
    day, moment, naive = parse_time(value)
    if day is None:
        notes.add(f"unreadable date or time {value!r} ignored")
    elif naive:
        notes.count("times without a time zone were taken as UTC")
    return day, moment
