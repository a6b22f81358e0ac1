import pytest

from articles.formats import read
from tests.formats.conftest import fixture_bytes


@pytest.fixture(scope="module")
def hostile():
    return read(fixture_bytes("hostile-newsml1.xml")).items[0]


def test_hostile_body_is_plain_text(hostile):
    assert hostile.body.split("\n\n") == [
        "Premier paragraphe en italique avec\nun saut de ligne.",
        "Du HTML dans un CDATA",
        "Texte échappé lien",
        "Dernier paragraphe, a < b et c > d.",
        "double échappement",
    ]


@pytest.mark.parametrize(
    "fragment",
    ["<", "script", "alert", "onclick", "onerror", "onload", "javascript", "cookie", "display"],
)
def test_nothing_hostile_is_left(hostile, fragment):
    text = (hostile.title + hostile.body).replace("a < b", "")
    assert fragment not in text


def test_script_in_the_headline_is_dropped(hostile):
    assert hostile.title == "Titre propre"


def _nitf(content: str) -> bytes:
    return f"<nitf><body><body.content>{content}</body.content></body></nitf>".encode()


def test_inline_markup_is_flattened_and_br_is_a_line_break():
    item = read(_nitf("<p>Un <em>mot</em> <strong>fort</strong>,<br/>puis la suite.</p>")).items[0]
    assert item.body == "Un mot fort,\npuis la suite."


def test_entities_are_decoded():
    item = read(_nitf("<p>AT&amp;T &#233;t&#xE9; &lt;3 &amp;eacute;t&amp;eacute;</p>")).items[0]
    assert item.body == "AT&T été <3 été"


def test_text_outside_paragraphs_lists_and_tables():
    content = (
        "Texte libre<ul><li>un</li><li>deux</li></ul><table><tr><td>a</td><td>b</td></tr></table>"
    )
    assert read(_nitf(content)).items[0].body.split("\n\n") == ["Texte libre", "un", "deux", "a b"]


def test_non_breaking_spaces_are_kept():
    item = read(_nitf("<p>M.\u00a0Dupont a dit\u202f: «\u00a0oui\u00a0».</p>")).items[0]
    assert item.body == "M.\u00a0Dupont a dit\u202f: «\u00a0oui\u00a0»."


def test_cdata_html_paragraphs_are_kept_apart():
    item = read(_nitf("<![CDATA[<p>Un.</p><p>Deux &eacute;t&eacute;s.</p>]]>")).items[0]
    assert item.body == "Un.\n\nDeux étés."


def test_non_breaking_spaces_in_a_headline_are_kept():
    data = (
        "<nitf><body><body.head><hedline><hl1>«\u00a0Non\u00a0» au\n   projet</hl1></hedline>"
        "</body.head><body.content><p>Un texte.</p></body.content></body></nitf>"
    ).encode()
    assert read(data).items[0].title == "«\u00a0Non\u00a0» au projet"
