"""Who said what: quotation marks, attributions and speakers on real-looking wire lines,
the robustness of the mark pairing, and the measured quality on the hand-annotated gold."""

import gc
import random
import time

import pytest

from articles.quotes import Quotation, extract_quotes
from bench.quotes import (
    Mention,
    body_of,
    evaluate,
    half,
    load_gold,
    match,
    outside_marks,
    same_speaker,
)

MIN_RECALL = 0.9
MIN_ATTRIBUTION = 0.85


def mentions(text: str, *specs: tuple[str, ...]) -> list[Mention]:
    """Mentions at every occurrence of each (surface, label[, canonical]) spec."""
    found = []
    for surface, label, *canonical in specs:
        at = text.find(surface)
        assert at >= 0, surface
        while at >= 0:
            found.append(
                Mention(at, at + len(surface), label, surface, (canonical or [surface])[0])
            )
            at = text.find(surface, at + 1)
    return sorted(found, key=lambda m: m.start)


def speaker_of(quote: Quotation, spans: list[Mention]) -> str | None:
    return spans[quote.speaker].canonical if quote.speaker is not None else None


def only(text: str, *specs: tuple[str, ...]) -> tuple[Quotation, str | None]:
    spans = mentions(text, *specs)
    quotes = extract_quotes(text, spans)
    assert len(quotes) == 1, quotes
    return quotes[0], speaker_of(quotes[0], spans)


CAVUSOGLU = ("Cavusoglu", "PER", "Mevlüt Cavusoglu")
MERKEL = ("Merkel", "PER", "Angela Merkel")
HOLLANDE = ("Hollande", "PER", "François Hollande")

# (text, mentions, speaker's canonical name or None, speaker as written, verb, partial)
# fmt: off
ATTRIBUTIONS = [
    ("«Nous allons discuter de tous les détails», a dit M.\u00a0Cavusoglu, dans une interview.",
     [CAVUSOGLU], "Mevlüt Cavusoglu", "M.\u00a0Cavusoglu", "dire", False),
    ("Le ministre Mevlüt Cavusoglu était à Moscou jeudi. «Nous n'avons pas le choix», "
     "a-t-il ajouté.",
     [("Mevlüt Cavusoglu", "PER"), ("Moscou", "LOC")], "Mevlüt Cavusoglu", "il", "ajouter", False),
    ("Les médecins d'Alep ont écrit au président. «Sans voie d'approvisionnement, nous "
     "serons assiégés», préviennent-ils.",
     [("Alep", "LOC")], None, "ils", "prévenir", False),
    ("«La Turquie est prête à coopérer», a déclaré jeudi le ministre turc Mevlüt "
     "Cavusoglu.",
     [("Turquie", "LOC"), ("Mevlüt Cavusoglu", "PER")],
     "Mevlüt Cavusoglu", "le ministre turc Mevlüt Cavusoglu", "déclarer", False),
    ("Recep Tayyip Erdogan a déclaré : «Nous ne reculerons pas.»",
     [("Recep Tayyip Erdogan", "PER")],
     "Recep Tayyip Erdogan", "Recep Tayyip Erdogan", "déclarer", False),
    ("Angela Merkel a affirmé que «l'Europe doit rester unie».",
     [("Angela Merkel", "PER")], "Angela Merkel", "Angela Merkel", "affirmer", True),
    ("Selon l'armée russe, «une fenêtre humanitaire sera ouverte chaque jour».",
     [("armée russe", "ORG")], "armée russe", "l'armée russe", "selon", False),
    ("«La situation reste désespérée dans la ville», selon l'Observatoire syrien des "
     "droits de l'homme.",
     [("Observatoire syrien des droits de l'homme", "ORG")],
     "Observatoire syrien des droits de l'homme", "l'Observatoire syrien des droits de l'homme",
     "selon", False),
    ("Pour le Kremlin, «cette décision est tout simplement inacceptable».",
     [("Kremlin", "ORG")], "Kremlin", "le Kremlin", "pour", False),
    ("D'après Mme Merkel, «rien n'est encore décidé à Bruxelles».",
     [MERKEL, ("Bruxelles", "LOC")], "Angela Merkel", "Mme Merkel", "d'après", False),
    ("Vladimir Poutine estime que «le dialogue doit reprendre au plus vite».",
     [("Vladimir Poutine", "PER")], "Vladimir Poutine", "Vladimir Poutine", "estimer", True),
    ("Moscou a affirmé que les frappes avaient «détruit des dépôts d'armes».",
     [("Moscou", "LOC")], "Moscou", "Moscou", "affirmer", True),
    ("«Nous poursuivrons les frappes aériennes», a indiqué le ministère russe de la "
     "Défense.",
     [("ministère russe de la Défense", "ORG")],
     "ministère russe de la Défense", "le ministère russe de la Défense", "indiquer", False),
    ("La chancelière Angela Merkel est arrivée à Paris. «Il faut agir vite», a-t-elle "
     "déclaré.",
     [("Angela Merkel", "PER"), ("Paris", "LOC")], "Angela Merkel", "elle", "déclarer", False),
    ("Mme Merkel a rencontré M. Hollande mardi. «Nous sommes d'accord sur tout», a-t-elle "
     "dit.",
     [MERKEL, HOLLANDE], "Angela Merkel", "elle", "dire", False),
    ("M. Hollande a reçu Mme Merkel mardi. «C'est une bonne journée pour l'Europe», a-t-il "
     "dit.",
     [HOLLANDE, MERKEL], "François Hollande", "il", "dire", False),
    ("Le président turc Recep Tayyip Erdogan était à Saint-Pétersbourg. Vladimir Poutine "
     "l'a reçu. «Nous tournons la page», a déclaré le président turc.",
     [("Recep Tayyip Erdogan", "PER"), ("Saint-Pétersbourg", "LOC"), ("Vladimir Poutine", "PER")],
     "Recep Tayyip Erdogan", "le président turc", "déclarer", False),
    ("Mevlüt Cavusoglu a rencontré Sergueï Lavrov à Sotchi. M. Cavusoglu a évoqué la "
     "Syrie. «Rien n'est exclu», a précisé le chef de la diplomatie.",
     [("Mevlüt Cavusoglu", "PER"), ("Sergueï Lavrov", "PER"),
      ("Sotchi", "LOC"), CAVUSOGLU, ("Syrie", "LOC")],
     "Mevlüt Cavusoglu", "le chef de la diplomatie", "préciser", False),
    ("Angela Merkel et François Hollande se sont rencontrés. «Nous avons avancé», a "
     "déclaré la chancelière.",
     [("Angela Merkel", "PER"), ("François Hollande", "PER")],
     "Angela Merkel", "la chancelière", "déclarer", False),
    ("«Nous avons peur chaque nuit», racontent des habitants d'Alep.",
     [("Alep", "LOC")], None, "des habitants d'Alep", "raconter", False),
    ("«Nous sommes épuisés», écrivent les médecins dans leur lettre.",
     [], None, "les médecins", "écrire", False),
    ("«Une enquête a été ouverte», a indiqué un porte-parole de la police.",
     [], None, "un porte-parole de la police", "indiquer", False),
    ("«Aucune décision n'a été prise», a déclaré un porte-parole du Kremlin.",
     [("Kremlin", "ORG")], "Kremlin", "un porte-parole du Kremlin", "déclarer", False),
    ("Dans un communiqué, le ministère de l'Intérieur a dénoncé des actes «inadmissibles».",
     [("ministère de l'Intérieur", "ORG")],
     "ministère de l'Intérieur", "le ministère de l'Intérieur", "dénoncer", True),
    ("D'après le communiqué du ministère de l'Intérieur, «les deux agresseurs sont "
     "connus».",
     [("ministère de l'Intérieur", "ORG")],
     "ministère de l'Intérieur", "le communiqué du ministère de l'Intérieur", "d'après", False),
    ("«Nous manquons de tout», a expliqué à l'AFP Dr Abou al-Baraa, l'un des signataires.",
     [("AFP", "ORG"), ("Abou al-Baraa", "PER")],
     "Abou al-Baraa", "Dr Abou al-Baraa", "expliquer", False),
    ("Nock Ag Attia, député touareg, a précisé : «Les Touareg ne partagent pas ces "
     "bêtises».",
     [("Nock Ag Attia", "PER")],
     "Nock Ag Attia", "Nock Ag Attia, député touareg", "préciser", False),
    ("Il a eu un clash avec Bernard Bonnet, le successeur de Claude Erignac, qui lui avait "
     "rétorqué : «Je partirai quand vos amis cesseront le racket.»",
     [("Bernard Bonnet", "PER"), ("Claude Erignac", "PER")],
     "Bernard Bonnet", "Bernard Bonnet, le successeur de Claude Erignac", "rétorquer", False),
    ("Antoni Pastor est député de Manacor. Estimant que «le catalan est notre propre "
     "langue», il vota contre le texte.",
     [("Antoni Pastor", "PER"), ("Manacor", "LOC")], "Antoni Pastor", "il", "estimer", True),
    ("«Les entreprises ont embauché plus que prévu», s'est réjoui le président Barack "
     "Obama.",
     [("Barack Obama", "PER")], "Barack Obama", "le président Barack Obama", "réjouir", False),
    ("«C'est la grande bourgeoisie qui s'exprime», lui avait dit Christian Jacob, "
     "président du groupe UMP.",
     [("Christian Jacob", "PER"), ("UMP", "ORG")],
     "Christian Jacob", "Christian Jacob", "dire", False),
    ("Jean-Marie Le Pen parle de sa fille. «C'est une petite fille bourgeoise», tente-t-il "
     "de corriger.",
     [("Jean-Marie Le Pen", "PER")], "Jean-Marie Le Pen", "il", "tenter", False),
    ("Le Kremlin a estimé jeudi que «rien ne justifie ces sanctions».",
     [("Kremlin", "ORG")], "Kremlin", "Le Kremlin", "estimer", True),
    ("Washington juge que «la ligne rouge a été franchie».",
     [("Washington", "LOC")], "Washington", "Washington", "juger", True),
    ("Un rapport de la Ligue arabe apporte la même conclusion : «Le journaliste a été tué "
     "par l'opposition».",
     [("Ligue arabe", "ORG")], "Ligue arabe", "Un rapport de la Ligue arabe", None, False),
    ("\"Nous ne négocierons jamais avec eux\", a déclaré le porte-parole Dmitri Peskov.",
     [("Dmitri Peskov", "PER")],
     "Dmitri Peskov", "le porte-parole Dmitri Peskov", "déclarer", False),
    ("“Nous ne négocierons jamais avec eux”, a déclaré Dmitri Peskov.",
     [("Dmitri Peskov", "PER")], "Dmitri Peskov", "Dmitri Peskov", "déclarer", False),
    ("Mouss Diouf est mort «des suites d'une longue maladie», a révélé son avocate à "
     "l'AFP.",
     [("Mouss Diouf", "PER"), ("AFP", "ORG")], None, "son avocate", "révéler", True),
    ("Thierry Roland commentait le match avec son complice de toujours, Jean-Michel "
     "Larqué. Selon son complice, «il se sentait faible ces derniers temps».",
     [("Thierry Roland", "PER"), ("Jean-Michel Larqué", "PER")],
     "Jean-Michel Larqué", "son complice", "selon", False),
    ("Bernard Bonnet arriva en retard. «Je partirai quand je le voudrai», répondit-il.",
     [("Bernard Bonnet", "PER")], "Bernard Bonnet", "il", "répondre", False),
    ("«Nous attendions les secours depuis des heures», expliquait le maire Jean Dupont.",
     [("Jean Dupont", "PER")], "Jean Dupont", "le maire Jean Dupont", "expliquer", False),
    ("Le ministre de l'Intérieur, Manuel Valls, a affirmé que «le nucléaire est une "
     "filière d'avenir».",
     [("Manuel Valls", "PER")],
     "Manuel Valls", "Le ministre de l'Intérieur, Manuel Valls", "affirmer", True),
    ("Vladimir Poutine a estimé qu'il faudrait un «travail difficile».",
     [("Vladimir Poutine", "PER")], "Vladimir Poutine", "Vladimir Poutine", "estimer", True),
    ("«Il y a eu des dommages», a-t-on appris de source policière.",
     [], None, "on", "apprendre", False),
    ("Lionel Tardy (UMP) a lui écrit : «Reprise de la séance, quel couac !»",
     [("Lionel Tardy", "PER"), ("UMP", "ORG")],
     "Lionel Tardy", "Lionel Tardy (UMP)", "écrire", False),
    ("«Le contexte est bien pire qu'attendu», y compris le montant des dommages, commente "
     "Song Myung-Sup, analyste.",
     [("Song Myung-Sup", "PER")], "Song Myung-Sup", "Song Myung-Sup", "commenter", False),
    ("Jean-Luc Mélenchon, le candidat du Front de gauche à l'élection présidentielle, "
     "avait appelé Marine Le Pen «la bourgeoise du château».",
     [("Jean-Luc Mélenchon", "PER"), ("Front de gauche", "ORG"), ("Marine Le Pen", "PER")],
     "Jean-Luc Mélenchon",
     "Jean-Luc Mélenchon, le candidat du Front de gauche à l'élection présidentielle", "appeler",
     True),
    ("La Russie, alliée du régime du président Bachar al-Assad, a affirmé que six "
     "bombardiers avaient «détruit une usine d'armes chimiques».",
     [("Russie", "LOC"), ("Bachar al-Assad", "PER")],
     "Russie", "La Russie, alliée du régime du président Bachar al-Assad", "affirmer", True),
]
# fmt: on


@pytest.mark.parametrize(
    ("text", "specs", "speaker", "written", "verb", "partial"),
    ATTRIBUTIONS,
    ids=[f"{i:02d}-{case[0][:30]}" for i, case in enumerate(ATTRIBUTIONS)],
)
def test_attribution(text, specs, speaker, written, verb, partial):
    quote, found = only(text, *specs)
    assert (found, quote.speaker_text, quote.verb, quote.partial) == (
        speaker,
        written,
        verb,
        partial,
    )
    if quote.speaker_start is not None:
        assert text[quote.speaker_start : quote.speaker_end] == quote.speaker_text


def test_the_speaker_is_the_index_of_the_mention_in_the_list_passed_in():
    text = "M. Hollande a reçu Mme Merkel. «Nous sommes d'accord», a déclaré Mme Merkel."
    spans = mentions(text, MERKEL, HOLLANDE)
    shuffled = [spans[2], spans[0], spans[1]]
    (quote,) = extract_quotes(text, shuffled)
    assert shuffled[quote.speaker].start == text.rindex("Merkel")


def test_a_quotation_continues_the_speaker_of_the_previous_one():
    text = (
        "«Nous allons discuter de tous les détails», a dit M.\u00a0Cavusoglu.\n\n"
        "«La proposition est toujours sur la table».\n\n"
        "Le ministère russe de la Défense a indiqué que les raids avaient détruit un camp. Les "
        "djihadistes ont subi «des dommages matériels très significatifs»."
    )
    spans = mentions(text, CAVUSOGLU, ("ministère russe de la Défense", "ORG"))
    first, second, third = extract_quotes(text, spans)
    assert speaker_of(first, spans) == speaker_of(second, spans) == "Mevlüt Cavusoglu"
    assert second.speaker_text == "M.\u00a0Cavusoglu" and second.verb == "dire"
    assert speaker_of(third, spans) == "ministère russe de la Défense" and third.partial


def test_a_quotation_interrupted_by_its_attribution_keeps_one_speaker():
    text = (
        "«Combattons ensemble le groupe terroriste» Etat islamique, a encore dit le ministre "
        "turc Mevlüt Cavusoglu, «de manière à l'éliminer» pour qu'il ne s'étende pas «comme "
        "une épidémie» en Syrie."
    )
    spans = mentions(text, ("Mevlüt Cavusoglu", "PER"), ("Syrie", "LOC"))
    quotes = extract_quotes(text, spans)
    assert [text[q.start : q.end] for q in quotes] == [
        "Combattons ensemble le groupe terroriste",
        "de manière à l'éliminer",
        "comme une épidémie",
    ]
    assert {speaker_of(q, spans) for q in quotes} == {"Mevlüt Cavusoglu"}
    assert [q.partial for q in quotes] == [False, False, True]


def test_the_plural_pronoun_keeps_an_unnamed_group_unnamed():
    text = (
        "«Ce qui nous afflige le plus est de devoir choisir», écrivent les praticiens dans leur "
        "lettre.\n\n«De jeunes enfants arrivent aux urgences», poursuivent-ils."
    )
    first, second = extract_quotes(text, [])
    assert (first.speaker, first.speaker_text) == (None, "les praticiens")
    assert (second.speaker, second.speaker_text, second.verb) == (None, "ils", "poursuivre")


@pytest.mark.parametrize(
    "text",
    [
        "Il a vu le film «La Vie est un long fleuve tranquille» hier soir.",
        "Le système, baptisé «Quantal Quetzal», sort jeudi.",
        "La série est baptisée en Iran «nid d'espions» depuis longtemps.",
        "Il s'agit d'un amendement à la loi dite «Sur l'information et la protection des données».",
        "Les papillons mutés «naturellement» présentaient les mêmes malformations.",
        "Le pays a voté pour une nette victoire du «oui» au référendum.",
        "Ils ont rencontré l'«abominable homme des neiges» dans la grotte.",
        "La nouvelle série conserve le thème «Époques et styles architecturaux».",
        "Le Var est placé en vigilance jaune «vagues submersion» jusqu'à demain.",
        "Il a rappelé la politique dite «de la main tendue» aux députés.",
        "Cette «imposante collection privée» est le fruit d'une passion.",
    ],
)
def test_titles_nicknames_and_scare_quotes_are_not_quotations(text):
    assert extract_quotes(text, []) == []


def test_a_long_unattributed_quotation_is_kept_without_a_speaker():
    text = "Le harcèlement est défini comme «le fait d'imposer à une personne des propos répétés»."
    (quote,) = extract_quotes(text, [])
    assert (quote.speaker, quote.speaker_text, quote.verb, quote.partial) == (None, "", None, True)


# --- marks ----------------------------------------------------------------------------


def spans_of(text: str) -> list[str]:
    return [text[q.start : q.end] for q in extract_quotes(text, [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("«\u00a0Nous ne céderons pas\u00a0», a dit le ministre.", ["Nous ne céderons pas"]),
        ("«\u202fNous ne céderons pas\u202f», a dit le ministre.", ["Nous ne céderons pas"]),
        ("« Nous ne céderons pas », a dit le ministre.", ["Nous ne céderons pas"]),
        ("“Nous ne céderons pas”, a dit le ministre.", ["Nous ne céderons pas"]),
        ('"Nous ne céderons pas", a dit le ministre.', ["Nous ne céderons pas"]),
        ("„Nous ne céderons pas“, a dit le ministre.", ["Nous ne céderons pas"]),
    ],
)
def test_every_kind_of_mark(text, expected):
    assert spans_of(text) == expected


def test_a_quotation_over_several_paragraphs_is_one_quotation():
    text = (
        "«Nous sommes devant un nouvel antisémitisme qui ravage le pays.\n\n"
        "«L'affaire semble susciter énormément de vocations», a déclaré M. Bensemhoun."
    )
    spans = mentions(text, ("Bensemhoun", "PER", "Arié Bensemhoun"))
    (quote,) = extract_quotes(text, spans)
    assert (quote.start, quote.end) == (1, text.index("»"))
    assert speaker_of(quote, spans) == "Arié Bensemhoun"


def test_a_nested_quotation_stays_inside_the_outer_one():
    text = (
        "«Il m'a dit “non” et il est parti», a raconté Sonia Dridi. "
        "Puis «il est revenu le lendemain matin»."
    )
    spans = mentions(text, ("Sonia Dridi", "PER"))
    quotes = extract_quotes(text, spans)
    assert [text[q.start : q.end] for q in quotes] == [
        "Il m'a dit “non” et il est parti",
        "il est revenu le lendemain matin",
    ]
    assert speaker_of(quotes[0], spans) == "Sonia Dridi"
    assert spans_of("«Il m'a dit «non» et il est parti», a raconté Sonia Dridi.") == [
        "Il m'a dit «non» et il est parti"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Le ministre a lancé «un appel qui ne sera jamais fermé, a-t-il dit.",
        "Un » seul, puis rien, a dit le ministre.",
        'Un " égaré dans la phrase, a dit le ministre.',
        "«» a dit le ministre, et « » a-t-il ajouté, puis “ ”.",
        "",
        "«",
        "»«",
    ],
)
def test_unbalanced_or_empty_marks_give_no_quotation(text):
    assert extract_quotes(text, []) == []


def test_a_stray_closing_mark_after_a_quotation_is_ignored():
    text = (
        "«Un régime qui massacre son peuple ne devrait pas diriger le pays», a expliqué "
        "M.\u00a0Cavusoglu. Il ne peut pas y avoir de transition avec Assad.» Puis «il faudra "
        "du temps», a-t-il ajouté."
    )
    assert spans_of(text) == [
        "Un régime qui massacre son peuple ne devrait pas diriger le pays",
        "il faudra du temps",
    ]


def test_an_unclosed_mark_does_not_swallow_the_next_paragraph_quotation():
    text = "Il a lancé «un appel.\n\nAutre chose : «Nous partirons demain», a dit le maire."
    assert spans_of(text) == ["Nous partirons demain"]


def test_a_quotation_that_is_the_whole_dispatch():
    text = "«Nous ne reculerons devant rien et nous irons jusqu'au bout de cette réforme.»"
    (quote,) = extract_quotes(text, [])
    assert (quote.start, quote.end, quote.speaker, quote.speaker_text) == (
        1,
        len(text) - 1,
        None,
        "",
    )


def test_no_quotation_without_quotation_marks():
    text = (
        "Le ministre a déclaré jeudi que la Turquie était prête, a-t-il ajouté. Selon l'armée, "
        "les frappes continueront, a dit M. Cavusoglu."
    )
    assert extract_quotes(text, mentions(text, CAVUSOGLU)) == []


def test_offsets_stay_inside_the_marks_and_never_overlap_on_mark_soup():
    rng = random.Random(20161208)
    pieces = [
        "«",
        "»",
        "“",
        "”",
        '"',
        " ",
        "\n\n",
        ", a dit M. X. ",
        "mot ",
        "a-t-il dit",
        "« ",
        " »",
    ]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        quotes = extract_quotes(text, [])
        assert outside_marks(text, quotes) == 0, text
        assert all(0 < q.start < q.end < len(text) for q in quotes)


def _best_time(text: str) -> float:
    """The best of five runs, the garbage collector off (its full passes are not linear)."""
    best = float("inf")
    for _ in range(5):
        gc.collect()
        gc.disable()
        try:
            began = time.perf_counter()
            extract_quotes(text, [])
            best = min(best, time.perf_counter() - began)
        finally:
            gc.enable()
    return best


def test_extraction_time_grows_linearly_with_the_marks():
    line = "«Nous allons discuter», a dit M. Cavusoglu. Il a ajouté : «La proposition tient». "
    small, large = line * 1250, line * 2500  # 5,000 and 10,000 marks
    assert large.count("«") + large.count("»") == 10_000
    assert len(extract_quotes(large, [])) == 5_000
    ratio = _best_time(large) / _best_time(small)
    assert ratio < 3, ratio  # doubling the input roughly doubles the time


def test_extraction_time_grows_linearly_on_unbalanced_marks():
    ratio = _best_time("« mot " * 10_000) / _best_time("« mot " * 5_000)
    assert ratio < 3, ratio


# --- gold -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold():
    return load_gold()


def test_the_gold_offsets_point_into_the_dispatch_bodies(gold):
    assert sum(len(f["quotes"]) for f in gold["files"]) >= 100
    assert sum(len(f["negatives"]) for f in gold["files"]) >= 10
    for entry in gold["files"]:
        body = body_of(entry)
        assert len(body) == entry["body_length"]
        for item in entry["quotes"] + entry["negatives"]:
            assert body[item["start"] : item["end"]] == item["text"]
        for quote in entry["quotes"]:
            if quote["speaker_start"] is not None:
                written = body[quote["speaker_start"] : quote["speaker_end"]]
                assert written == quote["speaker_text"]
        for mention in entry["mentions"]:
            assert body[mention["start"] : mention["end"]] == mention["text"]


def test_the_gold_is_split_by_file(gold):
    halves = {f["file"]: set() for f in gold["files"]}
    for entry in gold["files"]:
        halves[entry["file"]].add(entry["split"])
    assert all(len(splits) == 1 for splits in halves.values())
    assert len(half(gold, "dev")["files"]) and len(half(gold, "test")["files"])


def test_matching_and_speaker_comparison():
    found = [Quotation(0, 10, None, "", None, None, None, False)]
    gold_quotes = [{"start": 1, "end": 10}, {"start": 20, "end": 30}]
    assert match(found, gold_quotes) == [(0, 0)]
    assert same_speaker("Obama", "Barack Obama") and same_speaker(None, None)
    assert not same_speaker("Michelle Obama", "Barack Obama")
    assert not same_speaker(None, "Barack Obama")


def test_quality_on_the_test_half_with_the_gold_mentions(gold):
    result = evaluate(half(gold, "test"))
    assert result["outside_marks"] == 0
    assert result["detection_recall"] >= MIN_RECALL, result["errors"]
    assert result["attribution_accuracy"] >= MIN_ATTRIBUTION, result["errors"]
