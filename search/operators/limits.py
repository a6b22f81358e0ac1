"""The operators' limits, checked on the query's text before any engine sees it."""

import re

from search.analysis import fold

MIN_PREFIX = 2
MAX_EXPANSIONS = 1000
# OpenSearch's interval rules stop at 128 terms (Lucene's default): inside NEAR, both do.
MAX_NEAR_EXPANSIONS = 128
MAX_SCANNED_TERMS = 50_000
MAX_PATTERNS = 5
MAX_DISTANCE = 50
MAX_FUZZINESS = 2
MAX_PATTERN_CHARS = 40
MAX_STARS = 3
HELP = "(voir « Syntaxe »)"
_QUOTED = re.compile(r'"[^"]*"(~\S*)?')
PATTERN = re.compile(r'(?:(?<=[\s(:])|^)(?P<text>[^\s()":~]*[*?][^\s()":~]*)(?=[\s()~]|$)')
FUZZY = re.compile(r'(?:(?<=[\s(:])|^)(?P<text>[^\s()":~]+)~(?P<distance>[^\s()]*)(?=[\s()]|$)')
ELISION = re.compile(r"^[^\W\d_]{1,5}['’]")
PATTERN_CHARS = re.compile(r"[^\W_]|[*?]")


class QuerySyntaxError(ValueError):
    """A query the parser would misread; the message says how to fix it."""


def parse_distance(raw: str, example: str) -> int:
    if not raw.isdigit() or int(raw) > MAX_DISTANCE:
        raise QuerySyntaxError(
            f"Une distance de proximité est un nombre de 0 à {MAX_DISTANCE} mots, "
            f"par exemple {example} {HELP}."
        )
    return int(raw)


def folded_pattern(typed: str) -> str:
    """Check a typed pattern (médec*, m?decin) and return it folded: "medec*"."""
    text = ELISION.sub("", typed)
    if not all(PATTERN_CHARS.fullmatch(c) for c in text):
        raise QuerySyntaxError(
            f"« {typed} » : une troncature porte sur un seul mot, fait de lettres et de "
            f"chiffres (ni tiret, ni apostrophe au milieu) {HELP}."
        )
    pattern = re.sub(r"\*+", "*", fold(text))
    fixed = re.split(r"[*?]", pattern, maxsplit=1)[0]
    if not fixed:
        raise QuerySyntaxError(
            f"« {typed} » : une troncature ne commence pas par * ou ? ; écrivez le début du "
            f"mot, par exemple médec* {HELP}."
        )
    # Without *, a pattern stands for words of its own length: m?decin is narrow enough.
    letters = len(pattern) - pattern.count("?") if "*" not in pattern else len(fixed)
    if letters < MIN_PREFIX:
        raise QuerySyntaxError(
            f"« {typed} » est trop large : écrivez au moins {MIN_PREFIX} lettres avant * "
            f"ou ?, par exemple médec* {HELP}."
        )
    if len(pattern) > MAX_PATTERN_CHARS or pattern.count("*") > MAX_STARS:
        raise QuerySyntaxError(
            f"« {typed[:50]} » est trop long : {MAX_PATTERN_CHARS} caractères et "
            f"{MAX_STARS} étoiles au plus par mot tronqué {HELP}."
        )
    return pattern


def has_word(text: str) -> bool:
    # Signs alone ("*", "?*") are no pattern: the query has no word, and is told so.
    return re.search(r"[^\W_]", text) is not None


def fuzziness(raw: str, word: str) -> int:
    """The edit distance of word~, word~1 or word~2."""
    if raw == "":
        return 1
    if raw not in {str(n) for n in range(1, MAX_FUZZINESS + 1)}:
        raise QuerySyntaxError(
            f"« {word}~{raw[:10]} » : une recherche approchée s'écrit mot~, mot~1 ou mot~2 "
            f"(1 ou 2 lettres d'écart) {HELP}."
        )
    return int(raw)


def check_operators(text: str) -> None:
    """Raise QuerySyntaxError for an operator the engines would refuse or misread."""
    for match in _QUOTED.finditer(text):
        if match.group(1) is not None:
            parse_distance(match.group(1)[1:], '"frappes russes"~5')
    outside = _QUOTED.sub(" ", text)
    count = 0
    for match in PATTERN.finditer(outside):
        if has_word(match.group("text")):
            folded_pattern(match.group("text"))
            count += 1
    for match in FUZZY.finditer(outside):
        word = match.group("text")
        if any(c in word for c in "*?"):
            raise QuerySyntaxError(
                f"« {word}~ » : un mot tronqué ne peut pas être approché {HELP}."
            )
        fuzziness(match.group("distance"), word)
        count += 1
    if "~" in FUZZY.sub(" ", outside):
        raise QuerySyntaxError(
            f"Un ~ se colle à la fin d'un mot (Poutin~) ou d'une expression entre guillemets "
            f'("frappes russes"~5) {HELP}.'
        )
    if count > MAX_PATTERNS:
        raise QuerySyntaxError(
            f"Votre recherche contient {count} mots tronqués ou approchés : "
            f"{MAX_PATTERNS} au plus {HELP}."
        )
    words = outside.split()
    for position, word in enumerate(words):
        if not word.startswith("NEAR/"):
            continue
        parse_distance(word.removeprefix("NEAR/"), "frappes NEAR/5 russes")
        before = words[position - 1] if position else ""
        after = words[position + 1] if position + 1 < len(words) else ""
        if not before or not after or {before, after} & {"AND", "OR", "NOT"}:
            raise QuerySyntaxError(f"« {word} » relie deux mots : frappes NEAR/5 russes {HELP}.")


def too_many_terms(what: str, limit: int) -> str:
    """The message for a pattern or approximate word that matches too many stems."""
    where = " dans NEAR" if limit == MAX_NEAR_EXPANSIONS else ""
    return (
        f"{what} correspond{where} à plus de {limit} mots de l'archive : précisez-le "
        f"(plus de lettres avant *) {HELP}."
    )
