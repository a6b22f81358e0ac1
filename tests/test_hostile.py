"""Hostile input through the Django test client: markup in names, formulas, broken queries.

What tests/test_security.py, tests/search/test_views.py and tests/articles/ already cover
(a script in a title or body, `=`/`@` cells, an unclosed quote, a 12,000-character query) is
not repeated here.
"""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article, Entity, Mention, Source
from tests.search.conftest import indexed_archive, make_article

SEARCH = reverse("search:search")
EXPORT = reverse("search:export")
ENTITIES = reverse("admin:articles_entity_changelist")

# A name that closes an attribute, opens a script and carries an event handler.
PERSON = "<script>alert('personne')</script>\"><img src=x onerror=alert(1)>"
ORG = "<b onmouseover=alert(2)>Front</b> & <i>Cie</i>"
BYLINE = "<script>alert('signature')</script><a href=javascript:alert(3)>Jean</a>"
DATELINE = "<svg onload=alert(4)>"
RAW_MARKUP = ("<script>alert", "<img src=x", "<b onmouseover", "<svg onload", "<a href=javascript")

# Every cell a spreadsheet would read as a formula, one column each.
FORMULA_TITLE = "-2+3 Le bilan des intempéries"
FORMULA_BYLINE = "+33 1 23 45 67 89"
FORMULA_DATELINE = "=cmd|' /C calc'!A0"
FORMULA_SOURCE = "@Agence"
FORMULA_PERSON = '=HYPERLINK("http://example.invalid","x")'
FORMULA_PLACE = "+Ville"
FORMULA_ORG = "-Organisation"
HIDDEN_START = "\tTabulé"


def entity(kind: str, name: str, slug: str) -> Entity:
    return Entity.objects.create(kind=kind, name=name, slug=slug)


def mention(article: Article, target: Entity, surface: str) -> Mention:
    start = article.body.index(surface)
    return Mention.objects.create(
        article=article, entity=target, start=start, end=start + len(surface), surface=surface
    )


def build() -> dict:
    afp = Source.objects.create(name="AFP")
    hostile = make_article(
        source=afp,
        title="Alerte à Alep",
        body=f"Selon {PERSON}, porte-parole de {ORG}, la situation empire à Alep.",
        byline=BYLINE,
        dateline_place=DATELINE,
        published_on=date(2016, 8, 12),
    )
    person = entity("PER", PERSON, "script-personne")
    org = entity("ORG", ORG, "front-cie")
    mention(hostile, person, PERSON)
    mention(hostile, org, ORG)
    formula = make_article(
        source=Source.objects.create(name=FORMULA_SOURCE),
        title=FORMULA_TITLE,
        body=(
            f"Tempête : {FORMULA_PERSON} a parlé à {FORMULA_PLACE} pour {FORMULA_ORG}, "
            f"et {HIDDEN_START} aussi."
        ),
        byline=FORMULA_BYLINE,
        dateline_place=FORMULA_DATELINE,
        published_on=date(2018, 2, 1),
    )
    mention(formula, entity("PER", FORMULA_PERSON, "hyperlink"), FORMULA_PERSON)
    mention(formula, entity("LOC", FORMULA_PLACE, "ville"), FORMULA_PLACE)
    mention(formula, entity("ORG", FORMULA_ORG, "organisation"), FORMULA_ORG)
    tabbed = make_article(
        source=afp,
        title=HIDDEN_START,
        body="Tempête sur la côte : un communiqué sans signature.",
        byline="\rRetour chariot",
        published_on=date(2018, 2, 2),
    )
    return {
        "hostile": hostile,
        "person": person,
        "org": org,
        "formula": formula,
        "tabbed": tabbed,
    }


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """A few hostile articles and entities, indexed in a Whoosh index of their own."""
    with indexed_archive(django_db_blocker, tmp_path_factory.mktemp("whoosh"), build) as rows:
        yield rows


@pytest.fixture
def rows(archive, db):
    return archive


@pytest.fixture
def reader(client, journalist):
    client.force_login(journalist)
    return client


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def get_html(client, url: str, params: dict | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def assert_inert(page: str, *names: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in page, f"unescaped {raw!r} in the page"
    for name in names:
        assert escaped(name) in page, f"{name!r} is not shown escaped"


def escaped(text: str) -> str:
    """Escape as Django's templates do."""
    return str(escape(text))


# --- markup in entity names and bylines ----------------------------------------------


def test_hostile_entity_name_is_escaped_in_the_admin_changelist(desk, rows):
    page = get_html(desk, ENTITIES)
    assert_inert(page, PERSON, ORG)
    found = get_html(desk, ENTITIES, {"q": "<script>alert('q')</script>"})
    assert "<script>alert('q')" not in found
    assert escaped("<script>alert('q')</script>") in found


def test_hostile_entity_names_are_escaped_on_the_merge_confirmation(desk, rows):
    chosen = [rows["person"].pk, rows["org"].pk]
    response = desk.post(
        ENTITIES, {"action": "merge_entities", "_selected_action": chosen, "index": 0}
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), PERSON, ORG)


def test_hostile_entity_name_is_escaped_on_the_entity_page(reader, rows):
    page = get_html(reader, rows["person"].get_absolute_url())
    assert_inert(page, PERSON, ORG)
    assert f"<title>{escaped(PERSON)}" in page
    assert f"<h1>{escaped(PERSON)} " in page


def test_hostile_names_and_byline_are_escaped_on_the_article_page(reader, rows):
    page = get_html(reader, rows["hostile"].get_absolute_url())
    assert_inert(page, PERSON, ORG, BYLINE, DATELINE)
    assert f'title="Lieu de la dépêche">{escaped(DATELINE)}</span>' in page
    assert f'<span class="byline">Par {escaped(BYLINE)}</span></p>' in page
    assert f'title="Personne : {escaped(PERSON)}"' in page


def test_hostile_names_are_escaped_in_search_facets_results_and_chips(reader, rows):
    page = get_html(reader, SEARCH, {"q": "Alep"})
    assert_inert(page, PERSON, ORG, BYLINE)
    facet = re.search(r'<ul class="facet-values">.*?</ul>', page, re.S).group(0)
    assert escaped(PERSON) in facet

    filtered = get_html(reader, SEARCH, {"q": "Alep", "person": PERSON, "org": ORG})
    assert_inert(filtered, PERSON, ORG)
    assert f'name="person" value="{escaped(PERSON)}"' in filtered
    assert f"Personnes : {escaped(PERSON)}" in filtered
    assert re.search(r"<strong>1</strong> dépêche\b", filtered)


# --- spreadsheet formulas in the export ----------------------------------------------


def export(client, **params) -> list[list[str]]:
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_neutralises_every_formula_start(reader, rows):
    table = export(reader, q="tempête", sort="oldest")
    by_id = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    formula = by_id[str(rows["formula"].pk)]
    assert formula["titre"] == f"'{FORMULA_TITLE}"
    assert formula["signature"] == f"'{FORMULA_BYLINE}"
    assert formula["lieu"] == f"'{FORMULA_DATELINE}"
    assert formula["source"] == f"'{FORMULA_SOURCE}"
    assert formula["personnes"] == f"'{FORMULA_PERSON}"
    assert formula["lieux"] == f"'{FORMULA_PLACE}"
    assert formula["organisations"] == f"'{FORMULA_ORG}"
    tabbed = by_id[str(rows["tabbed"].pk)]
    assert tabbed["titre"] == f"'{HIDDEN_START}"
    assert tabbed["signature"] == "'\rRetour chariot"
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in table for cell in row if cell.startswith(dangerous)]


# --- broken and oversized queries ----------------------------------------------------

# Broken syntax: the page explains what is wrong, the export refuses with the same words.
EXPLAINED = [
    "(Syrie",
    "Syrie)",
    "((Alep) OR (Syrie)",
    ")(",
    '"',
    '"Alep" "',
    "title:",
    "titre:",
    "person:",
    'person:"',
    "NOT NOT",
    "NOT",
    "AND",
    "Alep AND",
    "OR OR",
    "Alep OR NOT",
    "Alep\x00",
    "NOT NOT Alep",
    "Syrie NOT NOT Alep",
    "NOT -Alep",
    "-NOT Alep",
    "NOT OR Alep",
    "NOT AND Alep",
]
# Odd but readable: a message (nothing to search, no match) or results, never a crash.
ODD = [
    "*",
    "Al*",
    "-",
    " - ",
    "--",
    "-Alep",
    "- -Alep",
    "NOT (NOT Alep)",
    "+",
    "+-+",
    "()",
    '""',
    "\\",
    "[a TO",
    "{",
    "Alep^9999999999",
    "Alep~999",
    "title:title:title:",
    "inconnu:Alep",
    ":",
    "\u202e\u200b",
    "🔥" * 50,
]


def messages(page: str) -> list[str]:
    return re.findall(r'<p class="(?:message[^"]*|empty)"[^>]*>(.*?)</p>', page, re.S)


@pytest.mark.parametrize("query", EXPLAINED)
def test_broken_syntax_is_explained_never_a_crash(reader, rows, query):
    page = get_html(reader, SEARCH, {"q": query})
    assert re.search(r'<p class="message error"( role="alert")?>[^<]{20,}</p>', page)
    assert "search-hits" not in page
    response = reader.get(EXPORT, {"q": query})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert len(response.content.decode()) > 20


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_give_a_message_or_results_never_a_crash(reader, rows, query):
    page = get_html(reader, SEARCH, {"q": query})
    assert messages(page) or "search-hits" in page, f"no message and no results for {query!r}"
    assert reader.get(EXPORT, {"q": query}).status_code in (200, 400)


@pytest.mark.parametrize(
    "query",
    ["a" * 10_000, ("Alep " * 2000)[:10_000], "(" * 10_000, '"' * 10_000, "-" * 10_000],
    ids=["one-word", "words", "parens", "quotes", "dashes"],
)
def test_a_ten_thousand_character_query_is_refused_politely(reader, rows, query):
    page = get_html(reader, SEARCH, {"q": query})
    assert re.search(r"trop longue \(\d{4,5} caractères\)", page)
    assert page.count('<p class="message error">') == 1
    response = reader.get(EXPORT, {"q": query})
    assert response.status_code == 400
    assert "trop longue" in response.content.decode()


@pytest.mark.parametrize("query", ["*", "-", " - ", "()", "+-+"])
def test_a_query_of_signs_only_is_told_it_has_no_word(reader, rows, query):
    page = get_html(reader, SEARCH, {"q": query})
    assert any("aucun mot" in message for message in messages(page)), messages(page)
    assert "mots trop courants" not in page


def test_a_query_of_stop_words_only_is_told_so(reader, rows):
    page = get_html(reader, SEARCH, {"q": "le de la"})
    assert any("mots trop courants" in message for message in messages(page))


def test_a_wildcard_query_is_never_corrected_into_digits(reader, rows):
    page = get_html(reader, SEARCH, {"q": "Al*"})
    assert not re.search(r"Vouliez-vous dire <a[^>]*>[^<]*\d", page)
