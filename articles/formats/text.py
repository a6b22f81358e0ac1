"""Turn markup into clean paragraphs of text, and read the small values feeds carry."""

from __future__ import annotations

import datetime
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from articles.formats.xmlsafe import local_name

BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2", "blockquote", "li", "dd", "dt",
    "pre", "tr", "caption", "figcaption", "section", "article", "header", "footer", "block",
    "body.content", "table", "ul", "ol", "dl", "address", "note",
})  # fmt: skip
# Never text: scripts, styles, embedded objects and form controls are dropped with their content.
DROPPED = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "svg",
    "math", "form", "button", "input", "select", "textarea", "head", "title", "meta", "link",
    "media", "media-reference", "media-metadata", "media-object", "img", "audio", "video",
})  # fmt: skip
_CELLS = frozenset({"td", "th"})
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_MARKUP = re.compile(r"<(?:[A-Za-z!/?])")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_LEFTOVER_TAG = re.compile(r"<(?:!--.*?-->|/?[A-Za-z][^<>]*>)", re.DOTALL)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\r\n|\r")
_MAX_NESTING = 3
_TIME = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_ISO_639_2 = {
    "fra": "fr", "fre": "fr", "eng": "en", "spa": "es", "deu": "de", "ger": "de", "ara": "ar",
    "por": "pt", "ita": "it", "nld": "nl", "dut": "nl", "rus": "ru", "zho": "zh", "chi": "zh",
}  # fmt: skip
_STATUSES = {
    "cancelled": "canceled", "cancel": "canceled", "kill": "canceled", "withhold": "withheld",
}  # fmt: skip
_BYLINE_PREFIX = re.compile(r"^(?:par|by)\s+", re.IGNORECASE)


class _Paragraphs:
    """Collect text into paragraphs: XML whitespace collapsed, line breaks only from <br>."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._parts: list[str] = []

    def text(self, text: str | None, nesting: int = 0) -> None:
        if not text:
            return
        if "&" in text:
            # Escaped twice by the sender: "&amp;eacute;" meant "é", "&amp;lt;b&amp;gt;" a tag.
            text = _ENTITY.sub(lambda entity: html.unescape(entity.group()), text)
        if _MARKUP.search(text):
            if nesting < _MAX_NESTING:
                _HtmlText(self, nesting + 1).run(text)
                return
            text = _LEFTOVER_TAG.sub(" ", text)
        self._parts.append(_XML_SPACE.sub(" ", text))

    def line_break(self) -> None:
        self._parts.append("\n")

    def end(self) -> None:
        lines = (line.strip(" ") for line in "".join(self._parts).split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            self.paragraphs.append(paragraph)
        self._parts = []


class _HtmlText(HTMLParser):
    """Read HTML found inside text (escaped or in CDATA) as text, dropping what is not text."""

    def __init__(self, out: _Paragraphs, nesting: int) -> None:
        super().__init__(convert_charrefs=True)
        self.out = out
        self.nesting = nesting
        self.dropping = 0

    def run(self, markup: str) -> None:
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += tag not in {"img", "input", "meta", "link", "embed"}
        elif tag == "br":
            self.out.line_break()
        elif tag in BLOCKS:
            self.out.end()

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.out.line_break()
        elif tag in BLOCKS:
            self.out.end()

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCKS:
            self.out.end()
        elif tag in _CELLS:
            self.out.text(" ")

    def handle_data(self, data):
        if not self.dropping:
            self.out.text(data, self.nesting)


def paragraphs_of(element: ET.Element | None, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Return the paragraphs of text inside an element, inline markup flattened."""
    out = _Paragraphs()
    if element is not None:
        _walk(element, out, skip, top=True)
        out.end()
    return out.paragraphs


def _walk(element: ET.Element, out: _Paragraphs, skip: frozenset[str], top: bool = False) -> None:
    name = local_name(element.tag) if isinstance(element.tag, str) else ""
    if not name or (not top and (name in DROPPED or name in skip)):
        return
    if name == "br":
        out.line_break()
        return
    block = name in BLOCKS
    if block:
        out.end()
    out.text(element.text)
    for child in element:
        _walk(child, out, skip)
        out.text(child.tail)
    if block:
        out.end()
    elif name in _CELLS:
        out.text(" ")


def plain_paragraphs(text: str) -> list[str]:
    """Split plain text (or text holding HTML) into paragraphs at blank lines."""
    if _MARKUP.search(text):
        out = _Paragraphs()
        for chunk in _BLANK_LINE.split(_LINE_BREAK.sub("\n", text)):
            out.text(chunk)
            out.end()
        return out.paragraphs
    paragraphs = []
    for chunk in _BLANK_LINE.split(_LINE_BREAK.sub("\n", text)):
        lines = [line.rstrip() for line in chunk.split("\n")]
        paragraph = "\n".join(line for line in lines if line.strip()).strip()
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


def line_of(element: ET.Element | None) -> str:
    """Return an element's text on one line, markup and extra whitespace removed."""
    return " ".join(paragraphs_of(element)).replace("\n", " ")


def find_local(element: ET.Element | None, *path: str) -> ET.Element | None:
    """Follow a path of element names, ignoring namespaces; the first match at each step."""
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _named(child, name)), None)
    return element


def children(element: ET.Element | None) -> list[ET.Element]:
    """Return an element's child elements (comments and processing instructions left out)."""
    return [child for child in element if isinstance(child.tag, str)] if element is not None else []


def findall_local(element: ET.Element | None, name: str) -> list[ET.Element]:
    """Return the children of an element with a name, ignoring namespaces."""
    return [child for child in element if _named(child, name)] if element is not None else []


def iter_local(element: ET.Element | None, name: str):
    """Yield the descendants of an element with a name, ignoring namespaces, in order."""
    if element is None:
        return
    for descendant in element.iter():
        if _named(descendant, name):
            yield descendant


def _named(element: ET.Element, name: str) -> bool:
    return isinstance(element.tag, str) and local_name(element.tag) == name


def attribute(element: ET.Element | None, name: str) -> str:
    """Return an attribute's value stripped, ignoring its namespace, or ""."""
    if element is None:
        return ""
    if name in element.attrib:
        return element.attrib[name].strip()
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value.strip()
    return ""


def xml_lang(element: ET.Element | None) -> str:
    """Return an element's xml:lang, or ""."""
    if element is None:
        return ""
    return element.get("{http://www.w3.org/XML/1998/namespace}lang", "").strip()


def int_or_none(value: str) -> int | None:
    """Return the integer a feed wrote, or None when it wrote none."""
    value = value.strip()
    return int(value) if value.isdigit() else None


def parse_time(value: str) -> tuple[datetime.date | None, datetime.datetime | None, bool]:
    """Read an ISO 8601 date or time (basic or extended); return (date, time, naive)."""
    match = _TIME.fullmatch(value.strip())
    if match is None:
        return None, None, False
    try:
        day = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["H"] is None:
            return day, None, False
        moment = datetime.datetime.combine(
            day, datetime.time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
        )
    except ValueError:
        return None, None, False
    zone = match["tz"]
    if zone is None:
        return day, moment.replace(tzinfo=datetime.UTC), True
    if zone == "Z":
        return day, moment.replace(tzinfo=datetime.UTC), False
    digits = zone[1:].replace(":", "")
    offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    tz = datetime.timezone(offset if zone[0] == "+" else -offset)
    return day, moment.replace(tzinfo=tz), False


def language_code(tag: str) -> str:
    """Normalise a language tag ("fr-FR", "fre", "FR") to ISO 639-1 ("fr")."""
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return _ISO_639_2.get(code, code)


def status_word(value: str) -> str:
    """Normalise a publishing status ("Canceled", "stat:canceled") to its lowercase word."""
    word = value.strip().rpartition(":")[2].lower()
    return _STATUSES.get(word, word)


def code_of(qcode: str, scheme: str) -> str:
    """Drop a known scheme prefix from a qcode ("subj:11000000" -> "11000000")."""
    return qcode.removeprefix(f"{scheme}:")


def clean_byline(value: str) -> str:
    """Drop a leading "Par"/"By" from a byline."""
    return _BYLINE_PREFIX.sub("", value.strip())
