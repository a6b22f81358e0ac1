"""Turn the bytes of an imported file into text, or say exactly why not."""

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer.md import mess_ratio

ENCODINGS = ("auto", "utf-8", "cp1252", "latin-1", "utf-16")
MAX_MESS_RATIO = 0.5

# A valid UTF-8 multi-byte sequence: its presence means the file was meant to be UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


class NotText(ValueError):
    """The file cannot be read as text; the message says why and what to do."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = _line_of(data, error.start)
        raise NotText(
            f"not valid {encoding} at line {line} (byte {error.start}): "
            f"re-save the file as UTF-8 or pick the right encoding"
        ) from error


def _check_is_text(text: str) -> None:
    if not text.strip():
        raise NotText("the file is empty: there is nothing to import")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise NotText(
            f"NUL character at line {line}: this is not plain text; re-save it as UTF-8 text"
        )
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\n\r\t\f"
    )
    if controls > max(3, len(text) // 200):
        raise NotText(
            f"this looks like a binary file, not text ({controls} control characters): "
            "import plain-text dispatches only"
        )


def decode_bytes(data: bytes, *, encoding: str = "auto") -> DecodedText:
    """Decode a file's bytes, detecting UTF-8, UTF-16 and Windows-1252/Latin-1 when auto."""
    if not data.strip():
        raise NotText("the file is empty: there is nothing to import")
    if encoding != "auto":
        decoded = DecodedText(_strict(data, codecs.lookup(encoding).name), encoding)
        _check_is_text(decoded.text)
        return decoded
    if data.startswith(codecs.BOM_UTF8):
        decoded = DecodedText(_strict(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = DecodedText(_strict(data, "utf-16"), "utf-16")
    elif b"\x00" in data:
        raise NotText(
            "this looks like a binary file, not text (it contains NUL bytes): "
            "import plain-text dispatches only"
        )
    else:
        decoded = _decode_without_bom(data)
    _check_is_text(decoded.text)
    return decoded


def _decode_without_bom(data: bytes) -> DecodedText:
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):
            # Valid UTF-8 elsewhere: a legacy decode would turn it into mojibake.
            line = _line_of(data, error.start)
            raise NotText(
                f"invalid UTF-8 at line {line} (byte {error.start}) in a file that is "
                "otherwise UTF-8: fix that line, or force an encoding with --encoding"
            ) from error
    # Without a BOM or valid UTF-8, French text is in a Western legacy encoding:
    # cp1252 when every byte is defined there, else Latin-1. charset-normalizer's
    # mess ratio then tells text from noise.
    try:
        encoding, text = "cp1252", data.decode("cp1252")
    except UnicodeDecodeError:
        encoding, text = "latin-1", data.decode("latin-1")
    if mess_ratio(text[:100_000], maximum_threshold=1.0) > MAX_MESS_RATIO:
        raise NotText(
            "the text encoding cannot be detected (not UTF-8, UTF-16 or Windows-1252): "
            "re-save the file as UTF-8"
        )
    return DecodedText(text, encoding)
