"""Which indexed stems a pattern or an approximate word matches: one rule for both
engines and the highlighting (see search.operators)."""

import re
from functools import lru_cache

from search.analysis import analyse_word
from search.operators.limits import MIN_PREFIX

# Endings the Snowball French stemmer removes, tried after a stem that is shorter than
# the pattern's fixed part.
ENDINGS = [
    "e",
    "s",
    "x",
    "es",
    "ee",
    "ees",
    "er",
    "ez",
    "ent",
    "ant",
    "ait",
    "aient",
    "ais",
    "ions",
    "ons",
    "ie",
    "ies",
    "if",
    "ifs",
    "ive",
    "ives",
    "ique",
    "iques",
    "isme",
    "iste",
    "istes",
    "ement",
    "ements",
    "ation",
    "ations",
    "ateur",
    "atrice",
    "ite",
    "ites",
    "aux",
    "al",
    "ale",
    "ales",
    "eux",
    "euse",
    "euses",
    "ir",
    "it",
    "is",
    "ise",
]


@lru_cache(maxsize=256)
def pattern_regex(pattern: str) -> re.Pattern:
    """The regular expression of a folded pattern: * any letters, ? one letter."""
    pieces = {"*": ".*", "?": "."}
    return re.compile("".join(pieces.get(c) or re.escape(c) for c in pattern))


@lru_cache(maxsize=256)
def pattern_variants(pattern: str) -> tuple[str, ...]:
    """The pattern, and the pattern without each ending it spells after its last wildcard
    ("minist?e" -> "minist?"): the stem of "ministre" is "ministr"."""
    tail = len(pattern) - max(pattern.rfind("*"), pattern.rfind("?")) - 1
    stripped = [pattern[: -len(e)] for e in ENDINGS if len(e) <= tail and pattern.endswith(e)]
    return (pattern, *sorted(set(stripped)))


@lru_cache(maxsize=256)
def stem_regex(pattern: str) -> re.Pattern:
    """The regular expression of the stems fitting a pattern or one of its variants."""
    return re.compile("|".join(pattern_regex(v).pattern for v in pattern_variants(pattern)))


@lru_cache(maxsize=256)
def shorter_stems(pattern: str) -> frozenset[str]:
    """Stems shorter than the pattern's fixed part that a word fitting the pattern has."""
    regex = pattern_regex(pattern)
    fixed = re.split(r"[*?]", pattern, maxsplit=1)[0]
    found = set()
    for end in range(MIN_PREFIX, len(fixed) + 1):
        stem = fixed[:end]
        for ending in ENDINGS:
            word = stem + ending
            analysed = analyse_word(word) if regex.fullmatch(word) else None
            if analysed is not None and analysed[1] == stem:
                found.add(stem)
                break
    return frozenset(found)


def pattern_matches(pattern: str, stem: str) -> bool:
    """True when an indexed stem matches a folded pattern."""
    return bool(stem_regex(pattern).fullmatch(stem)) or stem in shorter_stems(pattern)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance (no transpositions), cut short past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            changed = previous[j - 1] + (char != other)
            current.append(min(previous[j] + 1, current[j - 1] + 1, changed))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def fuzzy_matches(stem: str, distance: int, other: str) -> bool:
    """True when `other` is within `distance` edits of `stem`, first letter kept."""
    return other[:1] == stem[:1] and edit_distance(stem, other, distance) <= distance


@lru_cache(maxsize=1024)
def term_matcher(terms: frozenset[str]):
    """A test of indexed stems against a query's highlight terms (stems, patterns, fuzzy)."""
    plain = {t for t in terms if not any(c in t for c in "*?~")}
    patterns = [t for t in terms if "*" in t or "?" in t]
    fuzzy = [(t.rsplit("~", 1)[0], int(t.rsplit("~", 1)[1])) for t in terms if "~" in t]

    def matches(stem: str) -> bool:
        return (
            stem in plain
            or any(pattern_matches(p, stem) for p in patterns)
            or any(fuzzy_matches(f, d, stem) for f, d in fuzzy)
        )

    return matches
