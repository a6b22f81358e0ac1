import codecs

import pytest

from articles.formats import FormatError, detect
from tests.formats.conftest import fixture_bytes

G2 = "http://iptc.org/std/nar/2006-10-01/"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("afp-newsml1-fr.xml", "newsml1"),
        ("afp-newsml1-canceled.xml", "newsml1"),
        ("newsml1-named.txt", "newsml1"),
        ("newsml1-declared-latin1.xml", "newsml1"),
        ("hostile-newsml1.xml", "newsml1"),
        ("newsmlg2-message.xml", "newsmlg2"),
        ("newsmlg2-english.xml", "newsmlg2"),
        ("nitf-fr.xml", "nitf"),
        ("iptc7901-stream-cp1252.txt", "iptc7901"),
        ("bad/iptc7901-missing-etx.txt", "iptc7901"),
        ("bad/billion-laughs.xml", "newsml1"),
        ("bad/external-entity.xml", "nitf"),
        ("bad/empty.txt", "plaintext"),
        ("bad/binary.bin", "plaintext"),
    ],
)
def test_fixture_formats(name, kind):
    assert detect(fixture_bytes(name)) == kind


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<NewsML Version='1.2'><NewsItem/></NewsML>", "newsml1"),
        (b"<NewsML xmlns='http://iptc.org/std/NewsML/2003-10-10/'/>", "newsml1"),
        (f"<newsMessage xmlns='{G2}'/>".encode(), "newsmlg2"),
        (f"<newsItem xmlns='{G2}' guid='x'/>".encode(), "newsmlg2"),
        (f"<g2:newsItem xmlns:g2='{G2}' guid='x'/>".encode(), "newsmlg2"),
        (b"<nitf><body/></nitf>", "nitf"),
        (b"<nitf xmlns='http://iptc.org/std/NITF/2006-10-18/'/>", "nitf"),
        (b"<?xml version='1.0'?>\n<!-- a comment -->\n<?pi x?>\n<nitf/>", "nitf"),
        (b"<!DOCTYPE nitf SYSTEM 'nitf-3-4.dtd'>\n<nitf/>", "nitf"),
        (codecs.BOM_UTF8 + b"<?xml version='1.0'?><nitf/>", "nitf"),
        ("<?xml version='1.0'?><nitf/>".encode("utf-16"), "nitf"),
        (b"\r\n\x01AFP0001 4 POL 0010\r\n\x02Titre\r\nTexte.\r\n\x03", "iptc7901"),
        (b"\x16\x16\x01AFP0001 4 POL\r\n\x02Titre\r\nTexte.\x03\x04", "iptc7901"),
        (b"\x02Titre\r\nTexte sans en-tete.\x03", "iptc7901"),
        (b"Un titre\n\nPARIS (AFP) - Un texte.", "plaintext"),
        (b"<Paris> n'est pas une balise, c'est du texte.", "plaintext"),
        (b"", "plaintext"),
    ],
)
def test_content_decides(data, kind):
    assert detect(data) == kind


def test_newsml_in_a_txt_is_newsml():
    assert detect(fixture_bytes("newsml1-named.txt")) == "newsml1"


def test_unknown_xml_is_refused_with_the_formats_read():
    with pytest.raises(FormatError) as caught:
        detect(fixture_bytes("bad/unknown-rss.xml"))
    assert str(caught.value).startswith(
        "unknown XML document <rss>: the archive reads NewsML 1.2, NewsML-G2, NITF and IPTC 7901"
    )


def test_a_g2_root_in_another_namespace_is_unknown():
    with pytest.raises(FormatError, match=r"unknown XML document <newsItem> in namespace urn:x"):
        detect(b"<newsItem xmlns='urn:x'/>")


def test_html_is_unknown_xml():
    with pytest.raises(FormatError, match="unknown XML document <html>"):
        detect(b"<html><body><p>x</p></body></html>")
