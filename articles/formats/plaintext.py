"""Read plain-text dispatch files through the archive's own decoder and parser."""

from __future__ import annotations

from articles.decoding import NotText, decode_bytes
from articles.formats.assemble import Notes
from articles.formats.items import FormatError, ReadResult, WireItem
from articles.formats.language import detect_language
from articles.parsing import parse_dispatches

FORMAT = "plaintext"


def read(data: bytes, *, encoding: str = "auto") -> ReadResult:
    """Decode and split a plain-text file, each dispatch exactly as the parser gives it."""
    try:
        decoded = decode_bytes(data, encoding=encoding)
    except NotText as error:
        raise FormatError(str(error)) from error
    dispatches = parse_dispatches(decoded.text)
    if not dispatches:
        raise FormatError("no dispatch found: a dispatch needs a body of text")
    notes = Notes()
    items = []
    for dispatch in dispatches:
        language = detect_language(f"{dispatch.title}\n\n{dispatch.body}")
        if language:
            notes.count("language detected from the text, plain text giving none")
        items.append(
            WireItem(
                title=dispatch.title,
                title_derived=dispatch.title_derived,
                body=dispatch.body,
                byline=dispatch.byline,
                dateline_place=dispatch.dateline_place,
                published=dispatch.published,
                published_at=dispatch.published_at,
                agency=dispatch.agency,
                language=language,
            )
        )
    return ReadResult(FORMAT, items, decoded.encoding, notes.as_tuple())
