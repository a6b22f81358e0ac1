"""Organisations named by an institution noun, taken whole, and institutions named by their seat.

« Union des associations de parents, d'élèves et d'enseignants » is one organisation: a
capitalised institution noun (the head), its adjectives, and the complements that follow
(« de … », « pour le … », enumerations with commas and « et »). The model stops at the
first comma or misses the end; this rule reads the complements without a parser.

« l'Élysée a annoncé » is the presidency (ORG), « reçu à l'Élysée » the palace (LOC): a
seat is an organisation when a verb of speech or decision (or « selon ») sits next to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from articles.ner.forms import normalize_form

INSTITUTION_HEADS = frozenset({
    "académie", "agence", "alliance", "amicale", "armée", "assemblée", "association",
    "autorité", "banque", "brigade", "bureau", "caisse", "centre", "chambre", "club",
    "coalition", "collectif", "collège", "comité", "commissariat", "commission",
    "communauté", "compagnie", "confédération", "congrès", "conseil", "conservatoire",
    "coordination", "cour", "diète", "direction", "école", "entreprise", "fédération",
    "fondation", "fonds", "front", "gendarmerie", "groupe", "harmonie", "haut-commissariat",
    "hôpital", "inspection", "institut", "laboratoire", "ligue", "lycée", "ministère",
    "mission", "mouvement", "musée", "observatoire", "office", "orchestre", "organisation",
    "parlement", "parti", "programme", "rassemblement", "régie", "secrétariat", "sénat",
    "service", "société", "syndicat", "tribunal", "union", "université",
})  # fmt: skip
# Alone, these name one organisation ("le Sénat a voté"); the others need a complement.
_ALONE = frozenset({"sénat", "assemblée", "congrès", "parlement"})
# French typography writes « université de Caen »: the head is lowercase, the name follows.
_LOWERCASE_HEADS = frozenset({"université"})
_PREFIXES = frozenset({"haut", "haute", "grand", "grande", "nouveau", "nouvelle"})
_ADJECTIVES = frozenset({
    "arabe", "allemand", "allemande", "belge", "civil", "civile", "espagnol", "espagnole",
    "grec", "grecque", "haut", "haute", "grand", "grande", "indépendant", "indépendante",
    "kurde", "libre", "mixte", "musulman", "musulmane", "nouveau", "nouvelle", "permanent",
    "permanente", "privé", "privée", "public", "russe", "suisse", "suprême", "turc",
    "turque", "unies", "unis", "uni", "unie", "démocrate", "autonome", "rouge", "verte",
    "vert", "islamique",
})  # fmt: skip
_ADJECTIVE_ENDING = re.compile(
    r"[a-zà-ÿ]{2,}(?:al|ale|ales|aux|el|elle|els|elles|ien|ienne|iens|iennes|ique|iques"
    r"|aire|aires|oire|oires|ais|aise|aises|ois|oise|oises|ain|aine|ains|aines|if|ive|ifs"
    r"|ives|ieur|ieure|ieurs|ieures|iste|istes|ier|ière|iers|ières|eux|euse|euses|ial|iale"
    r"|éen|éenne|éens|éennes)"
)
_NOT_ADJECTIVES = frozenset({
    "mais", "jamais", "désormais", "demain", "lendemain", "certain", "certaine", "certains",
    "certaines", "prochain", "prochaine", "soudain", "leur", "leurs", "plusieurs", "tel",
    "telle", "tels", "telles", "quel", "quelle", "quels", "quelles", "lequel", "laquelle",
    "auquel", "duquel", "deux", "ceux", "eux", "mieux", "ailleurs", "hier", "premier",
    "première", "dernier", "dernière", "entier", "entière", "ainsi", "aussi", "actuel",
    "actuelle", "main", "pain", "jeudi", "lundi", "mardi", "mercredi", "vendredi", "samedi",
    "dimanche", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre", "fois", "mois", "vers", "lors", "dont",
    "avait", "était", "serait", "aurait", "ait", "soit", "fait", "dit", "doit", "peut",
    "veut", "vaut", "ont", "sont", "font", "vont", "est", "sera", "seront",
})  # fmt: skip
# Words a complement never is: determiners, pronouns, dates, auxiliaries.
_NOT_NOUNS = _NOT_ADJECTIVES | frozenset({
    "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "vos", "mon", "ma",
    "mes", "ce", "cet", "cette", "ces", "un", "une", "qui", "que", "quoi", "même", "tout",
    "toute", "tous", "toutes", "a", "ne", "n", "y", "en", "se", "il", "elle", "ils", "elles",
    "on", "nous", "vous", "cela", "ça", "là", "ici", "plus", "moins", "très", "peu",
    "faire", "être", "avoir", "selon", "année", "années", "an", "ans", "semaine", "jour",
    "jours", "matin", "soir", "côté", "part", "sorte", "manière", "façon", "nombreux",
    "nombreuses", "autres", "autre", "certains", "certaines", "plupart",
})  # fmt: skip
_ARTICLES = ("la", "le", "les", "l'", "l’")
_LINKS = ("de", "du", "des", "d'", "d’", "pour", "sur", "contre")
_LOWER_LINKS = ("à", "au", "aux")  # only before a common noun: « réponse aux pandémies »
# « au début de », « au sein de »: a time or a place in the sentence, not a complement.
_NOT_LOWER_OBJECTS = frozenset({
    "début", "cours", "moment", "sein", "lendemain", "côtés", "côté", "terme", "total",
    "printemps", "été", "automne", "hiver", "départ", "final", "niveau", "lieu", "titre",
    "nom", "profit", "pouvoir", "mois", "dernier", "premier", "moins", "plus", "propos",
    "sujet", "point", "bout", "milieu", "fil", "travers", "delà", "long", "vu",
})  # fmt: skip
# Places named like institutions.
PLACES_LIKE_INSTITUTIONS = frozenset({"union soviétique", "union indienne"})
_TOKEN = re.compile(r"(?:[dlDL]|[Qq]u)['’]|[^\W\d_][\w'’-]*|\d+|,|[^\s\w]")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")


def _tokens(t: str, start: int, stop: int) -> list[_Token]:
    """Tokenise t[start:stop], up to the end of the line."""
    line_end = t.find("\n", start, stop)
    end = stop if line_end < 0 else line_end
    return [_Token(m[0], m.start(), m.end()) for m in _TOKEN.finditer(t, start, end)]


def _capitalised(token: _Token) -> bool:
    return token.text[0].isupper()


def _is_adjective(token: _Token) -> bool:
    word = token.lower
    if word in _NOT_ADJECTIVES or not token.text[0].islower() or word.endswith("ment"):
        return False
    last = word.rsplit("-", 1)[-1]  # "ouest-africaine"
    return word in _ADJECTIVES or last in _ADJECTIVES or bool(_ADJECTIVE_ENDING.fullmatch(last))


def _is_noun(token: _Token) -> bool:
    if not token.text[0].isalpha() or "'" in token.lower:
        return False
    return _capitalised(token) or token.lower not in _NOT_NOUNS


def _modifiers(tokens: list[_Token], i: int, *, names: bool) -> int:
    """Skip adjectives (and capitalised words when names is true); return the next index."""
    while i < len(tokens) and (_is_adjective(tokens[i]) or (names and _is_name(tokens[i]))):
        i += 1
    return i


def _is_name(token: _Token) -> bool:
    """A capitalised word or a numeral in capitals ("Bordeaux II"), not an elided article."""
    return (
        _capitalised(token)
        and len(token.text) > 1  # "Groupe B" is a pool of a tournament
        and "'" not in token.lower
        and token.lower not in _ARTICLES
    )


def _complement(tokens: list[_Token], i: int) -> int | None:
    """Parse « de (la) noun adjectives… » at i; return the index after it, or None."""
    if i >= len(tokens):
        return None
    link = tokens[i].lower
    if link not in _LINKS:
        return None
    j = i + 1
    if (
        link in ("de", "pour", "sur", "contre", "à")
        and j < len(tokens)
        and tokens[j].lower in _ARTICLES
    ):
        j += 1
    if j >= len(tokens) or not _is_noun(tokens[j]):
        return None
    if link in _LOWER_LINKS and (
        not tokens[j].text[0].islower() or tokens[j].lower in _NOT_LOWER_OBJECTS
    ):
        return None  # « la Banque mondiale à Washington », « l'OMS au début de »
    return _modifiers(tokens, j + 1, names=_capitalised(tokens[j]))


def _coordinated(tokens: list[_Token], i: int) -> int | None:
    """Parse « la noun adjectives… » after « et »; return the index after it, or None."""
    if i + 1 < len(tokens) and tokens[i].lower in _ARTICLES and _is_noun(tokens[i + 1]):
        return _modifiers(tokens, i + 2, names=_capitalised(tokens[i + 1]))
    return None


def institution_end(t: str, head_start: int, head_end: int, limit: int = 200) -> int:
    """Return where the name headed by t[head_start:head_end] ends."""
    tokens = _tokens(t, head_end, min(len(t), head_end + limit))
    i = _modifiers(tokens, 0, names=True)
    end = tokens[i - 1].end if i else head_end
    rollback: int | None = None  # end before an enumeration's comma, until its « et » comes
    complements = 0
    while i < len(tokens):
        word = tokens[i].lower
        if word == "et":
            if i + 1 < len(tokens) and _is_adjective(tokens[i + 1]):
                i = _modifiers(tokens, i + 1, names=False)
            elif complements and (after := _complement(tokens, i + 1)) is not None:
                i, rollback = after, None  # "de la Meuse et de la Moselle"
            elif complements and (after := _coordinated(tokens, i + 1)) is not None:
                i, rollback = after, None  # "pour la préparation et la réponse"
            else:
                break
        elif word == ",":
            # "de parents, d'élèves et d'enseignants": common nouns, closed by « et ».
            if i + 1 >= len(tokens) or tokens[i + 1].lower not in ("de", "d'", "du", "des"):
                break
            after = _complement(tokens, i + 1)
            if after is None or not tokens[after - 1].text[0].islower():
                break
            rollback = end if rollback is None else rollback
            i = after
        elif (after := _complement(tokens, i)) is not None:
            i, complements = after, complements + 1
        else:
            break
        end = tokens[i - 1].end
    return end if rollback is None else rollback


# The heads themselves, found by the regex engine rather than word by word.
_HEAD_RE = re.compile(
    r"(?<![\w-])(?i:"
    + "|".join(sorted(map(re.escape, INSTITUTION_HEADS), key=len, reverse=True))
    + r")(?![\w-])"
)


@dataclass(frozen=True)
class Institution:
    start: int
    end: int


def find_institutions(
    t: str, *, sentence_start: Callable[[str, int], bool]
) -> Iterator[Institution]:
    """Yield the institution names of t, headed by a capitalised institution noun."""
    for m in _HEAD_RE.finditer(t):
        word = m[0]
        lower = word.lower()
        if lower not in INSTITUTION_HEADS:
            continue
        lowercase = word[0].islower()
        if lowercase and lower not in _LOWERCASE_HEADS:
            continue
        end = institution_end(t, m.start(), m.end())
        if t[m.start() : end].lower() in PLACES_LIKE_INSTITUTIONS:
            continue
        if lowercase and not any(c.isupper() for c in t[m.end() : end]):
            continue
        start = m.start()
        before = re.search(r"([^\W\d_]+)\s+$", t[max(0, start - 20) : start])
        if before and before[1].lower() in _PREFIXES and before[1][0].isupper():
            start -= len(before[0])
        if end == m.end():
            if lower not in _ALONE or sentence_start(t, start):
                continue
        elif (
            sentence_start(t, start)
            and not any(c.isupper() for c in t[m.end() : end])
            and not _is_adjective(_tokens(t, m.end(), end)[0])
        ):
            continue  # "Groupe de manifestants": a common noun opening a sentence
        yield Institution(start, end)


# --- seats --------------------------------------------------------------------------

SEATS = {
    normalize_form(name): name
    for name in (
        "Élysée",
        "Matignon",
        "Kremlin",
        "Maison-Blanche",
        "Quai d'Orsay",
        "Pentagone",
        "Bercy",
        "Beauvau",
        "Downing Street",
    )
}  # folded form -> the name its entity takes
_SEAT_RE = re.compile(
    r"(?<![\w-])(?:[ÉE]lys[ée]e|Matignon|Kremlin|Maison[- ]Blanche|Quai d['’]Orsay|Pentagone"
    r"|Bercy|Beauvau|Downing Street)(?![\w-])"
)
# The building, not the institution: after a preposition of place or a verb of going.
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:à|au|aux|dans|sur|devant|vers|depuis|jusqu['’]à|jusqu['’]au|près\s+d[eu]|hors\s+d[eu]"
    r"|descendu\s+du|quitt\w*|visit\w*|rejoin\w*|rejoint|entr[ée]\w*|gagn\w*|arriv\w*"
    r"|retour\s+à|retour\s+au)\s+)(?:l['’]|le\s+|la\s+)?$",
    re.IGNORECASE,
)


def seats(t: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, label) for each seat of power named in t: ORG when it acts, speaks,
    decides or owns (« le Kremlin a nié », « le porte-parole du Kremlin »), LOC as the
    building after a preposition of place (« reçu à l'Élysée », « au Kremlin, on pensait »)."""
    for m in _SEAT_RE.finditer(t):
        before = t[max(0, m.start() - 40) : m.start()]
        yield m.start(), m.end(), "LOC" if _PLACE_BEFORE.search(before) else "ORG"
