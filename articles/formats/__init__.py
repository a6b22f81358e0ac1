"""Read the wire formats agencies deliver: one reader per format, chosen by content.

``read(data)`` detects the format (never by file name) and gives the same record,
:class:`WireItem`, for plain text, NewsML 1.2, NewsML-G2, NITF and IPTC 7901.
Pure Python: no Django, no database.
"""

from __future__ import annotations

from articles.formats import iptc7901, newsml1, newsmlg2, nitf, plaintext
from articles.formats.items import FormatError, ReadResult, WireItem
from articles.formats.xmlsafe import looks_like_xml, parse_xml, root_element

__all__ = ["FORMATS", "FormatError", "ReadResult", "WireItem", "detect", "read"]

FORMATS = ("plaintext", "newsml1", "newsmlg2", "nitf", "iptc7901")
_XML_READERS = {"newsml1": newsml1.read, "newsmlg2": newsmlg2.read, "nitf": nitf.read}
_NEWSML1_NAMESPACES = frozenset({"", "http://iptc.org/std/NewsML/2003-10-10/"})


def detect(data: bytes) -> str:
    """Tell a file's format from its content: its XML root, its 7901 control characters."""
    if looks_like_xml(data):
        found = root_element(data)
        if found is None:
            root = parse_xml(data).root.tag
            found = (root[1:].partition("}")[0], root.rpartition("}")[2])
        return _xml_format(*found)
    if iptc7901.looks_like_7901(data):
        return "iptc7901"
    return "plaintext"


def _xml_format(namespace: str, name: str) -> str:
    if name == "NewsML" and namespace in _NEWSML1_NAMESPACES:
        return "newsml1"
    if name in {"newsMessage", "newsItem"} and namespace == newsmlg2.NAMESPACE:
        return "newsmlg2"
    if name == "nitf":
        return "nitf"
    where = f" in namespace {namespace}" if namespace else ""
    raise FormatError(
        f"unknown XML document <{name}>{where}: the archive reads NewsML 1.2, NewsML-G2, NITF "
        "and IPTC 7901 (and plain text); convert the file to one of them"
    )


def read(data: bytes, *, name: str = "", encoding: str = "auto") -> ReadResult:
    """Detect a file's format and read its items; FormatError says why a file cannot be read."""
    kind = detect(data)
    if kind == "plaintext":
        return plaintext.read(data, encoding=encoding)
    if kind == "iptc7901":
        return iptc7901.read(data, encoding=encoding)
    result = _XML_READERS[kind](parse_xml(data, encoding=encoding))
    if name.lower().endswith((".txt", ".text")):
        return ReadResult(
            result.format,
            result.items,
            result.encoding,
            (*result.notes, f"{name} holds {kind} despite its name: read by its content"),
        )
    return result
