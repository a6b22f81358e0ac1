"""Rules that keep spans true to the text: compounds, diseases, common words, acronyms."""

from __future__ import annotations

import re
from functools import cache

from articles.ner.forms import normalize_form

# Lowercase prefixes glued to a name: "anti-Daech", "pro-Poutine", "ex-URSS".
_PREFIXES = frozenset({
    "anti", "pro", "ex", "post", "pré", "pre", "néo", "neo", "pan", "non", "ultra", "super",
    "mini", "contre", "trans", "extra", "inter", "intra", "multi", "hyper", "sous", "vice",
    "quasi", "semi", "mi", "euro", "afro", "franco", "germano", "anglo", "sino", "russo",
    "israélo", "américano", "irako", "syro", "indo", "austro", "hispano", "italo", "turco",
})  # fmt: skip
_COMPOUND_JOINT = "-/‐‑"
_WORD_CHAR = re.compile(r"[\w\u0300-\u036f]")

# Diseases and viruses: never a person or a place, whatever the capital says.
_DISEASES = frozenset(
    normalize_form(name)
    for name in (
        "Covid", "Covid-19", "Covid19", "Sars", "Sars-CoV-2", "SARS-CoV-2", "Sras", "Mers",
        "Mers-CoV", "Ebola", "Zika", "VIH", "Sida", "H1N1", "H5N1", "H7N9", "Omicron",
        "Marburg", "Lassa", "Chikungunya", "Dengue", "Mpox", "Monkeypox", "Variole",
        "Choléra", "Paludisme", "Coronavirus", "Alzheimer", "Parkinson", "Nipah",
    )
)  # fmt: skip
_DISEASE_PREFIX = re.compile(r"(?i)(?:covid|sars|mers|h\dn\d)\b")

# Acronyms that name a place: they keep their label.
PLACE_ACRONYMS = frozenset({
    "RDC", "RCA", "USA", "US", "UK", "EAU", "URSS", "RDA", "RFA", "DOM", "TOM", "DOM-TOM",
    "RAS", "NY", "LA", "UAE", "PACA", "IDF",
})  # fmt: skip
_ACRONYM = re.compile(r"[A-ZÀ-Ý][A-ZÀ-Ý&]{1,7}")
# Acronyms of common nouns, units and events: no organisation.
_COMMON_ACRONYMS = frozenset({
    "AVC", "USB", "UTC", "GMT", "FCFA", "CFA", "PIB", "TVA", "ADN", "ARN", "VIH", "SIDA",
    "SMS", "PDG", "CEO", "OGM", "HLM", "SUV", "GPS", "PC", "TV", "DVD", "CD", "QR", "PME",
    "ONG", "JO", "CV", "USD", "EUR", "KM", "IVG", "PMA", "TGV", "RER", "BTP", "CDD", "CDI",
    "SMIC", "RSA", "IRM", "SAMU", "COVID", "OK", "VIP", "WC", "BD", "QG", "HT", "TTC", "UV",
    "NFT", "GPL", "TOC", "CAN", "CHAN",
})  # fmt: skip
# Words that make a name a company, a club, a foundation or a publication.
_CORPORATE_WORDS = frozenset({
    "consulting", "limited", "ltd", "inc", "corp", "corporation", "group", "holding",
    "holdings", "technologies", "technology", "foundation", "institute", "journal", "bank",
    "airlines", "airways", "motors", "pharma", "media", "news", "times", "post", "fc", "ac",
    "united", "sporting", "racing", "steel", "energy",
    "industries", "systems", "securities", "company", "university", "college", "council",
    "committee", "association", "agency", "party", "league", "club", "sa", "sarl", "gmbh",
    "fm", "tv", "radio",
})  # fmt: skip


def _word_before(t: str, s: int) -> str:
    i = s - 1
    while i > 0 and _WORD_CHAR.match(t[i - 1]):
        i -= 1
    return t[i : s - 1]


def compound_bounds(t: str, s: int, e: int) -> tuple[int, int]:
    """Widen t[s:e] to the whole hyphenated or slashed compound it is cut from."""
    while s > 1 and t[s - 1] in _COMPOUND_JOINT and _WORD_CHAR.match(t[s - 2]):
        prefix = _word_before(t, s)
        if prefix.lower() in _PREFIXES and prefix.islower():
            break  # "anti-Daech": the name is Daech
        s -= len(prefix) + 1
    while e + 1 < len(t) and t[e] in _COMPOUND_JOINT and _WORD_CHAR.match(t[e + 1]):
        m = re.match(r"[\w\u0300-\u036f]+", t[e + 1 :])
        e += 1 + m.end()
    return s, e


def is_disease(surface: str) -> bool:
    """Tell whether surface names a disease or a virus (Covid-19, Ebola, Sars-CoV-2)."""
    return normalize_form(surface) in _DISEASES or bool(_DISEASE_PREFIX.match(surface))


def is_acronym(surface: str) -> bool:
    """Tell whether surface is an acronym in capitals that does not name a place."""
    return (
        bool(_ACRONYM.fullmatch(surface))
        and surface not in PLACE_ACRONYMS
        and surface not in _COMMON_ACRONYMS
    )


def is_common_acronym(surface: str) -> bool:
    """Tell whether surface is the acronym of a common noun, a unit or an event (AVC, FCFA)."""
    return surface.upper() == surface and surface in _COMMON_ACRONYMS


_CLUB_PREFIXES = frozenset({"fc", "ac", "as", "sc", "dc", "cf", "us", "tp", "js", "asec"})
# Competitions and events are no organisations (« Ligue des champions », « Coupe d'Afrique »).
_EVENT = re.compile(
    r"(?i)(?:ligue\s+des\s+champions|ligue\s+europa|ligue\s+\d|premier\s+league|coupe\s"
    r"|championnat|jeux\s+olympiques|mondial\b)"
)
_EVENT_BEFORE = re.compile(
    r"(?i)\b(?:coupe|ligue|championnat|tournoi)\s+(?:d['’]|du\s|de\s|des\s)$"
)


def is_corporate(words: list[str]) -> bool:
    """Tell whether a name of several words has a company's or club's word (ES Pro Consulting)."""
    if len(words) < 2:
        return False
    if words[0].lower() in _CLUB_PREFIXES and words[1][0].isupper():
        return True  # "AS Saint-Étienne", "DC Motema Pembe"
    return any(w.lower().rstrip(".") in _CORPORATE_WORDS and w[0].isupper() for w in words)


def is_event(t: str, s: int, e: int) -> bool:
    """Tell whether t[s:e] names a competition, or sits inside one's name."""
    return bool(_EVENT.match(t, s, e)) or bool(_EVENT_BEFORE.search(t, max(0, s - 20), s))


@cache
def _ranks() -> dict[str, int]:
    """Rank the model's 100,000 most frequent words (the vectors table lists them in order)."""
    from itertools import islice

    from articles.ner import get_nlp

    vocab = get_nlp().vocab
    strings = vocab.strings
    return {strings[key]: rank for rank, key in enumerate(islice(vocab.vectors.key2row, 100_000))}


def is_common_word(word: str) -> bool:
    """Tell whether a capitalised word is more often written in lowercase (Directeur, Selon)."""
    ranks = _ranks()
    lower = ranks.get(word.lower())
    return lower is not None and lower < ranks.get(word, len(ranks))
