"""Read NewsML 1.2 as agencies such as AFP send it: one or more NewsItems per NewsML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from articles.formats import nitf
from articles.formats.assemble import Notes, make_item, timestamp
from articles.formats.items import FormatError, ReadResult, WireItem
from articles.formats.text import (
    attribute,
    children,
    clean_byline,
    find_local,
    findall_local,
    int_or_none,
    iter_local,
    language_code,
    line_of,
    paragraphs_of,
    plain_paragraphs,
    status_word,
    xml_lang,
)
from articles.formats.xmlsafe import XmlDocument, local_name

FORMAT = "newsml1"
_SUBJECT_LEVELS = ("Subject", "SubjectMatter", "SubjectDetail")
_NAME_ATTRIBUTES = ("Name", "Label")


def read(document: XmlDocument) -> ReadResult:
    """Read every NewsItem of a NewsML 1.2 document."""
    notes = Notes(document.notes)
    root = document.root
    elements = findall_local(root, "NewsItem")
    if not elements:
        raise FormatError(
            "the NewsML file holds no NewsItem: there is nothing to import; ask the agency "
            "for the items themselves"
        )
    envelope = find_local(root, "NewsEnvelope")
    urgency = int_or_none(attribute(find_local(envelope, "Priority"), "FormalName"))
    items = [_item(element, notes, envelope_urgency=urgency) for element in elements]
    return ReadResult(FORMAT, items, document.encoding, notes.as_tuple())


def _text(element: ET.Element | None, *path: str) -> str:
    return line_of(find_local(element, *path))


def _item(item: ET.Element, notes: Notes, *, envelope_urgency: int | None) -> WireItem:
    identifier = find_local(item, "Identification", "NewsIdentifier")
    parts = [
        _text(identifier, "ProviderId"),
        _text(identifier, "DateId"),
        _text(identifier, "NewsItemId"),
    ]
    # The item's id is the same for all its revisions: the PublicIdentifier's last part
    # (urn:newsml:Provider:Date:Item:Revision+Status) is the revision, left out here.
    if all(parts):
        guid = "urn:newsml:" + ":".join(parts)
    else:
        public = _text(identifier, "PublicIdentifier")
        guid = public.rsplit(":", 1)[0] if public.count(":") >= 5 else public
    management = find_local(item, "NewsManagement")
    created = _text(management, "ThisRevisionCreated") or _text(management, "FirstCreated")
    _, published_at = timestamp(created, notes)
    lines = next(iter_local(item, "NewsLines"), None)
    descriptive = next(iter_local(item, "DescriptiveMetadata"), None)
    paragraphs, embedded = _content(item)
    title = _text(lines, "HeadLine") or (nitf.headline(embedded) if embedded is not None else "")
    byline = clean_byline(_text(lines, "ByLine"))
    dateline = _text(lines, "DateLine")
    place = ""
    if embedded is not None:
        byline = byline or nitf.byline(embedded)
        if not dateline:
            place, dateline = nitf.dateline(embedded)
    language = (
        attribute(find_local(descriptive, "Language"), "FormalName")
        or xml_lang(item)
        or (xml_lang(embedded) if embedded is not None else "")
    )
    urgency = int_or_none(attribute(find_local(management, "Urgency"), "FormalName"))
    return make_item(
        what="NewsML item",
        notes=notes,
        guid=guid,
        title=title,
        paragraphs=paragraphs,
        status=status_word(attribute(find_local(management, "Status"), "FormalName")),
        dateline=dateline,
        place=place,
        byline=byline,
        published_at=published_at,
        agency=_agency(item),
        version=int_or_none(_text(identifier, "RevisionId")),
        urgency=urgency if urgency is not None else envelope_urgency,
        slug=_text(lines, "SlugLine") or _text(item, "Identification", "NameLabel"),
        subjects=_subjects(descriptive),
        genre=attribute(find_local(descriptive, "Genre"), "FormalName"),
        language=language_code(language) if language else "",
    )


def _agency(item: ET.Element) -> str:
    for role in ("Provider", "Source", "Creator"):
        for element in iter_local(item, role):
            name = attribute(find_local(element, "Party"), "FormalName")
            if name:
                return name
    return ""


def _subjects(descriptive: ET.Element | None) -> tuple[tuple[str, str], ...]:
    subjects: list[tuple[str, str]] = []
    for code in iter_local(descriptive, "SubjectCode"):
        for element in code:
            if not isinstance(element.tag, str) or local_name(element.tag) not in _SUBJECT_LEVELS:
                continue
            formal = attribute(element, "FormalName")
            if formal and all(formal != known for known, _ in subjects):
                subjects.append((formal, _subject_name(element)))
    return tuple(subjects)


def _subject_name(element: ET.Element) -> str:
    for name in _NAME_ATTRIBUTES:
        if value := attribute(element, name):
            return value
    for prop in findall_local(element, "Property"):
        if attribute(prop, "FormalName").lower() in {"name", "label"}:
            return attribute(prop, "Value")
    return ""


def _content(item: ET.Element) -> tuple[list[str], ET.Element | None]:
    """Return the paragraphs of the first text ContentItem, and its NITF when it has one."""
    for content_item in iter_local(item, "ContentItem"):
        data = find_local(content_item, "DataContent")
        if data is None:
            continue
        paragraphs, embedded = data_paragraphs(data)
        if paragraphs:
            return paragraphs, embedded
    return [], None


def data_paragraphs(data: ET.Element) -> tuple[list[str], ET.Element | None]:
    """Return the paragraphs of inline content (NITF, XHTML or text), and the NITF if any."""
    elements = children(data)
    if not elements:
        return plain_paragraphs(data.text or ""), None
    for child in elements:
        name = local_name(child.tag)
        if name == "nitf":
            return nitf.body_paragraphs(child), child
        if name == "html":
            body = find_local(child, "body")
            return paragraphs_of(body if body is not None else child), None
    return paragraphs_of(data), None
