"""The record every wire-format reader gives, and the error they raise."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

ANNULLED = frozenset({"canceled", "withheld"})


class FormatError(ValueError):
    """The file cannot be read in its format; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class WireItem:
    """One news item read from a file, whatever its format."""

    title: str
    body: str
    byline: str = ""
    dateline_place: str = ""
    published: datetime.date | None = None
    published_at: datetime.datetime | None = None
    agency: str = ""
    guid: str = ""
    version: int | None = None
    urgency: int | None = None
    slug: str = ""
    subjects: tuple[tuple[str, str], ...] = ()
    genre: str = ""
    language: str = ""
    status: str = ""
    title_derived: bool = False

    @property
    def annulled(self) -> bool:
        return self.status in ANNULLED


@dataclass(frozen=True)
class ReadResult:
    """The items of one file, the format and encoding found, and what was noticed on the way."""

    format: str
    items: list[WireItem]
    encoding: str
    notes: tuple[str, ...] = ()
