"""The search request and response shared by every engine, and the query language.

Syntax: words (all required), OR, NOT or -word, "exact phrase", parentheses, and the field
prefixes title:, person:, place:, org:, source: (whole names in quotes: person:"Bachar al-Assad");
the operators of search.operators: médec*, m?decin, "frappes russes"~5, frappes NEAR/5 russes,
Poutin~.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from django.utils.translation import gettext
from whoosh import qparser, query
from whoosh.qparser import QueryParserError

from search import operators
from search.operators import QuerySyntaxError
from search.said import parse_said

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_LENGTH = 1000

# URL parameter -> index field, for the facet filters and the query's field prefixes.
FILTER_FIELDS = {
    "person": "people",
    "place": "places",
    "org": "orgs",
    "misc": "misc",
    "source": "source",
}
FIELD_ALIASES = {
    "title": ["titre"],
    "people": ["person", "personne"],
    "places": ["place", "lieu"],
    "orgs": ["org", "organisation"],
    "source": [],
}
HIGHLIGHT_FIELDS = frozenset({"text", "title"})


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facet_limit: int = 12
    with_facets: bool = True
    collapse: bool = False  # one result per story (its best match)

    def filter_values(self, fieldname: str) -> list[str]:
        return [value for name, value in self.filters if name == fieldname]


@dataclass
class SearchHits:
    total: int = 0
    ids: list[int] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    months: dict[int, int] = field(default_factory=dict)
    terms: frozenset[str] = frozenset()
    suggestion: str = ""
    stories: int | None = None  # stories among the matches, when collapsed


class IndexUnavailable(RuntimeError):
    """The index is missing or empty: it is being (re)built."""


_QUOTED = re.compile(r'("[^"]*")')
_MINUS = re.compile(r"(^|[\s(])-(?=[^\s\-])")
_PLUS = re.compile(r"(^|[\s(])\+(?=\S)")
_OPERATORS = ("AND", "OR", "NOT")
_FIELD_PREFIX = re.compile(r"(?:^|[\s(])([A-Za-zÀ-ÿ]+):(?=\s|$)")


def check_syntax(text: str) -> None:
    """Raise QuerySyntaxError for unbalanced quotes or parentheses and dangling operators."""
    if text.count('"') % 2:
        raise QuerySyntaxError(
            gettext(
                "A quote mark is not closed: an exact phrase goes between two quote marks, "
                'for instance "État islamique".'
            )
        )
    depth = 0
    for char in _QUOTED.sub("", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        raise QuerySyntaxError(gettext("The brackets are not balanced: every ( needs a )."))
    words = normalise_operators(_QUOTED.sub('""', text)).split()
    dangling = words and (words[0] in ("AND", "OR") or words[-1] in _OPERATORS)
    # Two operators in a row ("NOT NOT Alep", "NOT -Alep", "Syrie OR AND Alep"); only
    # "AND NOT" / "OR NOT" read as one.
    doubled = any(
        first in _OPERATORS and second in _OPERATORS and not (first != "NOT" and second == "NOT")
        for first, second in pairwise(words)
    )
    if dangling or doubled:
        raise QuerySyntaxError(
            gettext(
                "An operator (AND, OR, NOT) has nothing to join: write a word on each side of "
                "OR, a word after NOT, and never two operators in a row."
            )
        )
    match = _FIELD_PREFIX.search(_QUOTED.sub('""', text))
    prefixes = set(FIELD_ALIASES) | {alias for names in FIELD_ALIASES.values() for alias in names}
    if match and match.group(1).lower() in prefixes:
        raise QuerySyntaxError(
            gettext(
                "« %(prefix)s: » expects a value right after the colon, for instance "
                '%(prefix)s:"Bachar al-Assad".'
            )
            % {"prefix": match.group(1)}
        )
    check_operators(text)


def check_operators(text: str) -> None:
    """Raise QuerySyntaxError for a pattern, distance or fuzziness no engine would run."""
    operators.check_operators(normalise_operators(text))


def normalise_operators(text: str) -> str:
    """Rewrite -word as NOT word and drop +, outside quoted phrases."""
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _PLUS.sub(r"\1", _MINUS.sub(r"\1NOT ", parts[i]))
    return "".join(parts)


def make_parser(schema, content_field: str) -> qparser.QueryParser:
    """Build the query parser: AND by default, French analysis, the documented prefixes."""
    parser = qparser.QueryParser(content_field, schema, group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.EveryPlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    operators.install(parser)
    return parser


def parse(parser: qparser.QueryParser, text: str) -> query.Query | None:
    """Parse a checked query, `said:` included (search.said); None when nothing is left."""
    return parse_said(parser, text, parse_words)


def parse_words(parser: qparser.QueryParser, text: str) -> query.Query | None:
    """Parse a checked query without `said:`; None when nothing searchable is left."""
    try:
        parsed = parser.parse(normalise_operators(text)).normalize()
    except (QueryParserError, QuerySyntaxError):
        raise
    except Exception as error:  # Whoosh's parser fails on odd input with IndexError & co.
        raise QuerySyntaxError(
            gettext(
                "The search could not be read: check the operators, quote marks and brackets "
                "(see « How to search »)."
            )
        ) from error
    if parsed is query.NullQuery:
        return None
    return parsed


def positive_terms(parsed: query.Query) -> frozenset[str]:
    """Return the indexed terms a result should show highlighted (never the NOT ones)."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if isinstance(node, operators.Pattern | operators.Fuzzy):
            if node.fieldname in HIGHLIGHT_FIELDS:
                found.add(operators.highlight_key(node))
            return
        if node.is_leaf():
            for fieldname, text in node.terms(phrases=True):
                if fieldname in HIGHLIGHT_FIELDS:
                    found.add(text)
            return
        for child in node.children():
            walk(child)

    walk(parsed)
    return frozenset(found)
