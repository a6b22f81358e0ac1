"""Read IPTC 7901 streams: messages of SOH header, STX text, ETX, and an optional EOT.

A stream with one broken message is rejected whole, so that nothing half-read is saved.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from articles.decoding import NotText, decode_bytes
from articles.formats.assemble import Notes, make_item
from articles.formats.items import FormatError, ReadResult, WireItem
from articles.formats.text import plain_paragraphs

FORMAT = "iptc7901"
SOH, STX, ETX, EOT, SYN = 0x01, 0x02, 0x03, 0x04, 0x16
# Between messages: whitespace, EOT and the SYN bytes some lines pad with.
_GAP = frozenset(b" \t\r\n\x04\x16")
_HEADER = re.compile(
    r"(?P<service>[A-Za-z]*)\s*(?P<number>\d+)\s+(?P<priority>\d)\s+(?P<category>[A-Za-z]{1,3})"
    r"(?:\s+(?P<words>\d+))?(?:\s+(?P<keyword>\S.*?))?\s*"
)
_ENCODINGS = {"utf-8-sig": "utf-8"}
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class _Message:
    number: int
    offset: int
    header: bytes
    text: bytes


def looks_like_7901(data: bytes) -> bool:
    """Tell whether bytes start like an IPTC 7901 stream: SOH or STX first."""
    for byte in data.removeprefix(codecs.BOM_UTF8)[:4096]:
        if byte not in _GAP:
            return byte in (SOH, STX)
    return False


def read(data: bytes, *, encoding: str = "auto") -> ReadResult:
    """Read every message of a 7901 stream, or reject the stream with the reason."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    messages, notes = _split(data)
    codec = _encoding(messages, encoding)
    items = [_item(message, codec, notes) for message in messages]
    return ReadResult(FORMAT, items, codec, notes.as_tuple())


def _split(data: bytes) -> tuple[list[_Message], Notes]:
    notes = Notes()
    messages: list[_Message] = []
    pos, size = 0, len(data)
    while True:
        while pos < size and data[pos] in _GAP:
            pos += 1
        if pos >= size:
            break
        number, start = len(messages) + 1, pos
        header = b""
        if data[pos] == SOH:
            stx = data.find(STX, pos + 1)
            if stx < 0 or 0 <= data.find(SOH, pos + 1) < stx:
                raise _broken(number, start, "has no STX (start of text) after its header")
            header, pos = data[pos + 1 : stx], stx
        elif data[pos] != STX:
            raise FormatError(
                f"unexpected bytes at byte {pos} of the IPTC 7901 stream, after message "
                f"{number - 1}: a message starts with SOH or STX; the stream was rejected "
                "whole, nothing was imported: fetch it again"
            )
        etx = data.find(ETX, pos + 1)
        if etx < 0 or 0 <= data.find(SOH, pos + 1) < etx:
            raise _broken(number, start, "has no ETX (end of text): the stream is cut or corrupt")
        text = data[pos + 1 : etx]
        for part, at in ((header, start + 1), (text, pos + 1)):
            if control := _CONTROL.search(part):
                raise _broken(
                    number,
                    start,
                    f"holds the control character 0x{control.group()[0]:02x} at byte "
                    f"{at + control.start()}: this is not a 7901 text stream",
                )
        messages.append(_Message(number, start, header, text))
        pos = etx + 1
        following = [found for found in (data.find(SOH, pos), data.find(STX, pos)) if found >= 0]
        end = min(following, default=size)
        trailer = data[pos:end].strip(bytes(_GAP))
        if control := _CONTROL.search(trailer):
            raise FormatError(
                f"unexpected control character 0x{control.group()[0]:02x} after message "
                f"{number} of the IPTC 7901 stream: this is not a 7901 text stream; the stream "
                "was rejected whole, nothing was imported"
            )
        if trailer:
            notes.add(f"text after the ETX of message {number} was ignored")
        pos = end
    if not messages:
        raise FormatError("the IPTC 7901 stream holds no message: there is nothing to import")
    return messages, notes


def _broken(number: int, offset: int, problem: str) -> FormatError:
    return FormatError(
        f"IPTC 7901 message {number} (at byte {offset}) {problem}; the stream was rejected "
        "whole, nothing was imported: fetch the stream again"
    )


def _encoding(messages: list[_Message], encoding: str) -> str:
    """Choose one encoding for the stream, by the plain-text rules, on all its text at once."""
    sample = b"\n\n".join(part for message in messages for part in (message.header, message.text))
    if not sample.strip():
        raise FormatError("the IPTC 7901 stream holds no text: there is nothing to import")
    try:
        found = decode_bytes(sample, encoding=encoding).encoding
    except NotText as error:
        raise FormatError(str(error)) from error
    return _ENCODINGS.get(found, found)


def _item(message: _Message, codec: str, notes: Notes) -> WireItem:
    header = message.header.decode(codec).strip()
    fields: dict[str, str] = {}
    if header:
        first, _, more = header.partition("\n")
        match = _HEADER.fullmatch(first.strip())
        if match is None:
            raise FormatError(
                f"IPTC 7901 message {message.number} (at byte {message.offset}) has an "
                f"unreadable header {first.strip()!r}: expected a service id and number, a "
                "priority (1-5), a category and a word count; the stream was rejected whole"
            )
        fields = {key: value or "" for key, value in match.groupdict().items()}
        fields["keyword"] = fields["keyword"] or more.strip().split("\n")[0].strip()
    text = message.text.decode(codec).replace("\r\n", "\n").replace("\r", "\n").strip("\n ")
    headline, _, rest = text.partition("\n")
    service = fields.get("service", "")
    category = fields.get("category", "")
    return make_item(
        what=f"IPTC 7901 message {message.number}",
        notes=notes,
        guid=f"{service}{fields.get('number', '')}",
        title=headline.strip(),
        paragraphs=plain_paragraphs(rest),
        agency=service,
        urgency=int(fields["priority"]) if fields.get("priority") else None,
        slug=fields.get("keyword", ""),
        subjects=((category, ""),) if category else (),
    )
