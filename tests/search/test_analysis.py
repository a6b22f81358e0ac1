"""French analysis, the same for the index, the queries and the snippets."""

import pickle

import pytest
from whoosh.fields import Schema

from search.analysis import FRENCH, STOP_WORDS, fold, name_key, query_terms
from search.backends.schema import NameListColumn, NamesField
from search.highlighting import marked, snippet


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("l'Élysée", ["elyse"]),
        ("L’Élysée", ["elyse"]),
        ("jusqu'à Alep", ["alep"]),
        ("lorsqu'il puisqu'elle quoiqu'on qu'ils", []),
        ("d'Alep, m'a dit s'il n'est", ["alep", "dit"]),
        ("État islamique", ["etat", "islam"]),
        ("etat islamique", ["etat", "islam"]),
        ("médecins", ["medecin"]),
        ("Medecin", ["medecin"]),
        ("Œuvres", ["oeuvr"]),
        ("frappes frappe", ["frapp", "frapp"]),
        ("al-Assad", ["al", "assad"]),
        ("le la les de des était été", []),
        ("7 h à 10 h", ["7", "10"]),
    ],
)
def test_french_terms(text, terms):
    assert query_terms(text) == terms


def test_folding_runs_before_stop_words_and_stemming():
    assert fold("ÉTAIT Œuf Ærø") == "etait oeuf aero"
    assert "etait" in STOP_WORDS
    assert query_terms("etait") == query_terms("était") == []


def test_positions_skip_stop_words_so_phrases_match_across_them():
    tokens = [(t.text, t.pos) for t in FRENCH("président de la République", positions=True)]
    assert tokens == [("president", 0), ("republ", 1)]


def test_character_offsets_point_into_the_original_text():
    text = "Des médecins d'Alep"
    for token in FRENCH(text, chars=True):
        assert text[token.startchar : token.endchar].lower() in {"médecins", "alep"}


def test_highlighting_keeps_stop_words_and_unstemmed_forms_available():
    stopped = [(t.text, t.stopped) for t in FRENCH("l'État", removestops=False)]
    assert stopped == [("l", True), ("etat", False)]
    assert [t.text for t in FRENCH("médecins", no_morph=True)] == ["medecins"]


def test_analyzer_and_schema_survive_pickling():
    schema = Schema(text=NamesField())
    assert pickle.loads(pickle.dumps(FRENCH)) == FRENCH
    assert isinstance(pickle.loads(pickle.dumps(schema))["text"].column_type, NameListColumn)


def test_name_keys_ignore_case_accents_and_punctuation():
    assert name_key("Bachar al-Assad") == name_key("BACHAR AL ASSAD") == "bachar al assad"
    assert name_key("Élysée") == "elysee"
    assert name_key("  ") == ""


def test_names_field_indexes_keys_and_keeps_display_names_in_its_column():
    field = NamesField()
    assert [term for term, *_ in field.index(["Le Monde", "le monde", "Bachar al-Assad"])] == [
        b"bachar al assad",
        b"le monde",
    ]
    assert field.to_column_value(["Le  Monde", "Bachar\x1fal-Assad"]) == [
        "Le Monde",
        "Bachar al-Assad",
    ]


def test_snippets_mark_matches_and_escape_everything_else():
    body = (
        "Début <b>gras</b>. "
        + "Remplissage sans intérêt. " * 40
        + "Les médecins d'Alep & <i>co</i>."
    )
    html = snippet(body, frozenset(query_terms("medecin")))
    assert "Les <mark>médecins</mark> d&#x27;Alep &amp; &lt;i&gt;co" in html
    assert html.startswith("… ")
    assert "<b>" not in html and "<i>" not in html


def test_snippets_without_matches_show_the_opening_lines_escaped():
    assert (
        snippet("<script>x()</script> Bonjour", frozenset())
        == "&lt;script&gt;x()&lt;/script&gt; Bonjour"
    )
    assert (
        str(marked("<b>Élysée</b>", frozenset(["elyse"])))
        == "&lt;b&gt;<mark>Élysée</mark>&lt;/b&gt;"
    )


def test_snippets_are_the_same_every_time():
    body = " ".join(f"Phrase {n} sur les médecins de la ville." for n in range(30))
    terms = frozenset(query_terms("médecins"))
    assert len({snippet(body, terms) for _ in range(5)}) == 1
