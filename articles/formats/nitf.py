"""Read NITF 3.x documents, alone or embedded in NewsML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from articles.formats.assemble import Notes, make_item, timestamp
from articles.formats.items import ReadResult, WireItem
from articles.formats.text import (
    attribute,
    clean_byline,
    find_local,
    findall_local,
    int_or_none,
    language_code,
    line_of,
    paragraphs_of,
    status_word,
    xml_lang,
)
from articles.formats.xmlsafe import XmlDocument

FORMAT = "nitf"
_NOT_BODY_TEXT = frozenset({"body.head", "body.end"})


def read(document: XmlDocument) -> ReadResult:
    """Read a NITF document: one item."""
    notes = Notes(document.notes)
    item = item_from(document.root, notes)
    return ReadResult(FORMAT, [item], document.encoding, notes.as_tuple())


def body_paragraphs(nitf: ET.Element) -> list[str]:
    """Return the paragraphs of a NITF body: body.content, or the body without head and end."""
    body = find_local(nitf, "body") if _is_nitf(nitf) else nitf
    content = find_local(body, "body.content")
    if content is not None:
        return paragraphs_of(content)
    return paragraphs_of(body, skip=_NOT_BODY_TEXT)


def headline(nitf: ET.Element) -> str:
    """Return the NITF headline: hedline/hl1, else head/title."""
    return line_of(find_local(nitf, "body", "body.head", "hedline", "hl1")) or line_of(
        find_local(nitf, "head", "title")
    )


def byline(nitf: ET.Element) -> str:
    """Return the NITF byline's names, without their job titles."""
    names = []
    for line in findall_local(find_local(nitf, "body", "body.head"), "byline"):
        persons = findall_local(line, "person")
        if persons:
            names.extend(line_of(person) for person in persons)
            continue
        text = paragraphs_of(line, skip=frozenset({"byttl"}))
        names.append(clean_byline(" ".join(text)))
    return ", ".join(name for name in names if name)


def dateline(nitf: ET.Element) -> tuple[str, str]:
    """Return the NITF dateline's place and its whole text."""
    element = find_local(nitf, "body", "body.head", "dateline")
    if element is None:
        return "", ""
    location = find_local(element, "location")
    city = find_local(location, "city")
    place = line_of(city if city is not None else location)
    return place, line_of(element)


def item_from(nitf: ET.Element, notes: Notes, *, what: str = "NITF document") -> WireItem:
    """Build the item of a NITF document."""
    head = find_local(nitf, "head")
    docdata = find_local(head, "docdata")
    du_key = find_local(docdata, "du-key")
    issued = attribute(find_local(docdata, "date.issue"), "norm") or attribute(
        find_local(docdata, "date.release"), "norm"
    )
    place, dateline_text = dateline(nitf)
    if not issued:
        issued = attribute(find_local(nitf, "body", "body.head", "dateline", "story.date"), "norm")
    published, published_at = timestamp(issued, notes)
    tobject = find_local(head, "tobject")
    subjects = tuple(
        (
            attribute(subject, "tobject.subject.refnum"),
            attribute(subject, "tobject.subject.detail")
            or attribute(subject, "tobject.subject.matter")
            or attribute(subject, "tobject.subject.type"),
        )
        for subject in findall_local(tobject, "tobject.subject")
        if attribute(subject, "tobject.subject.refnum")
    )
    body = find_local(nitf, "body")
    language = xml_lang(nitf) or xml_lang(body) or xml_lang(head)
    return make_item(
        what=what,
        notes=notes,
        guid=attribute(find_local(docdata, "doc-id"), "id-string"),
        title=headline(nitf),
        paragraphs=body_paragraphs(nitf),
        status=status_word(attribute(docdata, "management-status")),
        dateline=dateline_text,
        place=place,
        byline=byline(nitf),
        published=published if published_at is None else None,
        published_at=published_at,
        agency=attribute(find_local(docdata, "doc.copyright"), "holder")
        or line_of(find_local(nitf, "body", "body.head", "distributor")),
        version=int_or_none(attribute(du_key, "version")),
        urgency=int_or_none(attribute(find_local(docdata, "urgency"), "ed-urg")),
        slug=attribute(du_key, "key"),
        subjects=subjects,
        genre=attribute(find_local(tobject, "tobject.property"), "tobject.property.type")
        or attribute(tobject, "tobject.type"),
        language=language_code(language) if language else "",
    )


def _is_nitf(element: ET.Element) -> bool:
    return element.tag.rpartition("}")[2] == "nitf"
