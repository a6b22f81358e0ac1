import pytest

from articles.formats import FormatError, read
from articles.formats.xmlsafe import MAX_XML_BYTES, parse_xml
from tests.formats.conftest import fixture_bytes


def _error(data: bytes) -> str:
    with pytest.raises(FormatError) as caught:
        read(data)
    return str(caught.value)


def test_malformed_xml_names_line_column_and_what_to_do():
    assert _error(fixture_bytes("bad/malformed.xml")) == (
        "malformed XML at line 12, column 6 (mismatched tag): fix or re-export the file"
    )


def test_truncated_file():
    message = _error(fixture_bytes("bad/truncated.xml"))
    assert message.startswith("truncated XML at line 34, column 8")
    assert "fetch or re-export the file again" in message


def test_truncated_after_the_last_tag_opens():
    message = _error(b"<nitf><body><body.content><p>Un texte")
    assert message.startswith("truncated XML at line 1")


def test_billion_laughs_is_refused_before_expanding():
    message = _error(fixture_bytes("bad/billion-laughs.xml"))
    assert message.startswith("XML entity declarations are refused (possible entity-expansion bomb")
    assert "re-export the file without a DOCTYPE" in message


def test_external_entity_is_refused_and_never_read():
    message = _error(fixture_bytes("bad/external-entity.xml"))
    assert message.startswith("XML external entities are refused")
    assert "file:///etc/passwd" in message
    assert "root:" not in message


def test_parameter_entity_is_refused():
    data = b'<!DOCTYPE nitf [<!ENTITY % p SYSTEM "http://example.org/x.dtd"> %p;]><nitf/>'
    assert _error(data).startswith("XML external entities are refused")


def test_internal_dtd_declarations_are_refused():
    data = b'<!DOCTYPE nitf [<!ATTLIST p onclick CDATA "evil()">]><nitf/>'
    assert _error(data).startswith("XML DTD declarations are refused")


def test_a_bare_doctype_is_ignored_and_noted():
    data = b"""<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">
    <nitf><body><body.content><p>Un texte en fran\xc3\xa7ais.</p></body.content></body></nitf>"""
    result = read(data)
    assert result.items[0].body == "Un texte en français."
    assert result.notes[0] == (
        "the document type <!DOCTYPE nitf nitf-3-4.dtd> was ignored (DTDs are never fetched)"
    )


def test_named_html_entity_without_dtd_is_malformed():
    message = _error(b"<nitf><body><body.content><p>caf&eacute;</p></body.content></body></nitf>")
    assert message == (
        "malformed XML at line 1, column 32 (undefined entity): fix or re-export the file"
    )


def test_unknown_xml_document():
    message = _error(fixture_bytes("bad/unknown-rss.xml"))
    assert message.startswith("unknown XML document <rss>")


def test_over_the_size_limit_before_parsing():
    data = b"<nitf>" + b" " * MAX_XML_BYTES + b"</nitf>"
    message = _error(data)
    assert message.startswith("the XML file is 20.0 MB, over the 20 MB limit")
    with pytest.raises(FormatError, match="over the 20 MB limit"):
        parse_xml(data)


def test_size_limit_applies_even_when_the_prolog_hides_the_root():
    data = b"<?xml version='1.0'?><!--" + b"x" * MAX_XML_BYTES + b"--><nitf/>"
    assert "over the 20 MB limit" in _error(data)


def test_empty_bytes():
    assert _error(fixture_bytes("bad/empty.txt")) == "the file is empty: there is nothing to import"


def test_whitespace_only():
    assert _error(b" \r\n\t ") == "the file is empty: there is nothing to import"


def test_binary_garbage():
    assert _error(fixture_bytes("bad/binary.bin")).startswith("this looks like a binary file")


def test_binary_garbage_without_nul_bytes():
    data = bytes(range(1, 32)) * 50
    assert "IPTC 7901 stream" in _error(data)


def test_no_body_names_the_item():
    assert "TX-PAR-FRA90 has no body text" in _error(fixture_bytes("bad/newsml1-no-body.xml"))


def test_missing_etx():
    assert "message 2 (at byte 575) has no ETX" in _error(
        fixture_bytes("bad/iptc7901-missing-etx.txt")
    )
