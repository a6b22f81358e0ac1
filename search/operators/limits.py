"""The operators' limits, checked on the query's text before any engine sees it."""

import re

from django.utils.translation import gettext, gettext_lazy

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
HELP = gettext_lazy("(see « Syntax »)")
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
            gettext(
                "A proximity distance is a number from 0 to %(max)d words, "
                "for instance %(example)s %(help)s."
            )
            % {"max": MAX_DISTANCE, "example": example, "help": HELP}
        )
    return int(raw)


def folded_pattern(typed: str) -> str:
    """Check a typed pattern (médec*, m?decin) and return it folded: "medec*"."""
    text = ELISION.sub("", typed)
    if not all(PATTERN_CHARS.fullmatch(c) for c in text):
        raise QuerySyntaxError(
            gettext(
                "« %(typed)s »: a truncation applies to one word, made of letters and "
                "digits (no hyphen, no apostrophe inside) %(help)s."
            )
            % {"typed": typed, "help": HELP}
        )
    pattern = re.sub(r"\*+", "*", fold(text))
    fixed = re.split(r"[*?]", pattern, maxsplit=1)[0]
    if not fixed:
        raise QuerySyntaxError(
            gettext(
                "« %(typed)s »: a truncation does not start with * or ?; write the start of "
                "the word, for instance médec* %(help)s."
            )
            % {"typed": typed, "help": HELP}
        )
    # Without *, a pattern stands for words of its own length: m?decin is narrow enough.
    letters = len(pattern) - pattern.count("?") if "*" not in pattern else len(fixed)
    if letters < MIN_PREFIX:
        raise QuerySyntaxError(
            gettext(
                "« %(typed)s » is too wide: write at least %(min)d letters before * "
                "or ?, for instance médec* %(help)s."
            )
            % {"typed": typed, "min": MIN_PREFIX, "help": HELP}
        )
    if len(pattern) > MAX_PATTERN_CHARS or pattern.count("*") > MAX_STARS:
        raise QuerySyntaxError(
            gettext(
                "« %(typed)s » is too long: %(chars)d characters and "
                "%(stars)d stars at most per truncated word %(help)s."
            )
            % {"typed": typed[:50], "chars": MAX_PATTERN_CHARS, "stars": MAX_STARS, "help": HELP}
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
            gettext(
                "« %(word)s~%(raw)s »: an approximate search is written word~, word~1 or "
                "word~2 (1 or 2 letters apart) %(help)s."
            )
            % {"word": word, "raw": raw[:10], "help": HELP}
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
                gettext("« %(word)s~ »: a truncated word cannot be approximate %(help)s.")
                % {"word": word, "help": HELP}
            )
        fuzziness(match.group("distance"), word)
        count += 1
    if "~" in FUZZY.sub(" ", outside):
        raise QuerySyntaxError(
            gettext(
                "A ~ sticks to the end of a word (Poutin~) or of a phrase in quote marks "
                '("frappes russes"~5) %(help)s.'
            )
            % {"help": HELP}
        )
    if count > MAX_PATTERNS:
        raise QuerySyntaxError(
            gettext(
                "Your search holds %(count)d truncated or approximate words: "
                "%(max)d at most %(help)s."
            )
            % {"count": count, "max": MAX_PATTERNS, "help": HELP}
        )
    words = outside.split()
    for position, word in enumerate(words):
        if not word.startswith("NEAR/"):
            continue
        parse_distance(word.removeprefix("NEAR/"), "frappes NEAR/5 russes")
        before = words[position - 1] if position else ""
        after = words[position + 1] if position + 1 < len(words) else ""
        if not before or not after or {before, after} & {"AND", "OR", "NOT"}:
            raise QuerySyntaxError(
                gettext("« %(word)s » joins two words: frappes NEAR/5 russes %(help)s.")
                % {"word": word, "help": HELP}
            )


def too_many_terms(what: str, limit: int) -> str:
    """The message for a pattern or approximate word that matches too many stems."""
    if limit == MAX_NEAR_EXPANSIONS:
        message = gettext(
            "%(what)s matches, in NEAR, more than %(limit)d words of the archive: narrow it "
            "(more letters before *) %(help)s."
        )
    else:
        message = gettext(
            "%(what)s matches more than %(limit)d words of the archive: narrow it "
            "(more letters before *) %(help)s."
        )
    return message % {"what": what, "limit": limit, "help": HELP}
