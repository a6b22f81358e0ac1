"""Parse untrusted XML safely: no DTD, no entity declarations, no network, a size limit.

The bytes are decoded here, not by the parser, because agencies' declarations lie: a file
declared ``iso-8859-1`` often holds UTF-8, and one declared UTF-8 may be Windows-1252.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from articles.formats.items import FormatError

MAX_XML_BYTES = 20 * 1024 * 1024

_DECLARATION = re.compile(rb"\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
# A valid UTF-8 multi-byte sequence: its presence means the file was meant to be UTF-8.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
# Declarations of a Western single-byte encoding, which UTF-8 files often carry by mistake.
_WESTERN = frozenset({"iso8859-1", "cp1252", "iso8859-15", "ascii"})
_XML_PROLOG = re.compile(rb"\A\s*(?:<\?xml[\s?]|<!--|<!DOCTYPE\s)")
_BARE_ROOT = re.compile(rb"\A\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([\s/>][^<>]*)")
_KNOWN_ROOTS = frozenset({b"NewsML", b"newsMessage", b"newsItem", b"nitf"})
_PROLOG_PART = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>)", re.DOTALL
)
_START_TAG = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)((?:\s[^<>]*)?)/?>")
_XMLNS = re.compile(rb"\sxmlns(?::([\w.-]+))?\s*=\s*[\"']([^\"']*)[\"']")
_SNIFF_BYTES = 65536
_TRUNCATION = frozenset({"no element found", "unclosed token", "unclosed CDATA section"})


@dataclass(frozen=True)
class XmlDocument:
    """A parsed document: its root element, the encoding found, and notes on the way."""

    root: ET.Element
    encoding: str
    notes: tuple[str, ...]


class _Refused(Exception):
    """A DTD construct the archive refuses; the message is the whole explanation."""


class _Parser(DefusedXMLParser):
    """defusedxml's parser, refusing every DTD declaration but tolerating a bare DOCTYPE."""

    def __init__(self) -> None:
        super().__init__(
            target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        self.doctype: str = ""
        self._internal_subset = False
        self.parser.StartDoctypeDeclHandler = self._start_doctype
        self.parser.EndDoctypeDeclHandler = self._end_doctype

    def _start_doctype(self, name, sysid, pubid, has_internal_subset):
        self.doctype = f"<!DOCTYPE {name}{' ' + sysid if sysid else ''}>"
        self._internal_subset = bool(has_internal_subset)

    def _end_doctype(self):
        # Entity declarations raise on their own as they are met; any other internal
        # declaration (ATTLIST defaults inject attributes) is refused here.
        if self._internal_subset:
            raise _Refused(
                "XML DTD declarations are refused (the file carries an internal DTD subset): "
                "re-export the file without a DOCTYPE"
            )


def local_name(tag: str) -> str:
    """Return an element's name without its namespace."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def namespace_of(tag: str) -> str:
    """Return an element's namespace URI, or "" for none."""
    return tag[1:].partition("}")[0] if tag[:1] == "{" else ""


def looks_like_xml(data: bytes) -> bool:
    """Tell whether bytes start like an XML document (after any byte-order mark).

    Without a prolog, a leading tag makes a document when it is a wire format's root,
    declares a namespace, or the bytes also end with a tag: "<Paris> ..." stays text.
    """
    head = _sniffable(data)
    if _XML_PROLOG.match(head):
        return True
    root = _BARE_ROOT.match(head)
    if root is None:
        return False
    return (
        root.group(1) in _KNOWN_ROOTS or b"xmlns" in root.group(2) or data.rstrip().endswith(b">")
    )


def root_element(data: bytes) -> tuple[str, str] | None:
    """Return the (namespace, name) of the root element from the prolog, without parsing."""
    head = _sniffable(data)
    pos = 0
    while match := _PROLOG_PART.match(head, pos):
        if match.end() == pos:
            break
        pos = match.end()
    start = _START_TAG.match(head, pos + len(head[pos:]) - len(head[pos:].lstrip()))
    if start is None:
        return None
    prefix = (start.group(1) or b"").decode("ascii")
    namespaces = {
        (found.group(1) or b"").decode("ascii"): found.group(2).decode("utf-8", "replace")
        for found in _XMLNS.finditer(start.group(3))
    }
    return namespaces.get(prefix, ""), start.group(2).decode("ascii")


def _sniffable(data: bytes) -> bytes:
    """Return the start of the bytes as ASCII-compatible bytes, byte-order mark removed."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "ignore").encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8)


def check_size(data: bytes) -> None:
    """Refuse XML over the size limit before any parsing."""
    if len(data) > MAX_XML_BYTES:
        raise FormatError(
            f"the XML file is {len(data) / 1048576:.1f} MB, over the "
            f"{MAX_XML_BYTES // 1048576} MB limit: ask the agency for smaller files, or split "
            "the feed into several files"
        )


def decode_xml(data: bytes, *, encoding: str = "auto") -> tuple[str, str]:
    """Decode XML bytes; return the text and the encoding found ("cp1252 (declared utf-8)")."""
    declared_match = _DECLARATION.match(_sniffable(data))
    declared = declared_match.group(1).decode("ascii").lower() if declared_match else ""
    if encoding != "auto":
        codec = _codec(encoding, "given")
        return _strict(data.removeprefix(codecs.BOM_UTF8), codec), encoding.lower()
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8) :], "utf-8")
        return text, _label("utf-8-sig", declared, "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), _label("utf-16", declared, "utf-16")
    codec = _codec(declared, "declared") if declared else "utf-8"
    if codec == "utf-8":
        return _utf8_or_legacy(data, declared)
    if codec in _WESTERN:
        if _UTF8_MULTIBYTE.search(data) and _is_utf8(data):
            return data.decode("utf-8"), f"utf-8 (declared {declared})"
        if codec != "cp1252" and _C1_BYTES.search(data):
            # Bytes 0x80-0x9F are control codes in Latin-1 but quotes and dashes in
            # Windows-1252, which is what such files hold in practice.
            legacy = _legacy(data)
            return legacy[0], f"{legacy[1]} (declared {declared})"
        return data.decode(codec), declared
    return _strict(data, codec), declared


def _codec(name: str, how: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise FormatError(
            f"unknown encoding {name!r} {how} for the XML file: re-export it as UTF-8"
        ) from None


def _label(found: str, declared: str, expected: str) -> str:
    if declared and _codec(declared, "declared") != expected:
        return f"{found} (declared {declared})"
    return found


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_or_legacy(data: bytes, declared: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):
            # Valid UTF-8 elsewhere: a legacy decode would turn it into mojibake.
            raise FormatError(
                f"invalid UTF-8 at line {_line_of(data, error.start)} (byte {error.start}) "
                "in an XML file that is otherwise UTF-8: fix that line or re-export the file"
            ) from error
    text, found = _legacy(data)
    return text, f"{found} (declared {declared or 'utf-8 by default'})"


def _legacy(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise FormatError(
            f"not valid {codec} at line {_line_of(data, error.start)} (byte {error.start}): "
            "re-export the file as UTF-8"
        ) from error


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_xml(data: bytes, *, encoding: str = "auto") -> XmlDocument:
    """Parse XML bytes into an element tree, refusing anything unsafe or malformed."""
    check_size(data)
    if not data.strip():
        raise FormatError("the file is empty: there is nothing to import")
    text, found = decode_xml(data, encoding=encoding)
    parser = _Parser()
    try:
        parser.feed(text)
        root = parser.close()
    except EntitiesForbidden as error:
        if error.sysid or error.pubid:
            raise FormatError(
                f"XML external entities are refused (entity {error.name!r} points to "
                f"{error.sysid or error.pubid}): the archive never reads files or addresses "
                "named inside a document; re-export the file without a DOCTYPE"
            ) from None
        raise FormatError(
            f"XML entity declarations are refused (possible entity-expansion bomb, entity "
            f"{error.name!r}): re-export the file without a DOCTYPE"
        ) from None
    except ExternalReferenceForbidden as error:
        raise FormatError(
            f"XML external references are refused ({error.sysid}): re-export the file "
            "without a DOCTYPE"
        ) from None
    except _Refused as error:
        raise FormatError(str(error)) from None
    except ET.ParseError as error:
        raise _malformed(error, text) from None
    notes = []
    if parser.doctype:
        notes.append(f"the document type {parser.doctype} was ignored (DTDs are never fetched)")
    if "(declared" in found:
        notes.append(f"the encoding found is {found}: the file was read as {found.split()[0]}")
    return XmlDocument(root=root, encoding=found, notes=tuple(notes))


def _malformed(error: ET.ParseError, text: str) -> FormatError:
    line, column = error.position
    reason = ET.ParseError.__str__(error).split(":")[0]
    lines = text.count("\n") + 1
    at_end = line >= lines and column >= len(text.rsplit("\n", 1)[-1])
    if reason in _TRUNCATION or (at_end and not reason.startswith("junk after")):
        return FormatError(
            f"truncated XML at line {line}, column {column} ({reason}): the file ends before "
            "its document does; fetch or re-export the file again"
        )
    return FormatError(
        f"malformed XML at line {line}, column {column} ({reason}): fix or re-export the file"
    )
