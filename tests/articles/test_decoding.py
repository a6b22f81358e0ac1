"""Decoding imported bytes: detected encodings, and clear reasons for what is not text."""

import codecs

import pytest

from articles.decoding import NotText, decode_bytes

FRENCH = "Le président turc a effectué mardi une visite à Saint-Pétersbourg, «travail difficile».\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
        (FRENCH.encode("utf-16"), "utf-16"),
        ((FRENCH * 20).encode("cp1252"), "cp1252"),
        ("Œuvre d'art « coûteuse » : 5 € pour l'été.\n".encode("cp1252") * 5, "cp1252"),
    ],
)
def test_detects_the_encoding_and_decodes_exactly(data, encoding):
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text.replace("\ufeff", "") in {FRENCH, FRENCH * 20} or "Œuvre" in decoded.text


def test_cp1252_keeps_accents_and_euro_sign():
    decoded = decode_bytes("Le coût : 5 € à Montréal, déjà.\n".encode("cp1252") * 10)
    assert "5 € à Montréal, déjà" in decoded.text


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (bytes(range(1, 32)) * 40, "binary"),
    ],
)
def test_rejects_what_is_not_text_with_a_reason(data, words):
    with pytest.raises(NotText, match=words):
        decode_bytes(data)


def test_invalid_utf8_in_the_middle_names_the_line():
    good = "Première ligne déjà en UTF-8.\n".encode() * 3
    data = good + b"Une ligne cass\xe9e ici.\n" + good
    with pytest.raises(NotText, match=r"invalid UTF-8 at line 4"):
        decode_bytes(data)


def test_forced_encoding_is_strict_and_names_the_line():
    data = "ligne un\nligne deux é\n".encode("utf-16-le")
    with pytest.raises(NotText, match="not valid utf-8 at line"):
        decode_bytes(data, encoding="utf-8")
    assert decode_bytes("déjà\n".encode("cp1252"), encoding="cp1252").text == "déjà\n"


def test_utf16_text_with_a_nul_character_names_the_line():
    data = "ligne un\nligne deux\x00\n".encode("utf-16")
    with pytest.raises(NotText, match="NUL character at line 2"):
        decode_bytes(data)
