"""Span-level cleaning: titles, elisions, dates, coordination and common words."""

from __future__ import annotations

import re

_DAYS_MONTHS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|fevrier|mars|avril"
    "|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
)
_ABBREVS = r"M|MM|Mmes?|Mlles?|Mgr|Me|Dr|Pr"
_TITLE_WORDS = (
    "monsieur|messieurs|madame|mesdames|mademoiselle|mesdemoiselles|docteur|professeur"
    "|ma[iî]tre|monseigneur"
)
_LEAD_JUNK = re.compile(r"[\W_]+")  # punctuation, quotes, stray spaces
_LEAD_ELISION = re.compile(r"(?:[ld]|qu|jusqu|lorsqu|puisqu|L|Qu)['’ʼ]")  # l'OTAN, L'EI
# Ranks and religious or royal titles, lowercase in French: "le général de Gaulle".
_RANKS = (
    "général|colonel|capitaine|commandant|lieutenant|maréchal|amiral|roi|reine|prince"
    "|princesse|pape|cardinal|cheikh|émir|imam|ayatollah|rabbin|abbé"
)
_LEAD_TITLE = re.compile(
    rf"(?:M\.|MM\.|(?:Mmes?|Mlles?|Mgr|Me|Dr|Pr)\.?|(?i:{_TITLE_WORDS})|{_RANKS})(?=\s)"
)
# Offices; unlike ranks they take a complement that makes them a job, not a name.
_LEAD_ROLE = re.compile(
    r"(?:(?i:(?:vice-)?pr[ée]sidente?|(?:premi(?:er|ère)\s+)?ministre)|chancelière?"
    r"|porte-parole|secrétaire\s+générale?|maire|députée?|sénat(?:eur|rice)|gouverneur"
    r"|ambassad(?:eur|rice)|juge)(?=\s)"
)
# Lowercase articles/prepositions never start a name ("la France", "en Russie") ...
_LEAD_FUNCTION = re.compile(
    r"(?:le|la|les|un|une|au|aux|ce|cet|cette|ces|de|du|des|à|en|dans|sur|sous|par|pour"
    r"|avec|chez|vers|entre|et|ou)\s+"
)
_PARTICLES = frozenset({"de", "du", "des"})  # ... except particles of a surname ("de Gaulle")
_COMPLEMENT = re.compile(r"(?:de|du|des|d['’]|la|le|les|l['’]|à|au|aux|en|pour|chargée?)\b")
_LOWER_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_TRAIL_JUNK = re.compile(r"[\W_]+$")
_TRAIL_DATE = re.compile(
    rf"(?:\s+(?:\d{{1,2}}(?:er)?\s+)?(?:{_DAYS_MONTHS})(?:\s+\d{{1,4}})?"
    r"(?:\s+(?:matin|soir|midi|après-midi|dernier|prochain))?)+$"
)
_SPLIT_ALWAYS = re.compile(r"\s*\n\s*")  # a name never crosses a line break
_SPLIT_COORDINATION = re.compile(r"\s*\n\s*|\s*,\s*|\s+et\s+|\s+[-–—]\s+")  # "Hushpuppi - est"
_ONLY_TITLE = re.compile(
    rf"(?:{_ABBREVS})\.?|(?i:{_TITLE_WORDS}|(?:vice-)?pr[ée]sidente?|(?:premi(?:er|ère) )?ministre)"
)
_ABBREV_BEFORE_DOT = re.compile(rf"(?:\b[A-Z]|\b(?:{_ABBREVS}))\.$")  # initials, titles

# Capitalised only because they open a sentence: function words, frequent adverbs,
# spelled-out numbers and imperative/1st-plural verbs common in quoted speech.
_SENTENCE_INITIAL_WORDS = frozenset({
    "ce", "cet", "cette", "ces", "un", "une", "mon", "ma", "mes", "ton", "ta", "tes",
    "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "quelques",
    "plusieurs", "chaque", "tout", "toute", "tous", "toutes", "aucun", "aucune",
    "certains", "certaines", "je", "tu", "il", "elle", "on", "nous", "vous", "ils",
    "elles", "celui", "celle", "ceux", "celles", "ceci", "cela", "ça", "qui", "que",
    "quoi", "mais", "et", "ou", "donc", "or", "ni", "car", "si", "ainsi", "alors", "aussi",
    "pourtant", "cependant", "toutefois", "néanmoins", "enfin", "ensuite", "puis",
    "depuis", "pendant", "selon", "sans", "dans", "avec", "pour", "par", "sur", "sous",
    "entre", "vers", "chez", "contre", "après", "avant", "malgré", "afin", "lors", "dès",
    "hier", "demain", "désormais", "outre", "parmi", "près", "face", "déjà", "encore",
    "surtout", "notamment", "seulement", "même", "comme", "quand", "lorsque", "puisque",
    "tandis", "parfois", "souvent", "toujours", "jamais", "ici", "voici", "voilà", "oui",
    "non", "merci", "bravo", "attention", "deux", "trois", "quatre", "cinq", "six", "sept",
    "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
    "vingt", "trente", "quarante", "cinquante", "soixante", "cent", "mille", "prouvez",
    "sachez", "notons", "rappelons", "soyons", "ayons", "allons", "faisons", "combattons",
    "disons", "voyons", "imaginons", "écoutez", "regardez", "laissez", "arrêtez", "venez",
    "aidez",
})  # fmt: skip
_VERB_ENDING = re.compile(r"\w{3,}(?:ez|ons|és|ées)")  # 2nd/1st plural, plural participle
_ENCLITIC = re.compile(r"\w+-(?:y|en|le|la|les|lui|leur|moi|toi|nous|vous)")  # "Allons-y"
_AUXILIARY = frozenset({"a", "est", "ont", "sont", "était", "avait", "sera", "fut", "va", "vont"})


def _is_sentence_start(t: str, pos: int) -> bool:
    """Tell whether pos opens a sentence, quote or line (no parser in the pipeline)."""
    i = pos
    while i > 0 and (t[i - 1].isspace() or t[i - 1] in '«“"‘([—–-'):
        if t[i - 1] in '«“"‘\n':
            return True
        i -= 1
    if i == 0:
        return True
    if t[i - 1] == "." and _ABBREV_BEFORE_DOT.search(t, max(0, i - 5), i):
        return False  # "M. Dupont": the dot ends a title, not a sentence
    return t[i - 1] in ".!?…:;"


def _common_opener(t: str, s: int, e: int, label: str) -> int:
    """Return the length of the span's first word if it is a sentence-initial common word."""
    word = t[s:e].split(maxsplit=1)[0]
    if not _is_sentence_start(t, s):
        return 0
    if word.lower() in _SENTENCE_INITIAL_WORDS or _ENCLITIC.fullmatch(word):
        return len(word)
    # A verb-like ending followed by a lowercase non-auxiliary is "Prouvez seulement",
    # not "Rodez a voté"; people are exempt (Spanish surnames end in -ez: "Sanchez").
    nxt = re.match(r"\s+(\w+)", t[s + len(word) : s + len(word) + 40])
    if (
        label != "PER"
        and _VERB_ENDING.fullmatch(word)
        and nxt
        and nxt.group(1)[0].islower()
        and nxt.group(1) not in _AUXILIARY
    ):
        return len(word)
    return 0


def _trim(t: str, s: int, e: int, label: str) -> tuple[int, int, bool] | None:
    """Strip edges of t[s:e]; return the new bounds and whether a title preceded the name."""
    titled, changed = False, True
    while changed and s < e:
        changed = False
        for pattern in (_LEAD_JUNK, _LEAD_ELISION, _LEAD_TITLE, _LEAD_FUNCTION):
            m = pattern.match(t, s, e)
            if m and not (
                pattern is _LEAD_FUNCTION and label == "PER" and m[0].strip() in _PARTICLES
            ):
                titled |= pattern is _LEAD_TITLE
                s, changed = m.end(), True
        if m := _LEAD_ROLE.match(t, s, e):
            # "président turc Recep Tayyip": skip the role and its adjectives; a role
            # followed by a complement ("ministre de l'Intérieur") is a job, not a name.
            s, titled, changed = m.end(), True, True
            while (w := _LOWER_WORD.match(t, s, e)) and w[1][0].islower():
                if _COMPLEMENT.match(w[1]):
                    return None
                s = w.end()
        for pattern in (_TRAIL_JUNK, _TRAIL_DATE):
            if m := pattern.search(t, s, e):
                e, changed = m.start(), True
    return (s, e, titled) if s < e else None


def _is_entity_like(surface: str) -> bool:
    """Tell whether a trimmed surface can be a name at all."""
    return (
        len(surface) >= 2
        and any(c.isupper() for c in surface)
        and not _ONLY_TITLE.fullmatch(surface)
    )


def _split(t: str, s: int, e: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Return the pieces of t[s:e] between separator matches."""
    bounds = [s, *(x for m in separator.finditer(t, s, e) for x in m.span()), e]
    return list(zip(bounds[::2], bounds[1::2], strict=True))


# "La Chine" opening a sentence is "la Chine"; these places keep their article.
_ARTICLE_PLACE = re.compile(r"(?:La|Le|Les)\s+(?=[A-ZÀ-Ý])")
_PLACES_WITH_ARTICLE = frozenset({
    "la haye", "le havre", "le mans", "la paz", "le cap", "la mecque", "le caire",
    "la havane", "la valette", "la rochelle", "le puy", "la réunion", "le creusot",
    "la plata", "les sables-d'olonne", "le touquet", "la baule", "le lamentin",
})  # fmt: skip


def _sentence_article(t: str, s: int, e: int) -> int:
    """Return the length of a capitalised article opening a sentence before a place."""
    m = _ARTICLE_PLACE.match(t, s, e)
    if m and _is_sentence_start(t, s) and t[s:e].lower() not in _PLACES_WITH_ARTICLE:
        return m.end() - s
    return 0


# Lowercase parts a place's compound name may have (Châlons-en-Champagne, Aix-les-Bains).
_COMPOUND_PARTICLES = frozenset({
    "de", "du", "des", "d", "l", "en", "le", "la", "les", "lès", "lez", "sur", "sous", "aux",
    "au", "et", "à", "y", "el", "al", "ben", "bin", "ibn", "von", "van", "der", "di", "da",
})  # fmt: skip
_PERSON_PARTICLES = frozenset({
    "de", "du", "des", "d", "van", "von", "der", "den", "ben", "bin", "ibn", "el", "al", "di",
    "da", "dos", "das", "del", "la", "le",
})  # fmt: skip


def _has_common_part(surface: str) -> bool:
    """Tell whether a compound has a common word for a part ("Etat-clé", "Hushpuppi-est")."""
    parts = re.split(r"[-‐‑]", surface)
    return len(parts) > 1 and any(
        p and p[0].islower() and p.lower().rstrip("'’") not in _COMPOUND_PARTICLES
        for p in parts[1:]
    )


def _person_start(t: str, s: int, e: int) -> int:
    """Skip lowercase words leading a person's span ("affaire Merah"), not particles."""
    while (m := re.match(r"([^\W\d_][\w'’]*)\s+", t[s:e])) and m[1][0].islower():
        if m[1].lower() in _PERSON_PARTICLES:
            break
        s += m.end()
    return s


def _clean_one(t: str, s: int, e: int, label: str) -> list[tuple[int, int, str]]:
    """Clean one model span; it may vanish or split into several."""
    pieces = _split(t, s, e, _SPLIT_ALWAYS)
    # Coordinated people/places are split ("Erdogan et Poutine"), not "Arts et Métiers".
    if label in ("PER", "LOC"):
        names = _split(t, s, e, _SPLIT_COORDINATION)
        if all(any(c.isupper() for c in t[a:b]) for a, b in names):
            pieces = names
    out = []
    for a, b in pieces:
        trimmed = _trim(t, a, b, label)
        if trimmed and (cut := _common_opener(t, trimmed[0], trimmed[1], label)):
            trimmed = _trim(t, trimmed[0] + cut, trimmed[1], label)
        if trimmed and label == "LOC" and (cut := _sentence_article(t, *trimmed[:2])):
            trimmed = (trimmed[0] + cut, trimmed[1], trimmed[2])
        if trimmed and label == "PER":
            trimmed = (_person_start(t, trimmed[0], trimmed[1]), trimmed[1], trimmed[2])
        if trimmed and label in ("PER", "LOC") and _has_common_part(t[trimmed[0] : trimmed[1]]):
            continue
        if trimmed and _is_entity_like(t[trimmed[0] : trimmed[1]]):
            # A name right after a personal title or role is a person's.
            out.append((trimmed[0], trimmed[1], "PER" if trimmed[2] else label))
    return out
