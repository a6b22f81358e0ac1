"""The records extraction reads and returns: mentions in, quotations out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class MentionLike(Protocol):
    """An entity mention: offsets into the text, a label and a canonical name."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def canonical(self) -> str: ...


@dataclass(frozen=True)
class Quotation:
    """Quoted words (offsets inside the marks) and who they are attributed to."""

    start: int
    end: int
    speaker: int | None  # index into the mentions passed in
    speaker_text: str  # the attribution as written ("" if none), maybe an earlier quotation's
    speaker_start: int | None
    speaker_end: int | None
    verb: str | None  # "dire", "ajouter"... or "selon", "pour", "d'après"
    partial: bool  # quoted words inside the narrator's own sentence
