"""The search operators: truncation (médec*, m?decin), proximity ("a b"~5, a NEAR/5 b) and
approximate words (Poutin~), their limits, and which indexed stems a pattern matches.

The index holds stems ("médecins" -> "medecin", "russes" -> "russ"), so a pattern matches
a stem when the stem itself fits the folded pattern, or fits it once an ending the French
stemmer removes is taken off its end ("minist?e" -> "ministr"), or when the stem is a word
the pattern spells minus such an ending ("russe*" -> "russ", since "russe" stems to
"russ"). Both engines and the highlighting apply this one rule.
"""

import re
from functools import lru_cache

from whoosh import fields, query
from whoosh.qparser import syntax
from whoosh.qparser.plugins import OperatorsPlugin, PhrasePlugin, TaggingPlugin
from whoosh.qparser.taggers import RegexTagger
from whoosh.query.spans import SpanNear2, SpanOr
from whoosh.util import make_binary_tree

from search.analysis import analyse_word, fold

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

HELP = "(voir « Syntaxe »)"
_QUOTED = re.compile(r'"[^"]*"(~\S*)?')
_PATTERN = re.compile(r'(?:(?<=[\s(:])|^)(?P<text>[^\s()":~]*[*?][^\s()":~]*)(?=[\s()~]|$)')
_FUZZY = re.compile(r'(?:(?<=[\s(:])|^)(?P<text>[^\s()":~]+)~(?P<distance>[^\s()]*)(?=[\s()]|$)')
_ELISION = re.compile(r"^[^\W\d_]{1,5}['’]")
_PATTERN_CHARS = re.compile(r"[^\W_]|[*?]")


class QuerySyntaxError(ValueError):
    """A query the parser would misread; the message says how to fix it."""


def _distance(raw: str, example: str) -> int:
    if not raw.isdigit() or int(raw) > MAX_DISTANCE:
        raise QuerySyntaxError(
            f"Une distance de proximité est un nombre de 0 à {MAX_DISTANCE} mots, "
            f"par exemple {example} {HELP}."
        )
    return int(raw)


def folded_pattern(typed: str) -> str:
    """Check a typed pattern (médec*, m?decin) and return it folded: "medec*"."""
    text = _ELISION.sub("", typed)
    if not all(_PATTERN_CHARS.fullmatch(c) for c in text):
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


def _has_word(text: str) -> bool:
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
            _distance(match.group(1)[1:], '"frappes russes"~5')
    outside = _QUOTED.sub(" ", text)
    count = 0
    for match in _PATTERN.finditer(outside):
        if _has_word(match.group("text")):
            folded_pattern(match.group("text"))
            count += 1
    for match in _FUZZY.finditer(outside):
        word = match.group("text")
        if any(c in word for c in "*?"):
            raise QuerySyntaxError(
                f"« {word}~ » : un mot tronqué ne peut pas être approché {HELP}."
            )
        fuzziness(match.group("distance"), word)
        count += 1
    if "~" in _FUZZY.sub(" ", outside):
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
        _distance(word.removeprefix("NEAR/"), "frappes NEAR/5 russes")
        before = words[position - 1] if position else ""
        after = words[position + 1] if position + 1 < len(words) else ""
        if not before or not after or {before, after} & {"AND", "OR", "NOT"}:
            raise QuerySyntaxError(f"« {word} » relie deux mots : frappes NEAR/5 russes {HELP}.")


# Matching stems ----------------------------------------------------------------------


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


# Query nodes -------------------------------------------------------------------------


class _Expanding(query.Query):
    """A leaf that stands for the indexed stems it expands to."""

    def __init__(self, fieldname: str, text: str, boost: float = 1.0):
        self.fieldname, self.text, self.boost = fieldname, text, boost

    def __eq__(self, other):
        return type(self) is type(other) and (self.fieldname, self.text) == (
            other.fieldname,
            other.text,
        )

    def __hash__(self):
        return hash((type(self).__name__, self.fieldname, self.text))

    def __repr__(self):
        return f"{type(self).__name__}({self.fieldname!r}, {self.text!r})"

    def is_leaf(self):
        return True

    def field(self):
        return self.fieldname

    def normalize(self):
        return self

    def stems(self, reader, limit: int) -> list[str]:
        raise NotImplementedError

    def matcher(self, searcher, context=None):
        return self.expanded(searcher.reader()).matcher(searcher, context)

    def estimate_size(self, ixreader):
        return self.expanded(ixreader).estimate_size(ixreader)

    def estimate_min_size(self, ixreader):
        return self.expanded(ixreader).estimate_min_size(ixreader)

    def _too_many(self, limit: int) -> QuerySyntaxError:
        return QuerySyntaxError(too_many_terms(f"« {self.typed} »", limit))

    def expanded(self, reader, limit: int = MAX_EXPANSIONS) -> query.Query:
        """Replace the leaf with the terms it matches in `reader` (none: a term that is not)."""
        found = sorted(set(self.stems(reader, limit)))
        if not found:
            return query.Term(self.fieldname, self.text)
        if len(found) == 1:
            return query.Term(self.fieldname, found[0])
        return query.Or([query.Term(self.fieldname, stem) for stem in found])


class Pattern(_Expanding):
    """A word with * or ?, folded: text is the pattern ("medec*")."""

    @property
    def typed(self) -> str:
        return self.text

    def stems(self, reader, limit: int) -> list[str]:
        regex = stem_regex(self.text)
        fixed = re.split(r"[*?]", self.text, maxsplit=1)[0]
        found = [s for s in shorter_stems(self.text) if (self.fieldname, s) in reader]
        for scanned, stem in enumerate(reader.expand_prefix(self.fieldname, fixed)):
            stem = stem.decode("utf-8") if isinstance(stem, bytes) else stem
            if scanned >= MAX_SCANNED_TERMS:
                raise self._too_many(limit)
            if regex.fullmatch(stem):
                found.append(stem)
                if len(found) > limit:
                    raise self._too_many(limit)
        return found


class Fuzzy(_Expanding):
    """A word~N: text is its stem, distance the edits allowed (the first letter is kept)."""

    def __init__(self, fieldname: str, text: str, distance: int = 1, boost: float = 1.0):
        super().__init__(fieldname, text, boost)
        self.distance = distance

    @property
    def typed(self) -> str:
        return f"{self.text}~{self.distance}"

    def __hash__(self):
        return hash((self.fieldname, self.text, self.distance))

    def __eq__(self, other):
        return super().__eq__(other) and self.distance == other.distance

    def stems(self, reader, limit: int) -> list[str]:
        found = []
        for stem in reader.terms_within(self.fieldname, self.text, self.distance, prefix=1):
            found.append(stem.decode("utf-8") if isinstance(stem, bytes) else stem)
            if len(found) > limit:
                raise self._too_many(limit)
        return found


class Near(SpanNear2):
    """Words at most `distance` words apart, in any order (stop words not counted)."""

    def __init__(self, qs, slop=1, ordered=False, mindist=1, boost=1.0):
        super().__init__(qs, slop=slop, ordered=ordered, mindist=mindist)

    @property
    def distance(self) -> int:
        return self.slop - 1

    def _and_query(self):
        # Whoosh 2.7's own refers to an undefined name.
        return query.And(self.qs)

    def matcher(self, searcher, context=None):
        # An expanded pattern is an OR of terms, whose matcher has no spans.
        ms = [
            _spans_of_any(q.subqueries, searcher, context)
            if isinstance(q, query.Or)
            else q.matcher(searcher, context)
            for q in self.qs
        ]
        return self.SpanNear2Matcher(ms, slop=self.slop, ordered=self.ordered, mindist=self.mindist)

    def normalize(self):
        return self.apply(lambda child: child.normalize())


class _AnyOf(SpanOr.SpanOrMatcher):
    """The positions of either side, each word its own span (SpanOr merges neighbours, so
    the stems of one pattern side by side would read as one long word)."""

    def _get_spans(self):
        sides = [m for m in (self.a, self.b) if m.is_active()]
        if not sides:
            return []
        first = min(m.id() for m in sides)
        return sorted({span for m in sides if m.id() == first for span in m.spans()})


def _spans_of_any(terms, searcher, context):
    return make_binary_tree(_AnyOf, [term.matcher(searcher, context) for term in terms])


def too_many_terms(what: str, limit: int) -> str:
    """The message for a pattern or approximate word that matches too many stems."""
    where = " dans NEAR" if limit == MAX_NEAR_EXPANSIONS else ""
    return (
        f"{what} correspond{where} à plus de {limit} mots de l'archive : précisez-le "
        f"(plus de lettres avant *) {HELP}."
    )


def expand_operators(node: query.Query, reader, limit: int = MAX_EXPANSIONS) -> query.Query:
    """Replace every pattern and approximate word with the indexed terms it matches."""
    if isinstance(node, _Expanding):
        return node.expanded(reader, limit)
    if node.is_leaf():
        return node
    if isinstance(node, Near):
        limit = MAX_NEAR_EXPANSIONS
    return node.apply(lambda child: expand_operators(child, reader, limit))


def highlight_key(node: query.Query) -> str:
    """What highlighting matches a pattern or approximate word by: "medec*", "poutin~1"."""
    return node.typed if isinstance(node, Fuzzy) else node.text


# Parser plugins ----------------------------------------------------------------------


def _text_field(parser, fieldname: str, typed: str) -> str:
    if not isinstance(parser.schema[fieldname], fields.TEXT):
        raise QuerySyntaxError(
            f"« {typed} » : troncature et recherche approchée portent sur le texte et le "
            f"titre, pas sur les noms (person:, place:…) {HELP}."
        )
    return fieldname


class PatternPlugin(TaggingPlugin):
    """médec*, m?decin: a word pattern."""

    priority = -10
    expr = _PATTERN.pattern

    class nodetype(syntax.TextNode):
        def query(self, parser):
            if not _has_word(self.text):
                return None
            fieldname = _text_field(parser, self.fieldname or parser.fieldname, self.text)
            return syntax.attach(Pattern(fieldname, folded_pattern(self.text)), self)


class FuzzyPlugin(TaggingPlugin):
    """Poutin~, Poutin~2: an approximate word."""

    priority = -10
    expr = _FUZZY.pattern

    class nodetype(syntax.TextNode):
        def __init__(self, text, distance):
            super().__init__(text)
            self.distance = fuzziness(distance, text)

        def query(self, parser):
            fieldname = _text_field(parser, self.fieldname or parser.fieldname, self.text)
            analysed = analyse_word(_ELISION.sub("", self.text))
            if analysed is None or not re.fullmatch(r"[^\W_]+", analysed[0]):
                raise QuerySyntaxError(
                    f"« {self.text}~ » : une recherche approchée porte sur un seul mot "
                    f"significatif, par exemple Poutin~ {HELP}."
                )
            node = Fuzzy(fieldname, analysed[1], self.distance)
            return syntax.attach(node, self)


class SloppyPhrasePlugin(PhrasePlugin):
    """ "frappes russes"~5: the words in order, at most 5 words between each and the next."""

    class SloppyTagger(RegexTagger):
        def create(self, parser, match):
            raw = match.group("slop")
            distance = 0 if raw is None else _distance(raw, '"frappes russes"~5')
            return PhrasePlugin.PhraseNode(match.group("text"), match.start("text"), distance + 1)

    def __init__(self):
        super().__init__(expr=r'"(?P<text>.*?)"(~(?P<slop>\d+))?')

    def taggers(self, parser):
        return [(self.SloppyTagger(self.expr), 0)]


class NearGroup(syntax.GroupNode):
    merging = False

    def __init__(self, nodes=None, distance=0, **kwargs):
        super().__init__(nodes, **kwargs)
        self.distance = distance

    def query(self, parser):
        subs = [q for q in (node.query(parser) for node in self.nodes) if q is not None]
        for sub in subs:
            names = isinstance(sub, query.Term) and not isinstance(
                parser.schema[sub.fieldname], fields.TEXT
            )
            if names or not isinstance(sub, query.Term | Pattern | Fuzzy | Near):
                raise QuerySyntaxError(
                    f"NEAR/{self.distance} relie deux mots (ou mots tronqués), pas des "
                    f"expressions, des groupes ou des noms {HELP}."
                )
        if len({sub.field() if not isinstance(sub, Near) else None for sub in subs} - {None}) > 1:
            raise QuerySyntaxError(f"NEAR/{self.distance} relie deux mots d'un même champ {HELP}.")
        if len(subs) < 2:
            return subs[0] if subs else None
        return syntax.attach(Near(subs, slop=self.distance + 1), self)


class NearOperator(syntax.InfixOperator):
    def __init__(self, text, distance):
        super().__init__(text, NearGroup)
        self.distance = distance

    def replace_self(self, parser, group, position):
        if 0 < position < len(group) - 1:
            near = NearGroup([group[position - 1], group[position + 1]], distance=self.distance)
            group[position - 1 : position + 2] = [near]
            return position - 1
        del group[position]
        return position


class NearTagger(OperatorsPlugin.OpTagger):
    def __init__(self):
        super().__init__(r"(?<=\s)NEAR/(?P<distance>\d+)(?=\s)", NearGroup, memo="near")

    def create(self, parser, match):
        return NearOperator(match.group(0), _distance(match.group("distance"), "NEAR/5"))


def install(parser) -> None:
    """Add the operators to a query parser."""
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(SloppyPhrasePlugin())
    parser.add_plugin(PatternPlugin())
    parser.add_plugin(FuzzyPlugin())
    parser.replace_plugin(OperatorsPlugin(ops=[(NearTagger(), 0)]))
