import datetime

import pytest

from articles.formats import FormatError, read
from tests.formats.conftest import fixture_bytes


@pytest.fixture(scope="module")
def stream():
    return read(fixture_bytes("iptc7901-stream-cp1252.txt"))


@pytest.fixture(scope="module")
def first(stream):
    return stream.items[0]


def test_three_messages_in_cp1252(stream):
    assert (stream.format, stream.encoding, len(stream.items)) == ("iptc7901", "cp1252", 3)


def test_headline_is_the_first_text_line(first):
    assert first.title == "Chômage : le nombre d’emplois menacés est de 75 000 selon la CGT"


def test_guid_is_service_and_number(first):
    assert first.guid == "AFP0457"


def test_agency_is_the_service(first):
    assert first.agency == "AFP"


def test_priority_is_the_urgency(stream):
    assert [item.urgency for item in stream.items] == [4, 2, 3]


def test_keyword_is_the_slug(stream):
    assert [item.slug for item in stream.items] == [
        "France-social-emploi",
        "France-politique-agriculture",
        "",
    ]


def test_category_is_the_subject(stream):
    assert [item.subjects for item in stream.items] == [
        (("ECO", ""),),
        (("POL", ""),),
        (("SPO", ""),),
    ]


def test_opener_gives_place_date_and_agency(stream):
    assert [(item.dateline_place, item.published) for item in stream.items] == [
        ("Paris", datetime.date(2012, 7, 5)),
        ("Paris", datetime.date(2012, 11, 6)),
        ("Les Sables-d'Olonne", datetime.date(2012, 11, 10)),
    ]


def test_body_starts_after_the_opener_and_keeps_its_lines(first):
    paragraphs = first.body.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith(
        "La Confédération générale du travail (CGT) estime à 75 000 le\n"
    )
    assert paragraphs[1].endswith("tandis que SFR pourrait supprimer 1 000 postes.")
    assert "\r" not in first.body


def test_cp1252_quotes_and_ligatures(stream):
    text = " ".join(item.title + item.body for item in stream.items)
    assert "d’emplois" in text and "vœu" in text
    assert "Ã" not in text


def test_language_detected(stream):
    assert {item.language for item in stream.items} == {"fr"}


def test_missing_etx_rejects_the_whole_stream_naming_the_message():
    with pytest.raises(FormatError) as caught:
        read(fixture_bytes("bad/iptc7901-missing-etx.txt"))
    message = str(caught.value)
    assert message.startswith("IPTC 7901 message 2 (at byte 575) has no ETX")
    assert "rejected whole" in message


def test_missing_etx_in_the_last_message():
    with pytest.raises(FormatError, match=r"message 1 \(at byte 0\) has no ETX"):
        read(b"\x01AFP0001 4 POL 0003\r\n\x02Titre\r\nUn texte coupe")


def test_missing_stx():
    with pytest.raises(FormatError, match=r"message 1 \(at byte 0\) has no STX"):
        read(b"\x01AFP0001 4 POL 0003\r\nTitre\r\nUn texte.\x03")


def test_unreadable_header():
    with pytest.raises(FormatError, match="unreadable header 'n importe quoi'"):
        read(b"\x01n importe quoi\r\n\x02Titre\r\nUn texte.\r\n\x03")


def test_garbage_between_messages():
    data = b"\x01AFP1 4 POL\r\n\x02Titre\r\nUn texte.\x03\x04garbage\x02Titre\r\nTexte.\x03"
    result = read(data)
    assert len(result.items) == 2
    assert "text after the ETX of message 1 was ignored" in result.notes


def test_header_less_message_and_utf8():
    item = read("\x02Élection à Québec\r\nUn texte en français.\x03".encode()).items[0]
    assert (item.title, item.body, item.guid, item.urgency) == (
        "Élection à Québec",
        "Un texte en français.",
        "",
        None,
    )


def test_message_without_text_is_refused():
    with pytest.raises(FormatError, match=r"^IPTC 7901 message 1 AFP0001 has no body text"):
        read(b"\x01AFP0001 4 POL\r\n\x02Titre seul\r\n\x03")
