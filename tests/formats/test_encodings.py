import codecs

import pytest

from articles.formats import FormatError, read
from tests.formats.conftest import FIXTURES, fixture_bytes

MOJIBAKE = ("Ã©", "Ã¨", "Ã ", "Ã§", "â€™", "Å“", "Ã‰", "Â«", "Â")


def _all_text(result) -> str:
    return " ".join(
        " ".join((item.title, item.body, item.byline, item.slug, item.dateline_place))
        for item in result.items
    )


def _newsml(declared: str, text: str) -> str:
    return f"""<?xml version="1.0" encoding="{declared}"?>
    <NewsML Version="1.2"><NewsItem>
      <NewsComponent><NewsLines><HeadLine>Un été à Québec</HeadLine></NewsLines>
      <DescriptiveMetadata><Language FormalName="fr"/></DescriptiveMetadata>
      <ContentItem><DataContent><nitf><body><body.content><p>{text}</p></body.content></body>
      </nitf></DataContent></ContentItem></NewsComponent></NewsItem></NewsML>"""


TEXT = "L’élève a reçu « un vœu » à Noël – déjà."


@pytest.mark.parametrize(
    "name",
    sorted(
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.iterdir()
        if path.is_file() and path.suffix in {".xml", ".txt"}
    ),
)
def test_no_mojibake_in_any_fixture(name):
    text = _all_text(read(fixture_bytes(name)))
    assert text
    for sequence in MOJIBAKE:
        assert sequence not in text


def test_declared_latin1_holding_utf8_is_read_as_utf8():
    result = read(fixture_bytes("newsml1-declared-latin1.xml"))
    item = result.items[0]
    assert result.encoding == "utf-8 (declared iso-8859-1)"
    assert "Incident à l'Assemblée nationale lors des débats" in item.title
    assert "Le vœu de l’opposition n’a pas été entendu." in item.body
    assert any("utf-8 (declared iso-8859-1)" in note for note in result.notes)


def test_declared_utf8_holding_cp1252_is_read_as_cp1252():
    result = read(_newsml("UTF-8", TEXT).encode("cp1252"))
    assert result.encoding == "cp1252 (declared utf-8)"
    assert result.items[0].body == TEXT
    assert result.items[0].title == "Un été à Québec"


def test_undeclared_cp1252_is_read_as_cp1252():
    data = _newsml("UTF-8", TEXT).replace(' encoding="UTF-8"', "").encode("cp1252")
    result = read(data)
    assert result.encoding == "cp1252 (declared utf-8 by default)"
    assert result.items[0].body == TEXT


def test_genuine_latin1_is_read_as_declared():
    text = "Un élève reçu à l'école."
    result = read(_newsml("iso-8859-1", text).encode("latin-1"))
    assert (result.encoding, result.items[0].body) == ("iso-8859-1", text)


def test_declared_latin1_with_windows_quotes_is_read_as_cp1252():
    result = read(_newsml("ISO-8859-1", TEXT).encode("cp1252"))
    assert result.encoding == "cp1252 (declared iso-8859-1)"
    assert result.items[0].body == TEXT


def test_declared_windows_1252():
    result = read(_newsml("windows-1252", TEXT).encode("cp1252"))
    assert (result.encoding, result.items[0].body) == ("windows-1252", TEXT)


def test_utf8_with_bom():
    result = read(codecs.BOM_UTF8 + _newsml("utf-8", TEXT).encode("utf-8"))
    assert (result.encoding, result.items[0].body) == ("utf-8-sig", TEXT)


def test_utf16_with_bom():
    result = read(_newsml("utf-16", TEXT).encode("utf-16"))
    assert (result.encoding, result.items[0].body) == ("utf-16", TEXT)


def test_mixed_utf8_and_cp1252_is_refused_with_the_line():
    data = _newsml("utf-8", TEXT).encode("utf-8") + "<!-- é -->".encode("cp1252")
    with pytest.raises(FormatError, match=r"^invalid UTF-8 at line 6 .*otherwise UTF-8"):
        read(data)


def test_unknown_declared_encoding():
    with pytest.raises(FormatError, match="unknown encoding 'x-martian' declared"):
        read(_newsml("x-martian", "texte").encode())


def test_forced_encoding_overrides_the_declaration():
    result = read(_newsml("utf-8", TEXT).encode("cp1252"), encoding="cp1252")
    assert (result.encoding, result.items[0].body) == ("cp1252", TEXT)
