"""Read NewsML-G2 2.x: a newsMessage with an itemSet of newsItems, or a bare newsItem."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from articles.formats import nitf
from articles.formats.assemble import Notes, make_item, timestamp
from articles.formats.items import FormatError, ReadResult, WireItem
from articles.formats.newsml1 import data_paragraphs
from articles.formats.text import (
    attribute,
    children,
    clean_byline,
    code_of,
    find_local,
    findall_local,
    int_or_none,
    language_code,
    line_of,
    status_word,
    xml_lang,
)
from articles.formats.xmlsafe import local_name

FORMAT = "newsmlg2"
NAMESPACE = "http://iptc.org/std/nar/2006-10-01/"
_DEFAULT_STATUS = "usable"  # what the standard says an item without pubStatus is


def read(document) -> ReadResult:
    """Read every newsItem of a NewsML-G2 document."""
    notes = Notes(document.notes)
    root = document.root
    if local_name(root.tag) == "newsItem":
        elements = [root]
    else:
        members = children(find_local(root, "itemSet"))
        elements = [child for child in members if local_name(child.tag) == "newsItem"]
        for other in sorted({local_name(child.tag) for child in members} - {"newsItem"}):
            notes.add(f"<{other}> members ignored: only newsItems carry news text")
    if not elements:
        raise FormatError(
            "the NewsML-G2 message holds no newsItem: there is nothing to import; ask the "
            "agency for the news items themselves"
        )
    items = [_item(element, notes) for element in elements]
    return ReadResult(FORMAT, items, document.encoding, notes.as_tuple())


def _text(element: ET.Element | None, *path: str) -> str:
    return line_of(find_local(element, *path))


def _qcode_name(element: ET.Element | None) -> str:
    """Return what an element names: its name child, its literal, or its qcode's code."""
    if element is None:
        return ""
    return (
        _text(element, "name")
        or attribute(element, "literal")
        or attribute(element, "qcode").rpartition(":")[2]
    )


def _item(item: ET.Element, notes: Notes) -> WireItem:
    meta = find_local(item, "itemMeta")
    content_meta = find_local(item, "contentMeta")
    status = attribute(find_local(meta, "pubStatus"), "qcode")
    created = _text(meta, "versionCreated") or _text(meta, "firstCreated")
    _, published_at = timestamp(created, notes)
    paragraphs, embedded, inline_lang = _content(item)
    title = _headline(content_meta) or _text(meta, "title")
    byline = clean_byline(_text(content_meta, "by"))
    if not byline:
        byline = ", ".join(
            name for name in map(_qcode_name, findall_local(content_meta, "creator")) if name
        )
    dateline = _text(content_meta, "dateline")
    place = _text(content_meta, "located", "name")
    if embedded is not None:
        title = title or nitf.headline(embedded)
        byline = byline or nitf.byline(embedded)
        if not dateline:
            nitf_place, dateline = nitf.dateline(embedded)
            place = place or nitf_place
    language = (
        attribute(find_local(content_meta, "language"), "tag") or xml_lang(item) or inline_lang
    )
    genre = find_local(content_meta, "genre")
    return make_item(
        what="NewsML-G2 item",
        notes=notes,
        guid=attribute(item, "guid"),
        title=title,
        paragraphs=paragraphs,
        status=status_word(status) if status else _DEFAULT_STATUS,
        dateline=dateline,
        place=place,
        byline=byline,
        published_at=published_at,
        agency=_qcode_name(find_local(content_meta, "infoSource"))
        or _qcode_name(find_local(meta, "provider")),
        version=int_or_none(attribute(item, "version")),
        urgency=int_or_none(_text(content_meta, "urgency")),
        slug=_text(content_meta, "slugline"),
        subjects=_subjects(content_meta),
        genre=code_of(attribute(genre, "qcode"), "genre") or _text(genre, "name"),
        language=language_code(language) if language else "",
    )


def _headline(content_meta: ET.Element | None) -> str:
    headlines = findall_local(content_meta, "headline")
    main = [h for h in headlines if attribute(h, "role") in {"", "hld:main"}]
    return line_of((main or headlines)[0]) if headlines else ""


def _subjects(content_meta: ET.Element | None) -> tuple[tuple[str, str], ...]:
    subjects: list[tuple[str, str]] = []
    for subject in findall_local(content_meta, "subject"):
        code = code_of(attribute(subject, "qcode"), "subj")
        found = (code, _text(subject, "name") or ("" if code else attribute(subject, "literal")))
        if any(found) and found not in subjects:
            subjects.append(found)
    return tuple(subjects)


def _content(item: ET.Element) -> tuple[list[str], ET.Element | None, str]:
    """Return the paragraphs of the first inline content with text, its NITF, its language."""
    for content in children(find_local(item, "contentSet")):
        if local_name(content.tag) in {"inlineXML", "inlineData"}:
            paragraphs, embedded = data_paragraphs(content)
            if paragraphs:
                return paragraphs, embedded, xml_lang(content)
    return [], None, ""
