"""The `said:` operator: dispatches where a speaker is quoted, on the speaker's own words.

`said:"Vladimir Poutine" Syrie` finds the dispatches where an entity named (or aliased)
« Vladimir Poutine » is the speaker of a quotation, and where « Syrie » is among the words
that speaker is quoted saying. The index holds, per dispatch, one `said` field of tokens
computed here for both engines: `s<entity id>` once per quotation, then `s<entity id>_<stem>`
for each of its words (the French analysis of search.analysis), quotations in text order, so
a phrase matches inside one speaker's quotation and never across two.

At query time the `said:` clauses are cut out of the text (blanked, so offsets stay put),
the rest is parsed as usual, and its words and phrases on the text are moved onto the
speaker's tokens. Field prefixes (title:, person:…) keep applying to the whole dispatch.
"""

import re
from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.utils.translation import gettext_lazy
from whoosh import query

from articles.models import Entity, EntityAlias
from articles.ner.forms import normalize_form
from search.analysis import query_terms

SAID_FIELD = "said"
PREFIX = "said"
NOBODY = "nobody"  # a token no dispatch holds: a speaker no entity answers to
MAX_SPEAKERS = 50

_CLAUSE = re.compile(
    rf'(?P<clause>(?<![\w:]){PREFIX}:(?:"(?P<quoted>[^"]*)"|(?P<word>[^\s()"]+))?)|"[^"]*"',
    re.IGNORECASE,
)
_MISPLACED = gettext_lazy(
    "« said: » applies to the whole search: write it apart, outside brackets and "
    'without OR or NOT, for instance said:"Vladimir Poutine" Syrie.'
)
_EMPTY = gettext_lazy(
    "« said: » expects the name of the quoted person, right after the colon, for instance "
    'said:"Vladimir Poutine".'
)


def speaker_token(entity_id: int) -> str:
    return f"s{entity_id}"


def word_token(entity_id: int, stem: str) -> str:
    return f"s{entity_id}_{stem}"


def said_tokens(body: str, quotes: Iterable[tuple[int, int, int]]) -> str:
    """The `said` field of a dispatch from its attributed quotes (speaker id, start, end)."""
    tokens: list[str] = []
    for speaker_id, start, end in sorted(quotes, key=lambda quote: quote[1]):
        tokens.append(speaker_token(speaker_id))
        tokens += [word_token(speaker_id, stem) for stem in query_terms(body[start:end])]
    return " ".join(tokens)


def split_said(text: str) -> tuple[str, list[str]]:
    """Return the query with its `said:` clauses blanked out, and the names they give."""
    from search.query import QuerySyntaxError  # search.query imports this module

    names, pieces, position = [], [], 0
    for match in _CLAUSE.finditer(text):
        if not match.group("clause"):
            continue
        name = " ".join((match.group("quoted") or match.group("word") or "").split())
        if not name:
            raise QuerySyntaxError(str(_EMPTY))
        if _misplaced(text, match.start(), match.end()):
            raise QuerySyntaxError(str(_MISPLACED))
        names.append(name)
        pieces += [text[position : match.start()], " " * (match.end() - match.start())]
        position = match.end()
    return "".join([*pieces, text[position:]]), names


def _misplaced(text: str, start: int, end: int) -> bool:
    """Inside parentheses, after - or NOT or OR, or before OR."""
    outside = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)
    depth = outside[:start].count("(") - outside[:start].count(")")
    before, after = outside[:start].split(), outside[end:].split()
    return bool(
        depth > 0
        or outside[:start].endswith(("-", "+"))
        or (before and before[-1] in ("NOT", "OR", "AND"))
        or (after and after[0] == "OR")
    )


def resolve_speakers(name: str) -> list[int]:
    """Return the entities a name stands for: by name or alias, else by all its words."""
    key = normalize_form(name)
    if not key:
        return []
    exact = set(EntityAlias.objects.filter(key=key).values_list("entity_id", flat=True))
    exact |= set(Entity.objects.filter(name__iexact=name).values_list("pk", flat=True))
    if exact:
        return sorted(exact)[:MAX_SPEAKERS]
    in_alias, in_name = Q(), Q()
    for word in key.split():
        in_alias &= Q(aliases__key__regex=rf"(^| ){re.escape(word)}( |$)")
        in_name &= Q(name__iregex=rf"(^|\W){re.escape(word)}(\W|$)")
    quoted = Entity.objects.filter(in_alias | in_name, quotes__rejected=False).distinct()
    return sorted(quoted.values_list("pk", flat=True))[:MAX_SPEAKERS]


class SaidTerm(query.Term):
    """A word in a speaker's quoted words; highlighted as the word it stands for."""

    def __init__(self, entity_id: int, word: query.Term):
        super().__init__(SAID_FIELD, word_token(entity_id, word.text), boost=word.boost)
        self.word = (word.fieldname, word.text)

    def terms(self, phrases=False):
        yield self.word


class SaidPhrase(query.Phrase):
    """A phrase inside one speaker's quotation; highlighted as its words."""

    def __init__(self, entity_id: int, phrase: query.Phrase):
        words = [word_token(entity_id, w) for w in phrase.words]
        super().__init__(SAID_FIELD, words, slop=phrase.slop, boost=phrase.boost)
        self.original = (phrase.fieldname, list(phrase.words))

    def terms(self, phrases=False):
        fieldname, words = self.original
        for word in words if phrases else ():
            yield fieldname, word


def scope(parsed: query.Query | None, speakers: Sequence[Sequence[int]], content_field: str):
    """Require each clause's speakers and move the words on the text onto their quotes."""
    every = sorted({pk for ids in speakers for pk in ids})
    presence = [
        _any([query.Term(SAID_FIELD, speaker_token(pk)) for pk in ids])
        if ids
        else query.Term(SAID_FIELD, NOBODY)
        for ids in speakers
    ]
    if parsed is None:
        return _all(presence)
    if not every:
        return _all([*presence, parsed])

    def rewrite(node):
        if isinstance(node, query.Term) and node.fieldname == content_field:
            return _any([SaidTerm(pk, node) for pk in every])
        if isinstance(node, query.Phrase) and node.fieldname == content_field:
            return _any([SaidPhrase(pk, node) for pk in every])
        if node.is_leaf():
            return node
        return node.apply(rewrite)

    return _all([*presence, rewrite(parsed)])


def _any(nodes: list[query.Query]) -> query.Query:
    return nodes[0] if len(nodes) == 1 else query.Or(nodes)


def _all(nodes: list[query.Query]) -> query.Query:
    return nodes[0] if len(nodes) == 1 else query.And(nodes)


def parse_said(parser, text: str, parse_words):
    """Parse a query with its `said:` clauses: `parse_words(parser, text)` reads the rest."""
    blanked, names = split_said(text)
    if not names:
        return parse_words(parser, text)
    parsed = parse_words(parser, blanked) if blanked.strip() else None
    return scope(parsed, [resolve_speakers(name) for name in names], parser.fieldname)


def said_names(text: str) -> list[str]:
    """The speakers' names a query's `said:` clauses give (none for a malformed clause)."""
    from search.query import QuerySyntaxError

    try:
        return split_said(text)[1]
    except QuerySyntaxError:
        return []
