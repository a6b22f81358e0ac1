import pytest

from articles.formats import FormatError, read
from articles.parsing import parse_dispatches
from tests.conftest import REFERENCE

FIELDS = ("title", "title_derived", "byline", "dateline_place", "published", "agency", "body")


def test_reference_gives_the_same_two_dispatches_as_the_parser():
    data = REFERENCE.read_bytes()
    result = read(data, name="reference.txt")
    dispatches = parse_dispatches(data.decode("utf-8"))
    assert result.format == "plaintext"
    assert len(result.items) == len(dispatches) == 2
    for item, dispatch in zip(result.items, dispatches, strict=True):
        assert {field: getattr(item, field) for field in FIELDS} == {
            field: getattr(dispatch, field) for field in FIELDS
        }


def test_reference_encoding_and_language():
    result = read(REFERENCE.read_bytes())
    assert result.encoding == "utf-8"
    assert [item.language for item in result.items] == ["fr", "fr"]


def test_plain_text_has_no_wire_metadata():
    item = read(REFERENCE.read_bytes()).items[1]
    assert (item.guid, item.version, item.urgency, item.status, item.published_at) == (
        "",
        None,
        None,
        "",
        None,
    )


def test_cp1252_plain_text():
    data = "Un titre\n\nPARIS, 12 mars 2016 (AFP) - L’été sera chaud.".encode("cp1252")
    result = read(data)
    assert result.encoding == "cp1252"
    assert result.items[0].body == "L’été sera chaud."


def test_forced_encoding_is_passed_on():
    data = "Un titre\n\nPARIS (AFP) - Un été.".encode("latin-1")
    assert read(data, encoding="latin-1").items[0].body == "Un été."


def test_undecodable_text_gives_the_decoder_message():
    with pytest.raises(FormatError, match=r"^not valid utf-8 at line 1"):
        read("Un été".encode("latin-1"), encoding="utf-8")


def test_text_without_a_dispatch():
    with pytest.raises(FormatError, match="no dispatch found"):
        read(b"Un titre seul")
