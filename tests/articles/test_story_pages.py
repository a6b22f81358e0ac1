"""A dispatch's page in its story: versions, annulments, corrections, differences."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import diffing
from articles.diffing import changed_words, word_diff
from articles.models import Article, Story
from articles.stories import refresh_stories
from tests.factories import ArticleFactory, SourceFactory

NOON = datetime(2016, 8, 11, 10, 0, tzinfo=UTC)
LEAD = (
    "Un séisme a fait 22 morts jeudi dans l'est de la Turquie, selon un bilan officiel.\n\n"
    "Les secours fouillent les décombres à la recherche de survivants."
)
CORRECTED = LEAD.replace("22 morts", "23 morts")


def story_of(*versions: dict) -> list[Article]:
    """Create a story with one article per description, in time order, ranks computed."""
    story = Story.objects.create()
    articles = []
    for minutes, spec in enumerate(versions):
        spec = dict(spec)
        source = SourceFactory(name=spec.pop("source", "AFP"))
        articles.append(
            ArticleFactory(
                story=story,
                source=source,
                published_at=NOON + timedelta(minutes=10 * minutes),
                published_on=NOON.date(),
                **spec,
            )
        )
    refresh_stories([story.pk])
    for article in articles:
        article.refresh_from_db()
    return articles


def page(client, article: Article, **params) -> str:
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def reader(client, journalist):
    client.force_login(journalist)
    return client


@pytest.fixture
def earthquake(db) -> dict[str, Article]:
    alert, lead, copy, correction = story_of(
        {"title": "Séisme en Turquie", "version_kind": "alert", "body": "Séisme en Turquie."},
        {"title": "Séisme meurtrier", "version_kind": "lead", "version_number": 2, "body": LEAD},
        {"title": "Turquie : un séisme fait 22 morts", "source": "Reuters", "body": LEAD},
        {
            "title": "Séisme meurtrier",
            "version_kind": "correction",
            "version_note": "Rectifié : 23 morts et non 22",
            "body": CORRECTED,
        },
    )
    return {"alert": alert, "lead": lead, "copy": copy, "correction": correction}


# --- the word-level difference ---------------------------------------------------------


def test_diff_marks_the_changed_figure_of_a_correction():
    html = word_diff(LEAD, CORRECTED)
    assert "<del>22</del> <ins>23</ins> morts" in html
    assert html.count("<p>") == 2  # the paragraph break is kept
    assert changed_words(LEAD, CORRECTED) == [
        diffing.Span(CORRECTED.index("23"), CORRECTED.index("23") + 2, "23")
    ]


def test_diff_escapes_hostile_markup_and_keeps_it_as_text():
    old = "Le texte <script>alert(1)</script> & <b>gras</b>"
    new = "Le texte <script>alert(2)</script> & <b>gras</b>\nfin"
    html = word_diff(old, new)
    assert "<script>" not in html and "<b>" not in html
    assert "<del>&lt;script&gt;alert(1)&lt;/script&gt;</del>" in html
    assert "<ins>&lt;script&gt;alert(2)&lt;/script&gt;</ins>" in html
    assert "&amp; &lt;b&gt;gras&lt;/b&gt;<br><ins>fin</ins>" in html
    assert set(re.findall(r"</?(\w+)", html)) <= {"p", "br", "del", "ins"}


def test_diff_keeps_paragraphs_around_replaced_words():
    old = "Un deux trois.\n\nQuatre cinq.\n\nSix."
    new = "Un deux 3.\n\nQuatre, cinq.\n\nSix."
    assert word_diff(old, new) == (
        "<p>Un deux <del>trois.</del> <ins>3.</ins></p>"
        "<p><del>Quatre</del> <ins>Quatre,</ins> cinq.</p><p>Six.</p>"
    )
    assert word_diff("A\n\nB\n\nC", "A\n\nX\n\nC") == (
        "<p>A</p><p><del>B</del> <ins>X</ins></p><p>C</p>"
    )


def test_diff_copes_with_empty_texts():
    assert word_diff("", "") == ""
    assert word_diff("", "Un mot.") == "<p><ins>Un mot.</ins></p>"
    assert word_diff("Un mot.", "") == "<p><del>Un mot.</del></p>"
    assert word_diff(" \n\n ", "") == ""
    assert changed_words("", "") == [] and changed_words("Un mot.", "") == []
    assert changed_words("", "Deux mots") == [diffing.Span(0, 9, "Deux mots")]


def test_diff_of_identical_texts_marks_nothing():
    html = word_diff(LEAD, LEAD)
    assert "<ins>" not in html and "<del>" not in html and "22 morts" in html


def test_long_texts_are_compared_by_paragraph(monkeypatch):
    monkeypatch.setattr(diffing, "MAX_WORDS", 2)
    old = "Premier paragraphe inchangé ici.\n\nUn deuxième qui change un peu.\n\nFin."
    new = "Premier paragraphe inchangé ici.\n\nUn deuxième qui change beaucoup.\n\nFin."
    html = word_diff(old, new)
    assert "<p>Premier paragraphe inchangé ici.</p>" in html
    assert "<del>Un deuxième qui change un peu.</del>" in html
    assert "<ins>Un deuxième qui change beaucoup.</ins>" in html
    assert changed_words(old, new) == [
        diffing.Span(new.index("Un deuxième"), new.index(".\n\nFin") + 1, new.split("\n\n")[1])
    ]
    monkeypatch.setattr(diffing, "MAX_PARAGRAPHS", 1)
    assert word_diff(old, new).count("<del>") == 3  # beyond both caps: the whole text


def test_a_very_long_text_is_diffed_quickly_enough_to_render():
    words = " ".join(f"mot{n % 997}" for n in range(30_000))
    changed = words.replace("mot5 ", "mot5bis ", 1)
    html = word_diff(words, changed)
    assert "<del>mot5</del> <ins>mot5bis</ins>" in html  # the common ends are set aside


# --- the article page ------------------------------------------------------------------


def test_timeline_lists_every_version_in_order_with_kinds_and_the_current_one(reader, earthquake):
    html = page(reader, earthquake["lead"])
    timeline = section(html, "versions")
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", timeline, re.S)
    assert len(rows) == 4
    assert "Alerte" in rows[0] and "2e lead" in rows[1] and "Rectificatif" in rows[3]
    assert "Reuters" in rows[2] and "Dépêche" in rows[2]
    assert "version en cours" in rows[3] and not any("version en cours" in r for r in rows[:3])
    assert "11 août 2016 12:10" in rows[1]  # Paris time
    assert "(cette page)" in rows[1]
    for article in (earthquake["alert"], earthquake["copy"], earthquake["correction"]):
        assert f'href="{article.get_absolute_url()}"' in timeline
    assert "différences" not in rows[0]
    assert f'href="?diff={earthquake["correction"].pk}#diff"' in rows[3]


def test_a_corrected_version_says_so_links_the_correction_and_highlights_the_change(
    reader, earthquake
):
    html = page(reader, earthquake["lead"])
    correction = earthquake["correction"]
    assert re.search(
        rf'<a class="version-badge corrected" href="{correction.get_absolute_url()}"[^>]*>'
        r"Rectifiée</a>",
        html,
    )
    notice = section(html, "correction")
    assert "Rectifié : 23 morts et non 22" in notice
    assert "<del>22</del> <ins>23</ins>" in notice
    # The Reuters copy came before the correction too: it is corrected by it as well.
    assert "Rectifiée" in page(reader, earthquake["copy"])
    own = page(reader, correction)
    assert "version-badge corrected" not in own
    assert "Rectificatif" in own and "Avis de la source : « Rectifié : 23 morts et non 22 »" in own


def test_an_annulled_version_says_so_and_links_the_annulment(reader, db):
    original, lead, annulment = story_of(
        {"title": "Le ministre démissionne", "body": "Le ministre a démissionné."},
        {"title": "Le ministre démissionne", "version_kind": "lead", "version_number": 1},
        {"title": "Le ministre démissionne", "version_kind": "annulment", "body": "Annulez."},
    )
    assert original.annulled and lead.annulled and not annulment.annulled
    html = page(reader, original)
    assert re.search(
        rf'<a class="version-badge annulled" href="{annulment.get_absolute_url()}"[^>]*>'
        r"Annulée</a>",
        html,
    )
    assert "1er lead" in section(html, "versions")
    notice = page(reader, annulment)
    assert '<span class="version-badge annulled">Avis d\'annulation</span>' in notice
    assert ">Annulée</a>" not in notice
    assert "version en cours" not in section(html, "versions")  # nothing left standing


def test_an_annulled_correction_does_not_make_a_version_corrected(reader, db):
    original, correction, _annulment = story_of(
        {"title": "Bilan", "body": LEAD},
        {"title": "Bilan", "version_kind": "correction", "body": CORRECTED},
        {"title": "Bilan", "version_kind": "annulment", "body": "Annulation."},
    )
    assert correction.annulled
    html = page(reader, original)
    assert "version-badge corrected" not in html and 'id="correction"' not in html
    assert "version-badge annulled" in html


def test_an_orphan_correction_says_its_original_is_not_in_the_archive(reader, db):
    (correction,) = story_of(
        {"title": "Bilan corrigé", "version_kind": "correction", "body": CORRECTED}
    )
    html = page(reader, correction)
    assert "Rectificatif sans dépêche d'origine dans l'archive" in html
    assert 'id="versions"' not in html  # a story of one version has no timeline
    (original,) = story_of({"title": "Bilan", "body": LEAD})
    assert "sans dépêche d'origine" not in page(reader, original)


def test_other_agencies_copies_are_listed(reader, earthquake):
    html = page(reader, earthquake["lead"])
    copies = html[html.index("Chez les autres agences") :]
    copies = copies[: copies.index("</ul>")]
    assert earthquake["copy"].title in copies and "Reuters" in copies
    assert earthquake["alert"].title not in copies  # same agency: a version, not a copy
    reuters = page(reader, earthquake["copy"])
    listed = reuters[reuters.index("Chez les autres agences") :]
    listed = listed[: listed.index("</ul>")]
    assert listed.count("<li>") == 3


def test_diff_defaults_to_this_version_against_the_previous_one(reader, earthquake):
    diff = section(page(reader, earthquake["lead"]), "diff")
    assert "2e lead (AFP) par rapport à Alerte (AFP)" in diff
    assert "<ins>" in diff
    chosen = section(page(reader, earthquake["lead"], diff=earthquake["correction"].pk), "diff")
    assert "Rectificatif (AFP) par rapport à Dépêche (Reuters)" in chosen
    assert "<del>22</del> <ins>23</ins>" in chosen


def test_diff_parameter_outside_the_story_or_malformed_falls_back(reader, earthquake):
    stranger = ArticleFactory()
    for value in [str(stranger.pk), "abc", "-1", ""]:
        diff = section(page(reader, earthquake["lead"], diff=value), "diff")
        assert "2e lead (AFP) par rapport à Alerte (AFP)" in diff, value
    assert 'id="diff"' not in page(reader, earthquake["alert"])  # nothing before the first


def test_story_text_is_escaped_everywhere(reader, db):
    _first, second = story_of(
        {"title": "<b>titre</b>", "body": "<script>alert(1)</script> un"},
        {"title": "<i>autre</i>", "source": "Reuters", "body": "<script>alert(2)</script> un"},
    )
    html = page(reader, second)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;titre&lt;/b&gt;" in section(html, "versions")
    assert "<del>&lt;script&gt;alert(1)&lt;/script&gt;</del>" in section(html, "diff")


def queries_for(client, article: Article) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(captured)


def test_the_page_takes_the_same_number_of_queries_whatever_the_story_size(
    reader, earthquake, django_assert_max_num_queries
):
    small = queries_for(reader, earthquake["lead"])
    big = story_of(
        *(
            {"title": f"Version {n}", "source": f"Agence {n % 4}", "version_kind": kind}
            for n, kind in enumerate(["alert", "urgent"] + ["lead"] * 10 + ["correction"] * 3)
        )
    )
    assert queries_for(reader, big[5]) == small
    with django_assert_max_num_queries(small):
        page(reader, big[-1], diff=big[3].pk)
    with django_assert_max_num_queries(10):
        page(reader, big[2])
