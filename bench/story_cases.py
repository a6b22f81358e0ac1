"""Build labelled story families from real French news text, to tune and measure grouping.

`python -m bench.story_cases` writes tests/data/story_cases.json; `--write-files DIR` also
writes every dispatch as a plain-text file the importer reads (one dispatch a file, with a
dateline that carries the date and the agency).

Each source article (French Wikinews, CC BY 2.5; MasakhaNEWS French, BBC Afrique) becomes a
family of wire versions, a different subset each time: an URGENT or ALERTE of the first
sentence, a 1er LEAD of the first two paragraphs, a 2e LEAD or PAPIER GENERAL with the full
text (paragraphs a little reordered, a sentence added), a RECTIFICATIF with one figure or
name changed, sometimes an ANNULATION, and another agency's reprise (new headline, words
swapped or dropped). The negatives are real: articles of one category or subject placed on
nearby days, and follow-ups, other articles that reuse one background paragraph of a story.

Deterministic for a seed, no network. Pure standard library plus `articles.parsing`,
`articles.versions` and `bench.corpus` (no Django).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from articles import versions
from articles.parsing import parse_dispatches
from bench.corpus import MONTHS, PLACES, split_sentences

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"
CASES = REPO / "tests" / "data" / "story_cases.json"
SEED = 20160312
FIRST_DAY = datetime.date(2021, 3, 1)
SPAN_DAYS = 40  # every family starts on one of these days
WIKINEWS_STORIES = 50
MASAKHANE_STORIES = 70
FOLLOW_UPS = 16
LEDE_MIN_WORDS = 8  # a first sentence shorter than this is a warning or a byline, not news
PRIMARY_AGENCIES = (("AFP", 80), ("ATS", 10), ("Belga", 10))
REPRISE_AGENCIES = ("Reuters", "AP", "Belga", "ATS", "DPA", "EFE", "Xinhua")
ATTRIBUTION = (
    "Wikinews (fr.wikinews.org), CC BY 2.5; MasakhaNEWS French (BBC Afrique), "
    "for tests and benchmarks only"
)

# Words an editor swaps or drops; the replacement keeps the grammar of the sentence.
SYNONYMS = {
    "selon": "d'après", "d'après": "selon", "déclaré": "affirmé", "affirmé": "déclaré",
    "indiqué": "précisé", "précisé": "indiqué", "expliqué": "souligné", "souligné": "expliqué",
    "annoncé": "fait savoir", "également": "aussi", "aussi": "également",
    "cependant": "toutefois", "toutefois": "cependant", "mais": "cependant",
    "environ": "près de", "important": "majeur", "importante": "majeure",
    "importants": "majeurs", "rapidement": "vite", "actuellement": "aujourd'hui",
    "désormais": "dorénavant", "notamment": "en particulier", "gouvernement": "exécutif",
    "personnes": "individus", "problème": "difficulté", "problèmes": "difficultés",
    "entreprise": "société", "entreprises": "sociétés", "car": "parce que",
    "encore": "toujours", "toujours": "encore", "enfin": "finalement",
    "finalement": "enfin", "seulement": "uniquement", "uniquement": "seulement",
    "surtout": "notamment", "hausse": "progression", "baisse": "diminution",
    "estime": "juge", "estimé": "jugé", "affirme": "assure", "assure": "affirme",
    "explique": "précise", "précise": "explique", "déclare": "affirme", "indique": "précise",
    "rapport": "document", "récemment": "dernièrement", "immédiatement": "aussitôt",
    "aussitôt": "immédiatement", "nombreux": "multiples", "nombreuses": "multiples",
    "début": "commencement", "chef": "dirigeant", "pays": "territoire",
    "ville": "localité", "hier": "la veille", "aujourd'hui": "ce jour",
}  # fmt: skip
DROPPABLE = frozenset({
    "très", "déjà", "ainsi", "alors", "notamment", "également", "encore", "toujours",
    "vraiment", "plutôt", "désormais", "actuellement", "récemment", "finalement",
    "particulièrement", "totalement", "complètement", "largement", "officiellement",
    "aujourd'hui", "hier", "même", "bien", "tout", "plus", "aussi", "donc",
})  # fmt: skip
ADDED_SENTENCES = (
    "Les autorités n'avaient pas réagi dans l'immédiat.",
    "Aucun bilan officiel n'était disponible en fin de journée.",
    "L'information a été confirmée par plusieurs sources concordantes.",
    "Une réunion doit se tenir dans la soirée, selon un porte-parole.",
    "Contacté, le ministère n'a pas souhaité faire de commentaire dans l'immédiat.",
    "De nouvelles précisions sont attendues dans les prochaines heures.",
    "L'annonce a suscité de nombreuses réactions sur les réseaux sociaux.",
    "Les circonstances exactes restaient à préciser en début de soirée.",
    "Plusieurs responsables ont appelé au calme dans la journée.",
    "Une enquête a été ouverte pour établir les responsabilités, selon une source proche.",
)  # fmt: skip
ALERT_TITLES = (
    ("urgent", "URGENT - {t}"), ("urgent", "URGENT {t}"), ("urgent", "{t} - URGENT"),
    ("urgent", "Urgent : {t}"), ("urgent", "[URGENT] {t}"), ("urgent", "URGENT"),
    ("alert", "ALERTE - {t}"), ("alert", "ALERTE {t}"), ("alert", "{t} (ALERTE)"),
    ("alert", "ALERTE"), ("alert", "FLASH - {t}"), ("alert", "Flash : {t}"),
)  # fmt: skip
LEAD_TITLES = {
    1: ("{t} (1er LEAD)", "1er LEAD - {t}", "{t} - 1ER LEAD", "(1er LEAD) {t}", "LEAD 1 - {t}",
        "1er lead : {t}", "[1ER LEAD] {t}"),
    2: ("{t} (2e LEAD)", "2E LEAD - {t}", "{t} (2ème LEAD)", "2e lead - {t}", "{t} - 2EME LEAD",
        "LEAD 2 : {t}"),
}  # fmt: skip
REWRITE_TITLES = (
    "{t} (PAPIER GENERAL)", "PAPIER GENERAL - {t}", "{t} (ACTUALISATION)", "ACTUALISATION - {t}",
    "{t} - Papier général", "[PAPIER GÉNÉRAL] {t}", "{t} (NOUVELLE VERSION)", "Actualisé : {t}",
)  # fmt: skip
CORRECTION_TITLES = (
    "RECTIFICATIF - {t} {notice}", "{t} {notice}", "{t} (RECTIFICATIF)",
    "CORRECTION - {t} {notice}", "{t} - CORRIGE", "[RECTIFICATIF] {t}",
    "Rectificatif : {t} {notice}", "ANNULE ET REMPLACE - {t} {notice}",
)  # fmt: skip
ANNULMENT_TITLES = (
    "ANNULATION - {t}", "{t} - ANNULATION", "[ANNULATION] {t}", "A NE PAS UTILISER - {t}",
    "{t} (ANNULE)", "Annulation : {t}",
)  # fmt: skip
ANNULMENT_BODIES = (
    "La dépêche intitulée «{t}» est annulée. Merci de ne pas l'utiliser.",
    "Nous annulons la dépêche «\u00a0{t}\u00a0» diffusée le {date}. Merci de ne pas "
    "l'utiliser. Une nouvelle version suivra.",
    "La dépêche «{t}» est annulée et ne doit pas être utilisée. Nous vous prions de nous "
    "excuser pour ce désagrément.",
    "ANNULATION. Merci de ne pas utiliser la dépêche intitulée «\u00a0{t}\u00a0», diffusée "
    "par erreur.",
)
# The web page furniture of BBC Afrique ("A lire aussi sur BBC Afrique :") is no wire text.
_FURNITURE = re.compile(
    r"\"?\s*(?:(?:A|À)\s+(?:ne\s+pas\s+(?:surtout\s+)?(?:manquer|rater)|"
    r"(?:surtout\s+|absolument\s+|en ce moment\s+)?(?:lire|regarder|Regarder))|"
    r"\bLire|\bRegarder|Autres articles de)"
    r"(?:\s+(?:aussi|également|plus(?:\s+encore)?|absolument))?"
    r"(?:\s+(?:sur|de)\s+(?:BBC Afrique|l[ea]s?\s+[\w-]+(?:\s+[\w-]+)?))?\s*:\s*"
)
_WIKINEWS_OPENER = re.compile(r"^\d{1,2}(?:er)?\s+\w+\s+\d{4}(?:,[^.\n]{1,40})?\.\s+[-–]\s+")
_FOOTNOTE = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"(?<![\d,.])(?<!\d )(?<!\d\u00a0)\b\d{1,3}\b(?![,.]\d)(?![\s\u00a0]\d)")
_NAME = re.compile(r"(?<=[a-zé,] )[A-Z][a-zéèëï]{3,}\b")
_TOKEN = re.compile(r"^([«\"(“]*)(.*?)([»\")”.,;:!?…]*)$")
_SPLIT_SALT = b"story-cases"


@dataclass(frozen=True)
class SourceArticle:
    """One real article: the text every version of its family is cut from."""

    key: str
    corpus: str
    origin: str
    topic: str
    headline: str
    paragraphs: tuple[tuple[str, ...], ...]  # sentences, paragraph by paragraph


@dataclass
class Draft:
    """A dispatch before the family gets its dates and ids."""

    role: str
    kind: str
    raw_title: str
    paragraphs: list[str]
    day: int  # days after the family's first day
    source: str
    place: str
    clean_title: str = ""

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Family:
    article: SourceArticle
    kind: str  # "story" or "follow-up"
    follows: str = ""
    background: str = ""  # the paragraph a follow-up borrows from its parent
    first_day: int = 0
    drafts: list[Draft] = field(default_factory=list)


def split_of(family: str) -> str:
    """The half a family belongs to, "dev" or "test", by a stable hash of its label."""
    digest = hashlib.blake2b(family.encode(), digest_size=4, key=_SPLIT_SALT).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def _usable_headline(headline: str) -> str:
    """A one-line headline the parser keeps as the title, or '' when it would not."""
    headline = " ".join(headline.split())
    if len(headline.split()) < 3 or len(headline) > 120:
        return ""
    found = parse_dispatches(f"{headline}\n\nPARIS, 2 mars 2021 (AFP) - Un texte de contrôle.\n")
    ok = len(found) == 1 and found[0].title == headline and not found[0].title_derived
    return headline if ok and versions.read_markers(headline).kind == versions.ORIGINAL else ""


def _wikinews_topic(headline: str) -> str:
    for keyword, topic in (
        ("Vendée Globe", "Vendée Globe"),
        ("Obama", "Élection américaine"),
        ("Élection présidentielle américaine", "Élection américaine"),
        ("Météo", "Météo"),
        ("exoplanète", "Espace"),
        ("Forum mondial", "Francophonie"),
    ):
        if keyword in headline:
            return topic
    head, colon, _ = headline.partition(" : ")
    return head if colon else "Wikinews"


def _from_lede(sentences: list[str]) -> list[str]:
    """Drop what precedes the lede: a content warning ("Propos et images sensibles.")."""
    while sentences and len(sentences[0].split()) < LEDE_MIN_WORDS:
        sentences = sentences[1:]
    return sentences


def load_wikinews(folder: Path) -> list[SourceArticle]:
    articles = []
    for path in sorted(folder.glob("*.txt")):
        headline, _, text = path.read_text(encoding="utf-8").partition("\n")
        headline = _usable_headline(headline)
        paragraphs = []
        for index, block in enumerate(re.split(r"\n\s*\n", text.strip())):
            block = _FOOTNOTE.sub("", block)
            if index == 0:
                block = _WIKINEWS_OPENER.sub("", block.strip())
            sentences = split_sentences(block)
            if not paragraphs:
                sentences = _from_lede(sentences)
            # A long paragraph reads as two or three on the wire.
            step = 3 if len(sentences) > 5 else 5
            paragraphs += [tuple(sentences[i : i + step]) for i in range(0, len(sentences), step)]
        if headline and sum(len(p) for p in paragraphs) >= 2:
            articles.append(
                SourceArticle(
                    f"wn-{path.stem}",
                    "wikinews-fr",
                    f"wikinews-fr/{path.name}",
                    _wikinews_topic(headline),
                    headline,
                    tuple(paragraphs),
                )
            )
    return articles


def load_masakhane(folder: Path, rng: random.Random) -> list[SourceArticle]:
    csv.field_size_limit(10**8)
    articles, seen = [], set()
    for name in ("dev", "test"):
        with (folder / f"{name}.tsv").open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream, delimiter="\t"):
                headline = _usable_headline(row["headline"])
                # Line breaks come escaped ("\\n") in the TSV.
                text = _FURNITURE.sub(" ", row["text"].replace("\\n", " "))
                sentences = _from_lede(split_sentences(text))
                size = sum(len(s) for s in sentences)
                digest = hashlib.sha1(" ".join(sentences).encode()).hexdigest()
                if not headline or not 1200 <= size <= 5000 or len(sentences) < 6:
                    continue
                if digest in seen or headline in seen:
                    continue
                seen.update({digest, headline})
                paragraphs, index = [], 0
                while index < len(sentences):
                    step = rng.choice((2, 3, 3, 3, 4))
                    paragraphs.append(tuple(sentences[index : index + step]))
                    index += step
                slug = row["url"].rstrip("/").rsplit("/", 1)[-1]
                articles.append(
                    SourceArticle(
                        f"mn-{slug}",
                        "masakhane-news",
                        row["url"],
                        row["category"],
                        headline,
                        tuple(paragraphs),
                    )
                )
    return articles


# --- editing ---------------------------------------------------------------------------


def reword(sentence: str, rng: random.Random, edits: int) -> str:
    """Swap or drop up to `edits` words of a sentence, as a desk editor would."""
    tokens = sentence.split(" ")
    eligible = []
    for index, token in enumerate(tokens[1:], start=1):
        before, core, after = _TOKEN.match(token).groups()
        lower = core.lower()
        if lower in SYNONYMS or (lower in DROPPABLE and not before + after):
            eligible.append(index)
    for index in sorted(rng.sample(eligible, min(edits, len(eligible))), reverse=True):
        before, core, after = _TOKEN.match(tokens[index]).groups()
        lower = core.lower()
        droppable = lower in DROPPABLE and not before + after
        if lower in SYNONYMS and not (droppable and rng.random() < 0.4):
            new = SYNONYMS[lower]
            new = new[:1].upper() + new[1:] if core[:1].isupper() else new
            tokens[index] = before + new + after
        else:
            del tokens[index]
    return " ".join(tokens)


def edit_sentences(sentences, rng: random.Random, edits: tuple[int, ...]) -> list[str]:
    """Reword each sentence with a number of edits drawn from `edits`."""
    return [reword(sentence, rng, rng.choice(edits)) for sentence in sentences]


def retell(paragraphs: list[list[str]], rng: random.Random, *, heavy: bool) -> list[str]:
    """Another agency's telling: the same facts, words swapped, sentences dropped or moved."""
    drop, edits = (0.2, (2, 3, 3, 4)) if heavy else (0.1, (0, 1, 2, 2))
    share = rng.choice((0.6, 1.0))
    told = []
    for paragraph in paragraphs[: max(2, round(len(paragraphs) * share))]:
        kept = [s for s in paragraph if rng.random() > drop] or paragraph[:1]
        if heavy and len(kept) > 1 and rng.random() < 0.5:
            at = rng.randrange(len(kept) - 1)
            kept[at], kept[at + 1] = kept[at + 1], kept[at]
        told.append(" ".join(edit_sentences(kept, rng, edits)))
    return told


def ordinal(number: int) -> str:
    return "1er" if number == 1 else f"{number}e"


def short_title(sentence: str, rng: random.Random) -> str:
    """A headline cut from a sentence: its first words, up to a word that ends well."""
    words = sentence.rstrip('.!?…»"').replace("«", "").replace("»", "").split()
    size = min(len(words), rng.randint(7, 11))
    clause = next((i + 1 for i, w in enumerate(words[:size]) if w.endswith(",") and i >= 4), 0)
    size = clause or size
    while size > 4 and (
        words[size - 1].lower().strip(",;:") in {"de", "du", "des", "la", "le", "les", "à", "au",
                                                  "aux", "et", "en", "d'un", "d'une", "un",
                                                  "une", "l'", "que", "qui", "pour", "par",
                                                  "sur", "dans", "avec", "a", "ont", "est"}
        or words[size - 1].endswith("'")
    ):  # fmt: skip
        size -= 1
    return " ".join(words[:size]).strip(" ,;:-–—(").rstrip(".")


def _misspelt(name: str) -> str:
    """The name with one consonant doubled (or an e added): "Roland" -> "Rolland"."""
    for index in range(1, len(name) - 1):
        char = name[index]
        if char in "lnrstm" and name[index - 1] != char and name[index + 1] != char:
            return name[: index + 1] + name[index:]
    return name + "e"


def correct(paragraphs: list[str], rng: random.Random) -> tuple[list[str], list[str], str] | None:
    """One figure (else one name) set right: the text as first sent, as corrected, and the
    notice. A name is misspelt in the first text; a figure changes in the corrected one."""
    order = list(range(len(paragraphs)))
    rng.shuffle(order)
    for pattern in (_NUMBER, _NAME):
        for index in order:
            matches = list(pattern.finditer(paragraphs[index]))
            if not matches:
                continue
            match = rng.choice(matches)
            text = paragraphs[index]
            if pattern is _NUMBER:
                wrong = match.group()
                value = int(wrong)
                step = rng.choice((1, 1, 2, 10) if value < 5 else (1, -1, 2, -2, 10))
                right = str(value + step)
            else:
                right = match.group()
                wrong = _misspelt(right)
            first, fixed = [*paragraphs], [*paragraphs]
            first[index] = text[: match.start()] + wrong + text[match.end() :]
            fixed[index] = text[: match.start()] + right + text[match.end() :]
            where = f"au {ordinal(index + 1)} paragraphe"
            notice = rng.choice((
                f"(Rectifie : {right} et non {wrong}, {where})",
                f"(Rectifié : {right} et non {wrong}, {where})",
                f"(corrige {wrong} en {right} {where})",
                f"(RECTIFIE {where} : {right} et non {wrong})",
                f"(précise : {right} et non {wrong}, {where})",
            ))  # fmt: skip
            return first, fixed, notice
    return None


# --- families --------------------------------------------------------------------------


def _agency(rng: random.Random) -> str:
    names = [name for name, _ in PRIMARY_AGENCIES]
    return rng.choices(names, [w for _, w in PRIMARY_AGENCIES])[0]


def _titled(template: str, title: str) -> tuple[str, str]:
    raw = template.format(t=title)
    return raw, versions.read_markers(raw).title


def story_versions(
    article: SourceArticle, rng: random.Random, *, background: str = ""
) -> list[Draft]:
    """The wire versions of one article: a random subset, in the wire's order."""
    agency, place = _agency(rng), rng.choice(PLACES)
    headline = article.headline
    paragraphs = [list(p) for p in article.paragraphs]
    full = [" ".join(p) for p in paragraphs]
    if background:
        at = len(full) - rng.choice((0, 1)) if len(full) > 2 else len(full)
        full.insert(at, background)
    drafts: list[Draft] = []
    day = 0

    def add(role: str, kind: str, template: str, body: list[str], *, title=headline) -> Draft:
        raw, clean = _titled(template, title)
        drafts.append(Draft(role, kind, raw, body, day, agency, place, clean))
        return drafts[-1]

    has_alert = rng.random() < 0.7
    has_lead1 = rng.random() < 0.75 and len(paragraphs) > 2
    has_lead2 = rng.random() < 0.45 and len(paragraphs) > 2
    has_rewrite = rng.random() < (0.85 if not has_lead2 else 0.3)
    if not (has_lead1 or has_lead2 or has_rewrite):
        has_rewrite = True
    first = paragraphs[0][0]
    if has_alert:
        kind, template = rng.choice(ALERT_TITLES)
        sentence = reword(first, rng, 1) if rng.random() < 0.3 else first
        title = short_title(first, rng) if rng.random() < 0.25 else headline
        add(kind, kind, template, [sentence], title=title)
    if has_lead1:
        body = [" ".join(edit_sentences(p, rng, (0, 0, 1))) for p in paragraphs[:2]]
        if background and rng.random() < 0.3:
            body.append(background)
        add("lead1", versions.LEAD, rng.choice(LEAD_TITLES[1]), body)
    latest = drafts[-1] if drafts else None
    text = list(full)
    if has_lead2 or has_rewrite:
        text = [" ".join(edit_sentences([p], rng, (0,) * 9 + (1,))) for p in full]
        swappable = [i for i in range(1, len(text) - 1) if text[i] != background]
        if swappable and rng.random() < 0.7:
            at = rng.choice(swappable)
            text[at], text[at + 1] = text[at + 1], text[at]
        at = rng.randrange(len(text))
        text[at] = f"{text[at]} {rng.choice(ADDED_SENTENCES)}"
    if has_lead2:
        day = max(day, 1 if rng.random() < 0.35 else 0)
        latest = add("lead2", versions.LEAD, rng.choice(LEAD_TITLES[2]), list(text))
    if has_rewrite:
        if has_lead2:
            text = list(text)
            at = rng.randrange(1, len(text)) if len(text) > 1 else 0
            text.insert(at, rng.choice(ADDED_SENTENCES))
        day = max(day, 1 if rng.random() < 0.4 else 0)
        if not has_lead2 and rng.random() < 0.25:  # the full story under its plain headline
            latest = add("plain", versions.ORIGINAL, "{t}", list(text))
        else:
            latest = add("rewrite", versions.REWRITE, rng.choice(REWRITE_TITLES), list(text))
    if rng.random() < 0.45:
        source = rng.choice([a for a in REPRISE_AGENCIES if a != agency])
        kept = retell(paragraphs, rng, heavy=rng.random() < 0.4)
        roll = rng.random()
        if roll < 0.45:
            new_title = short_title(reword(first, rng, 1), rng)
        elif roll < 0.75 and " : " in headline:
            head, _, tail = headline.partition(" : ")
            new_title = f"{tail[:1].upper()}{tail[1:]} ({head})"
        else:
            new_title = reword(headline, rng, 1)
        if len(new_title.split()) < 3 or new_title == headline:
            new_title = f"{headline} : ce que l'on sait"
        day_before = day
        day = rng.choice((0, 1))
        where = place if rng.random() < 0.7 else rng.choice(PLACES)
        drafts.append(Draft("reprise", versions.ORIGINAL, new_title, kept, day, source, where))
        day = max(day, day_before)
    corrigible = [d for d in drafts if d.role in {"lead1", "lead2", "rewrite", "plain"}]
    if corrigible and rng.random() < 0.35:
        base = corrigible[-1]
        found = correct(base.paragraphs, rng)
        if found:
            base.paragraphs, body, notice = found
            day = min(2, max(day, base.day) + (1 if rng.random() < 0.3 else 0))
            raw = rng.choice(CORRECTION_TITLES).format(t=base.clean_title, notice=notice)
            drafts.append(Draft("correction", versions.CORRECTION, raw, body, day, agency, place))
    annullable = [d for d in drafts if d.source == agency and len(d.clean_title.split()) >= 3]
    if annullable and latest is not None and rng.random() < 0.15:
        base = latest if latest in annullable else annullable[-1]
        day = min(2, max(day, base.day) + (1 if rng.random() < 0.3 else 0))
        # The date is the annulment's own, known once the family is dated.
        body = rng.choice(ANNULMENT_BODIES).format(t=base.clean_title, date="{date}")
        raw = rng.choice(ANNULMENT_TITLES).format(t=base.clean_title)
        drafts.append(Draft("annulment", versions.ANNULMENT, raw, [body], day, agency, place))
    return drafts


def choose_background(article: SourceArticle, rng: random.Random) -> str:
    """A paragraph of context (not the lede) a later story can reuse."""
    candidates = [" ".join(p) for p in article.paragraphs[1:] if len(p) >= 2]
    return rng.choice(candidates[-3:]) if candidates else ""


def build_families(corpora: Path, seed: int) -> list[Family]:
    rng = random.Random(seed)
    wikinews = load_wikinews(corpora / "wikinews-fr")
    masakhane = load_masakhane(corpora / "masakhane-io__masakhane-news" / "data" / "fra", rng)
    rng.shuffle(wikinews)
    rng.shuffle(masakhane)
    families = [Family(a, "story") for a in wikinews[:WIKINEWS_STORIES]]
    families += [Family(a, "story") for a in masakhane[:MASAKHANE_STORIES]]
    spare = wikinews[WIKINEWS_STORIES:] + masakhane[MASAKHANE_STORIES:]
    parents = [f for f in families if len(f.article.paragraphs) >= 3]
    rng.shuffle(parents)
    for parent in parents:
        if sum(f.kind == "follow-up" for f in families) >= FOLLOW_UPS:
            break
        same_topic = [a for a in spare if a.topic == parent.article.topic]
        pool = same_topic or [a for a in spare if a.corpus == parent.article.corpus]
        background = choose_background(parent.article, rng)
        if not pool or not background:
            continue
        article = rng.choice(pool)
        spare.remove(article)
        families.append(Family(article, "follow-up", parent.article.key, background))
    _schedule(families, rng)
    for family in families:
        family.drafts = story_versions(family.article, rng, background=family.background)
    return families


def _schedule(families: list[Family], rng: random.Random) -> None:
    """Give each family its first day: one topic's stories a day or three apart."""
    by_topic: dict[str, list[Family]] = {}
    for family in families:
        if family.kind == "story":
            by_topic.setdefault(family.article.topic, []).append(family)
    for topic in sorted(by_topic):
        members = by_topic[topic]
        if len(members) > 6:  # a MasakhaNEWS category runs through the whole period
            step = SPAN_DAYS / len(members)
            offset = rng.random() * step
            for index, family in enumerate(members):
                family.first_day = min(SPAN_DAYS - 1, int(offset + index * step))
        else:  # a Wikinews subject: its articles on neighbouring days
            day = rng.randrange(SPAN_DAYS - 2 * len(members))
            for family in members:
                family.first_day = day
                day += rng.choice((0, 1, 1, 2))
    parents = {f.article.key: f for f in families}
    for family in families:
        if family.kind == "follow-up":
            family.first_day = parents[family.follows].first_day + rng.choice((1, 2))


# --- output ----------------------------------------------------------------------------


def date_words(day: datetime.date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def dispatch_text(case: dict) -> str:
    """The dispatch as a plain-text file: headline, blank line, dateline and body."""
    day = datetime.date.fromisoformat(case["date"])
    opener = f"{case['place']}, {date_words(day)} ({case['source']}) - "
    return f"{case['raw_title']}\n\n{opener}{case['body']}\n"


def _check(case: dict) -> None:
    """Fail unless the importer's parser reads the dispatch back exactly."""
    found = [
        (d.title, d.body, str(d.published), d.agency) for d in parse_dispatches(dispatch_text(case))
    ]
    if found != [(case["raw_title"], case["body"], case["date"], case["source"])]:
        raise ValueError(f"dispatch {case['id']} does not parse back: {case['raw_title']!r}")


def build_cases(*, corpora: Path = CORPORA, seed: int = SEED) -> dict:
    """Build the families and their dispatches, dated and numbered in the wire's order."""
    families = build_families(corpora, seed)
    rows = []
    for order, family in enumerate(families):
        for seq, draft in enumerate(family.drafts):
            day = FIRST_DAY + datetime.timedelta(days=family.first_day + draft.day)
            number = versions.read_markers(draft.raw_title).number or 0
            stage = versions.STAGE[draft.kind] + number
            rows.append(((day, stage, order, seq), family, draft, day))
    rows.sort(key=lambda row: row[0])
    dispatches = []
    for index, (_, family, draft, day) in enumerate(rows, start=1):
        body = draft.body.replace("{date}", date_words(day))
        case = {
            "id": index,
            "family": family.article.key,
            "source": draft.source,
            "date": day.isoformat(),
            "raw_title": draft.raw_title,
            "body": body,
            "kind_expected": draft.kind,
            "role": draft.role,
            "place": draft.place,
        }
        _check(case)
        dispatches.append(case)
    return {
        "about": "Labelled story families for articles.grouping, built by bench/story_cases.py",
        "text": ATTRIBUTION,
        "seed": seed,
        "families": [
            {
                "family": f.article.key,
                "type": f.kind,
                "follows": f.follows,
                "topic": f.article.topic,
                "origin": f.article.origin,
            }
            for f in sorted(families, key=lambda f: f.article.key)
        ],
        "dispatches": dispatches,
    }


def dumps(cases: dict) -> str:
    """JSON with one dispatch a line: small diffs, readable in review."""
    head = {k: v for k, v in cases.items() if k not in {"families", "dispatches"}}
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    for name in ("families", "dispatches"):
        lines.append(f'  "{name}": [')
        items = [json.dumps(item, ensure_ascii=False) for item in cases[name]]
        lines += [f"    {item}," for item in items[:-1]] + [f"    {items[-1]}"]
        lines.append("  ]," if name == "families" else "  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_cases(path: Path = CASES) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def file_name(case: dict) -> str:
    """The file of a dispatch, named by its id so that a folder imports in the wire's order."""
    return f"dispatch-{case['id']:05d}.txt"


def write_files(dispatches: list[dict], out_dir: Path) -> list[Path]:
    """Write one plain-text file per dispatch."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in dispatches:
        path = out_dir / file_name(case)
        path.write_text(dispatch_text(case), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.story_cases", description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument(
        "--out", type=Path, help=f"the JSON file to write (default {CASES}, unless --write-files)"
    )
    parser.add_argument(
        "--write-files", type=Path, metavar="DIR", help="write one plain-text file per dispatch"
    )
    args = parser.parse_args(argv)
    cases = build_cases(corpora=args.corpora, seed=args.seed)
    kinds = Counter(case["kind_expected"] for case in cases["dispatches"])
    print(
        f"{len(cases['families'])} families, {len(cases['dispatches'])} dispatches "
        f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
    )
    out = args.out or (None if args.write_files else CASES)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dumps(cases), encoding="utf-8")
        print(f"cases -> {out}")
    if args.write_files:
        paths = write_files(cases["dispatches"], args.write_files)
        print(f"{len(paths)} files -> {args.write_files}")


if __name__ == "__main__":
    main()
