"""Tests for articles.parsing: plain text in, dispatches out (no database, no Django)."""

import csv
import datetime
from pathlib import Path

import pytest

from articles.parsing import TITLE_MAX, Dispatch, parse_dispatches

CORPORA = Path(__file__).resolve().parents[3] / "shared/corpora"
REFERENCE = CORPORA / "seed/000_ef8bd75f117b8bae.txt"
MASAKHANE_DEV = CORPORA / "masakhane-io__masakhane-news/data/fra/dev.tsv"

DASHES = ["-", "–", "—"]
BODY = "Le corps de la dépêche commence ici. Il continue encore.\n\nDeuxième paragraphe."
PREVIOUS = "Premier titre\n\nPARIS (AFP) - Premier corps de texte.\n\nSuite du premier.\n\n"


def reference_text() -> str:
    """Return the project's reference import, exactly as stored."""
    return REFERENCE.read_text(encoding="utf-8")


def masakhane_rows(count: int = 5) -> list[dict[str, str]]:
    """Return the first rows of the MasakhaNEWS French dev split."""
    with MASAKHANE_DEV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return rows[:count]


def lines_as_lf(text: str) -> str:
    """Return text with every line end turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_offsets(text: str, dispatches: list[Dispatch]) -> None:
    """Check that every dispatch points back into text consistently and in order."""
    previous_end = 0
    for dispatch in dispatches:
        assert text[dispatch.body_start : dispatch.end] == dispatch.body
        assert previous_end <= dispatch.start <= dispatch.body_start < dispatch.end
        assert dispatch.body == dispatch.body.strip()
        previous_end = dispatch.end


# Openers: (opener with {dash}, place, published, agency, byline)
OPENERS = [
    ("PARIS, 12 mars 2016 (AFP) {dash}", "Paris", datetime.date(2016, 3, 12), "AFP", ""),
    ("BEYROUTH (AFP) {dash}", "Beyrouth", None, "AFP", ""),
    ("(AFP) {dash}", "", None, "AFP", ""),
    (
        "(Karam AL MASRI à Alep, Rouba HUSSEINI à Beyrouth) {dash}",
        "Alep",
        None,
        "",
        "Karam AL MASRI, Rouba HUSSEINI",
    ),
    ("12 mars 2016. {dash}", "", datetime.date(2016, 3, 12), "", ""),
    ("Paris, 12 mars. {dash}", "Paris", None, "", ""),
    ("WASHINGTON (Reuters) {dash}", "Washington", None, "Reuters", ""),
    ("NEW YORK, 1er janvier 2020 (AP) {dash}", "New York", datetime.date(2020, 1, 1), "AP", ""),
    ("Le Caire, 3 février 2015 (AFP) {dash}", "Le Caire", datetime.date(2015, 2, 3), "AFP", ""),
    ("LONDRES, 15 fevrier 2015 (AFP) {dash}", "Londres", datetime.date(2015, 2, 15), "AFP", ""),
    ("Moscou, 14 août 2016 (AFP) {dash}", "Moscou", datetime.date(2016, 8, 14), "AFP", ""),
    ("Moscou, 14 aout 2016 (AFP) {dash}", "Moscou", datetime.date(2016, 8, 14), "AFP", ""),
    (
        "MARSEILLE, 25 DÉCEMBRE 2019 (AFP) {dash}",
        "Marseille",
        datetime.date(2019, 12, 25),
        "AFP",
        "",
    ),
    ("Lyon, 2 decembre 2019 {dash}", "Lyon", datetime.date(2019, 12, 2), "", ""),
    ("Paris, lundi 14 mars 2016 (AFP) {dash}", "Paris", datetime.date(2016, 3, 14), "AFP", ""),
    (
        "PORT-AU-PRINCE, 12 janvier 2010 (AFP) {dash}",
        "Port-au-Prince",
        datetime.date(2010, 1, 12),
        "AFP",
        "",
    ),
    ("SAINT-PÉTERSBOURG (AFP) {dash}", "Saint-Pétersbourg", None, "AFP", ""),
    ("Rome, 31 février 2016 (ANSA) {dash}", "Rome", None, "ANSA", ""),
    ("DAMAS (Karam AL MASRI / AFP) {dash}", "Damas", None, "AFP", "Karam AL MASRI"),
    ("(Jean DUPONT et Marie MARTIN à Kiev) {dash}", "Kiev", None, "", "Jean DUPONT, Marie MARTIN"),
    (
        "PARIS,\u00a012\u00a0mars\u00a02016 (AFP)\u00a0{dash}",
        "Paris",
        datetime.date(2016, 3, 12),
        "AFP",
        "",
    ),
    ("(AFP)\u202f{dash}", "", None, "AFP", ""),
]


@pytest.mark.parametrize("dash", DASHES)
@pytest.mark.parametrize(("opener", "place", "published", "agency", "byline"), OPENERS)
def test_headline_then_opener_starts_a_new_dispatch(dash, opener, place, published, agency, byline):
    opener = opener.format(dash=dash)
    text = f"{PREVIOUS}Un titre de dépêche\n\n{opener} {BODY}"

    first, second = parse_dispatches(text)

    assert first.title == "Premier titre"
    assert first.body == "Premier corps de texte.\n\nSuite du premier."
    assert second.title == "Un titre de dépêche"
    assert second.title_derived is False
    assert second.dateline_place == place
    assert second.published == published
    assert second.agency == agency
    assert second.byline == byline
    assert second.body == BODY
    assert second.start == text.index("Un titre de dépêche")
    assert_offsets(text, [first, second])


@pytest.mark.parametrize("dash", DASHES)
@pytest.mark.parametrize(("opener", "place", "published", "agency", "byline"), OPENERS)
def test_untitled_dispatch_starting_with_opener(dash, opener, place, published, agency, byline):
    text = f"{opener.format(dash=dash)} {BODY}"

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Le corps de la dépêche commence ici"
    assert dispatch.title_derived is True
    assert (dispatch.dateline_place, dispatch.published) == (place, published)
    assert (dispatch.agency, dispatch.byline) == (agency, byline)
    assert dispatch.body == BODY
    assert dispatch.start == 0
    assert_offsets(text, [dispatch])


@pytest.mark.parametrize(
    "paragraph",
    [
        "Paris est une ville - dit-on - agréable.",
        "(note de la rédaction) - ceci n'est pas un opener.",
        "12 hommes - et pas un de plus - sont arrivés.",
        "- Une liste à puces commence ici.",
        "Paris, la ville lumière - a été inondée.",
        "Lyon, 12 mars -5 °C au petit matin, un record.",
    ],
)
def test_ordinary_paragraph_after_short_line_is_not_an_opener(paragraph):
    text = f"{PREVIOUS}Un intertitre\n\n{paragraph}"

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Premier titre"
    assert dispatch.body.endswith(f"Un intertitre\n\n{paragraph}")


SEPARATORS = [
    *["\f", "\n\f\n", "\n\n\f\n\n"],
    *["---", "-----", "***", "###", "===", "====="],
    *["  ---  ", "\t***\t", "\u00a0###\u00a0", "\n---\n\n", "\n=====\n"],
]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_separator_between_titled_dispatches(separator):
    text = (
        f"Titre un\n\nCorps un.\n\nSuite un.\n{separator}\n"
        "Titre deux\n\nCorps deux, sans opener.\n\nSuite deux."
    )

    first, second = parse_dispatches(text)

    assert (first.title, first.title_derived) == ("Titre un", False)
    assert first.body == "Corps un.\n\nSuite un."
    assert (second.title, second.title_derived) == ("Titre deux", False)
    assert second.body == "Corps deux, sans opener.\n\nSuite deux."
    assert (second.byline, second.agency, second.dateline_place) == ("", "", "")
    assert_offsets(text, [first, second])


@pytest.mark.parametrize("separator", SEPARATORS)
def test_separator_then_headline_and_opener(separator):
    text = f"Titre un\n\nCorps un.\n{separator}\nTitre deux\n\nBEYROUTH (AFP) - Corps deux."

    first, second = parse_dispatches(text)

    assert first.title == "Titre un"
    assert first.body == "Corps un."
    assert (second.title, second.dateline_place, second.agency) == ("Titre deux", "Beyrouth", "AFP")
    assert second.body == "Corps deux."
    assert_offsets(text, [first, second])


@pytest.mark.parametrize("separator", SEPARATORS)
def test_separator_then_untitled_dispatch(separator):
    text = (
        "Titre un\n\nCorps un.\n"
        f"{separator}\n"
        "Le gouvernement a démissionné mardi soir. Le président doit nommer un successeur.\n\n"
        "Un second paragraphe."
    )

    first, second = parse_dispatches(text)

    assert first.title == "Titre un"
    assert second.title == "Le gouvernement a démissionné mardi soir"
    assert second.title_derived is True
    assert second.body.startswith("Le gouvernement a démissionné")
    assert second.body.endswith("Un second paragraphe.")
    assert_offsets(text, [first, second])


@pytest.mark.parametrize("separator", ["---", "***", "\f"])
def test_separator_only_lines_do_not_make_dispatches(separator):
    text = f"{separator}\n\nTitre\n\nCorps.\n\n{separator}\n{separator}\n"

    (dispatch,) = parse_dispatches(text)

    assert (dispatch.title, dispatch.body) == ("Titre", "Corps.")


@pytest.mark.parametrize(
    "intertitle",
    [
        "L'appel russe resté lettre morte",
        "Des combats acharnés",
        "« Nous sommes seuls »",
        "Pourquoi maintenant ?",
        "PARIS",
    ],
)
def test_intertitle_stays_in_body(intertitle):
    body = (
        "Les négociations ont échoué jeudi.\n\n"
        f"{intertitle}\n\n"
        "Les deux camps se rejettent la responsabilité de l'échec."
    )
    text = f"Titre de la dépêche\n\nGENÈVE (AFP) - {body}"

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Titre de la dépêche"
    assert dispatch.dateline_place == "Genève"
    assert dispatch.body == body
    assert_offsets(text, [dispatch])


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\t\n", "\r\n\r\n", "\u00a0\u202f\n", "\f", "\f\f", "---", "\ufeff", "\ufeff\n"],
)
def test_empty_or_blank_input_gives_nothing(text):
    assert parse_dispatches(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Un titre seul",
        "Un titre seul\n\n",
        "\ufeffUn titre seul\r\n",
        "Un titre seul\n\nPARIS (AFP) -",
        "Titre un\n---\nTitre deux\n",
    ],
)
def test_headline_without_body_is_dropped(text):
    assert parse_dispatches(text) == []


def test_two_line_paragraph_before_opener_is_not_a_headline():
    text = f"{PREVIOUS}Une ligne\ncontinuée\n\n(AFP) - Encore du texte."

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Premier titre"
    assert dispatch.body.endswith("Une ligne\ncontinuée\n\n(AFP) - Encore du texte.")


def test_too_long_line_before_opener_is_not_a_headline():
    long_line = "Une ligne très longue " * 10
    text = f"{PREVIOUS}{long_line}\n\n(AFP) - Encore du texte."

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Premier titre"
    assert dispatch.body.endswith("(AFP) - Encore du texte.")


def test_empty_dispatch_is_dropped_but_neighbours_are_kept():
    text = "Titre vide\n\n---\n\nTitre plein\n\n(AFP) - Du texte."

    (dispatch,) = parse_dispatches(text)

    assert (dispatch.title, dispatch.body) == ("Titre plein", "Du texte.")


def test_short_opener_paragraph_is_not_taken_for_a_headline():
    text = "PARIS (AFP) - Le président est mort\n\nLa suite du texte."

    (dispatch,) = parse_dispatches(text)

    assert (dispatch.title, dispatch.title_derived) == ("Le président est mort", True)
    assert (dispatch.dateline_place, dispatch.agency) == ("Paris", "AFP")
    assert dispatch.body == "Le président est mort\n\nLa suite du texte."


def test_opener_alone_in_its_paragraph_body_starts_at_next_paragraph():
    text = "Titre\n\nPARIS (AFP) -\n\nLe texte commence ici."

    (dispatch,) = parse_dispatches(text)

    assert dispatch.body == "Le texte commence ici."
    assert dispatch.body_start == text.index("Le texte")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_bom_is_not_part_of_the_title(newline):
    text = f"\ufeffTitre avec BOM{newline}{newline}PARIS (AFP) - Corps."

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Titre avec BOM"
    assert dispatch.start == 1
    assert dispatch.body == "Corps."


def test_bom_before_untitled_dispatch_is_not_in_the_derived_title():
    text = "\ufeffLe texte commence ici. Puis il continue."

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "Le texte commence ici"
    assert dispatch.body == text[1:]


def test_bom_of_a_concatenated_file_is_not_part_of_the_title():
    text = "Titre un\n\nCorps un.\f\ufeffTitre deux\r\n\r\n(AFP) - Corps deux."

    first, second = parse_dispatches(text)

    assert (first.title, second.title) == ("Titre un", "Titre deux")
    assert second.body == "Corps deux."


def test_non_breaking_spaces_are_kept_in_body_and_title():
    body = "M.\u00a0Dupont a dit\u202f: «\u00a0Nous partons\u00a0». Puis il est parti."
    text = f"«\u00a0Nous partons\u00a0»\u00a0\n\nPARIS\u00a0(AFP)\u00a0-\u00a0{body}"

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == "«\u00a0Nous partons\u00a0»"
    assert (dispatch.dateline_place, dispatch.agency) == ("Paris", "AFP")
    assert dispatch.body == body


@pytest.mark.parametrize(
    ("first_sentence", "title"),
    [
        ("Le gouvernement est tombé.", "Le gouvernement est tombé"),
        ("M.\u00a0Dupont a démissionné mardi.", "M.\u00a0Dupont a démissionné mardi"),
        ("Le Dr. Martin est arrivé à Alep.", "Le Dr. Martin est arrivé à Alep"),
        ("John F. Kennedy a été assassiné.", "John F. Kennedy a été assassiné"),
        ("Qui a gagné ?", "Qui a gagné ?"),
        ("« Nous partons », a-t-il dit.", "« Nous partons », a-t-il dit"),
        ("Un texte\nsur deux lignes.", "Un texte sur deux lignes"),
    ],
)
def test_derived_title_is_first_sentence(first_sentence, title):
    text = f"{first_sentence} Une deuxième phrase suit.\n\nUn autre paragraphe."

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == title
    assert dispatch.title_derived is True


def test_long_derived_title_is_cut_at_a_word_boundary():
    sentence = " ".join(["mot"] * 10 + ["anticonstitutionnellement"] * 6) + "."
    text = f"{sentence} Suite.\n\nAutre paragraphe."

    (dispatch,) = parse_dispatches(text)

    assert len(dispatch.title) <= TITLE_MAX
    assert dispatch.title.endswith(" anticonstitutionnellement…")
    prefix = dispatch.title.removesuffix("…")
    assert sentence.startswith(prefix + " ")


def test_reference_file():
    text = reference_text()

    first, second = parse_dispatches(text)

    assert first.title_derived is True
    assert first.title.startswith("La Turquie appelle la Russie")
    assert first.title == (
        "La Turquie appelle la Russie à des opérations conjointes contre le groupe "
        "État islamique (EI) en Syrie, a annoncé jeudi…"
    )
    assert len(first.title) <= TITLE_MAX
    assert (first.byline, first.dateline_place, first.agency, first.published) == ("", "", "", None)
    assert first.start == 0
    assert first.body.startswith("La Turquie appelle la Russie à des opérations conjointes")
    assert first.body.endswith("des moyens de communication directe en temps réel.")
    assert "Des médecins d'Alep" not in first.body

    assert second.title == "Des médecins d'Alep impuissants face à la mort"
    assert second.title_derived is False
    assert second.byline == "Karam AL MASRI, Rouba HUSSEINI"
    assert second.dateline_place == "Alep"
    assert (second.agency, second.published) == ("", None)
    assert second.start == text.index("Des médecins d'Alep impuissants")
    assert second.body.startswith("Les derniers médecins exerçant")
    assert "\n\nL'appel russe resté lettre morte\n\n" in second.body
    assert "Karam AL MASRI" not in second.body
    assert second.end == len(text.rstrip())
    assert_offsets(text, [first, second])


REFERENCE_VARIANTS = {
    "lf": lambda text: text,
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "cr": lambda text: text.replace("\n", "\r"),
    # "\r" is never followed by a lone "\n", which would read as one CRLF line end.
    "mixed": lambda text: "".join(
        line + ("\n", "\r", "\r\n")[index % 3] for index, line in enumerate(text.split("\n"))
    ),
    "cp1252": lambda text: text.encode("cp1252").decode("cp1252"),
    "bom": lambda text: "\ufeff" + text,
    "trailing-blank-lines": lambda text: "\n\n" + text + "\n\n  \n",
    "separator-before-second": lambda text: text.replace(
        "\n\nDes médecins d'Alep", "\n\n---\n\nDes médecins d'Alep"
    ),
}


@pytest.mark.parametrize("variant", REFERENCE_VARIANTS)
def test_reference_file_variants_give_the_same_dispatches(variant):
    expected = parse_dispatches(reference_text())
    text = REFERENCE_VARIANTS[variant](reference_text())

    dispatches = parse_dispatches(text)

    assert len(dispatches) == 2
    for got, want in zip(dispatches, expected, strict=True):
        assert got.title == want.title
        assert got.title_derived == want.title_derived
        assert got.byline == want.byline
        assert got.dateline_place == want.dateline_place
        assert got.agency == want.agency
        assert got.published == want.published
        assert lines_as_lf(got.body) == want.body
    assert_offsets(text, dispatches)


@pytest.mark.parametrize(
    ("separator", "opener"),
    [
        ("\n---\n", "PARIS (AFP) - "),
        ("\f", ""),
        ("\f", "PARIS (AFP) - "),
        ("\n\n", "PARIS (AFP) - "),
    ],
)
def test_real_dispatches_from_masakhane(separator, opener):
    rows = masakhane_rows(5)
    text = separator.join(f"{row['headline']}\n\n{opener}{row['text']}" for row in rows)

    dispatches = parse_dispatches(text)

    assert [d.title for d in dispatches] == [row["headline"].strip() for row in rows]
    assert [d.body for d in dispatches] == [row["text"].strip() for row in rows]
    assert {d.agency for d in dispatches} == ({"AFP"} if opener else {""})
    assert {d.dateline_place for d in dispatches} == ({"Paris"} if opener else {""})
    assert not any(d.title_derived for d in dispatches)
    assert_offsets(text, dispatches)


def test_masakhane_without_openers_or_separators_is_one_dispatch():
    rows = masakhane_rows(3)
    text = "\n\n".join(f"{row['headline']}\n\n{row['text']}" for row in rows)

    (dispatch,) = parse_dispatches(text)

    assert dispatch.title == rows[0]["headline"].strip()
    assert dispatch.body.endswith(rows[2]["text"].strip())


INVARIANT_TEXTS = {
    "reference": reference_text,
    "reference-cr": lambda: reference_text().replace("\n", "\r"),
    "openers": lambda: "\n\n".join(
        f"Titre {index}\n\n{opener.format(dash='—')} Corps {index}."
        for index, (opener, *_) in enumerate(OPENERS)
    ),
    "separators": lambda: "\n".join(f"Titre\n\nCorps.\n{sep}" for sep in SEPARATORS),
    "masakhane": lambda: "\f".join(f"{r['headline']}\n\n{r['text']}" for r in masakhane_rows(20)),
    "blank-lines": lambda: "\n \n\t\nTitre\n\n\n\n(AFP) -  \n\n Corps.  \n\n\n",
}


@pytest.mark.parametrize("name", INVARIANT_TEXTS)
def test_body_is_an_exact_slice_of_the_input(name):
    text = INVARIANT_TEXTS[name]()

    dispatches = parse_dispatches(text)

    assert dispatches
    assert_offsets(text, dispatches)


def test_many_dispatches_with_openers_are_all_found():
    text = INVARIANT_TEXTS["openers"]()

    dispatches = parse_dispatches(text)

    assert [d.title for d in dispatches] == [f"Titre {index}" for index in range(len(OPENERS))]
    assert [d.body for d in dispatches] == [f"Corps {index}." for index in range(len(OPENERS))]


def test_dispatch_is_frozen():
    (dispatch,) = parse_dispatches("Titre\n\n(AFP) - Corps.")

    with pytest.raises(AttributeError):
        dispatch.title = "Autre"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("opener", "place", "day", "moment"),
    [
        ("STRASBOURG, 10 juil 2024 (AFP) - ", "Strasbourg", datetime.date(2024, 7, 10), None),
        ("STRASBOURG, 10 juil. 2024 (AFP) - ", "Strasbourg", datetime.date(2024, 7, 10), None),
        ("PARIS, 3 févr. 2023 (AFP) - ", "Paris", datetime.date(2023, 2, 3), None),
        ("PARIS, 3 fevr 2023 (AFP) - ", "Paris", datetime.date(2023, 2, 3), None),
        ("LYON, 1er janv. 2020 (AFP) - ", "Lyon", datetime.date(2020, 1, 1), None),
        ("NICE, 15 avr 2019 (AFP) - ", "Nice", datetime.date(2019, 4, 15), None),
        ("BREST, 9 sept. 2018 (AFP) - ", "Brest", datetime.date(2018, 9, 9), None),
        ("LILLE, 30 oct 2017 (AFP) - ", "Lille", datetime.date(2017, 10, 30), None),
        ("METZ, 2 nov. 2016 (AFP) - ", "Metz", datetime.date(2016, 11, 2), None),
        ("PAU, 24 déc 2015 (AFP) - ", "Pau", datetime.date(2015, 12, 24), None),
        (
            "STRASBOURG, 10 juil 2024 13h05 (AFP) - ",
            "Strasbourg",
            datetime.date(2024, 7, 10),
            (13, 5, False),
        ),
        (
            "PARIS, 3 févr. 2023 à 08:15 GMT (AFP) - ",
            "Paris",
            datetime.date(2023, 2, 3),
            (8, 15, True),
        ),
        ("21 septembre 2012, France. - ", "France", datetime.date(2012, 9, 21), None),
        ("21 septembre 2012, Côte d'Ivoire. - ", "Côte d'Ivoire", datetime.date(2012, 9, 21), None),
    ],
)
def test_afp_datelines_abbreviated_months_times_and_places_after_the_date(
    opener, place, day, moment
):
    text = f"Le Parlement européen vote le budget\n\n{opener}Les députés ont adopté le texte.\n"
    (dispatch,) = parse_dispatches(text)
    assert (dispatch.dateline_place, dispatch.published) == (place, day)
    assert dispatch.body == "Les députés ont adopté le texte."
    if moment is None:
        assert dispatch.published_at is None
    else:
        hour, minute, utc = moment
        assert (dispatch.published_at.hour, dispatch.published_at.minute) == (hour, minute)
        assert (dispatch.published_at.tzinfo is not None) is utc


def test_a_month_abbreviation_inside_a_word_is_not_a_date():
    text = "Titre\n\nPARIS, 10 juillettiste 2024 (AFP) - Un texte.\n"
    (dispatch,) = parse_dispatches(text)
    assert dispatch.published is None
