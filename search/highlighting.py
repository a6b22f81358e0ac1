"""Snippets and titles with the query's words marked, analysed exactly like the index.

Everything is HTML-escaped except the <mark> elements this module adds.
"""

from collections import deque
from collections.abc import Iterator
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    Formatter,
    Fragment,
    get_text,
    mkfrag,
    top_fragments,
)

from search.analysis import WORD, analyse_word
from search.operators import term_matcher

SNIPPET_CHARS = 240
PASSAGE_CHARS = 150
# Past this many characters a dispatch is not scanned for a better passage: long bodies
# would cost more to tokenise than the whole search.
SCAN_CHARS = 12_000
PASSAGE_SURROUND = 40
TITLE_CHARS = 2**15
# Paging, sorting and facet clicks show the same articles for the same words again.
CACHED_SNIPPETS = 2048


class MarkFormatter(Formatter):
    """Wrap matches in <mark>, escape everything else."""

    def _text(self, text: str) -> str:
        return escape(text)

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(get_text(text, token, replace))}</mark>"

    def format(self, fragments, replace=False):
        if not fragments:
            return ""
        html = " … ".join(self.format_fragment(f, replace=replace) for f in fragments)
        before = "… " if fragments[0].startchar > 0 else ""
        after = " …" if fragments[-1].endchar < len(fragments[-1].text) else ""
        return f"{before}{html}{after}"


class EarlierFirstScorer(BasicFragmentScorer):
    """Whoosh's passage score, ties going to the earlier passage (Whoosh breaks them by
    object id, so the same page would show different snippets from one request to the next)."""

    def __call__(self, fragment):
        return super().__call__(fragment) - fragment.startchar / 1e9


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


class _Match:
    """A matched word: what Whoosh's fragments, scorers and formatters read of a token."""

    __slots__ = ("endchar", "startchar", "text")
    boost = 1.0

    def __init__(self, startchar: int, endchar: int, text: str):
        self.startchar, self.endchar, self.text = startchar, endchar, text


Words = list[tuple[int, int, str | None]]


def _words(text: str, terms: frozenset[str], charlimit: int) -> tuple[Words, int | None]:
    """Return (start, end, matched term or None) per word up to the limit, analysed exactly
    like the index (no words when none matches), and the end of the first word past it.

    Whoosh's highlight() builds a Token per word through the analyzer's generator; here
    each distinct word is analysed once and the words are found by the regex engine.
    """
    scanned = text[:charlimit]
    found = WORD.findall(scanned)
    keys = {}
    matches = term_matcher(terms)
    for word in set(found):
        analysed = analyse_word(word)
        # Whoosh compares stop words, kept for highlighting, in lowercase.
        key = analysed[1] if analysed is not None else word.lower()
        if key in terms or (analysed is not None and matches(key)):
            keys[word] = key
    if not keys:
        return [], None
    spans = [match.span() for match in WORD.finditer(scanned)]
    beyond = charlimit
    if spans and spans[-1][1] == charlimit and WORD.match(text, charlimit):
        # A word cut by the limit is left out, as Whoosh's fragmenters leave it out.
        beyond = spans.pop()[0]
        found.pop()
    words = [(start, end, keys.get(word)) for (start, end), word in zip(spans, found, strict=True)]
    past = WORD.search(text, beyond)
    return words, None if past is None else past.end()


def _passages(text: str, words: Words, past_end: int | None) -> Iterator[Fragment]:
    """Whoosh's ContextFragmenter(PASSAGE_CHARS, PASSAGE_SURROUND) over analysed words."""
    first, firsts, countdown, matches, currentlen, endchar = None, deque(), -1, [], 0, None
    for startchar, endchar, term in words:
        length = endchar - startchar
        if countdown < 0 and term is None:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > PASSAGE_SURROUND:
                firsts.popleft()
        elif currentlen + length > PASSAGE_CHARS:
            countdown = 0
        elif term is not None:
            countdown = PASSAGE_SURROUND
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += PASSAGE_SURROUND
            matches.append(_Match(startchar, endchar, term))
        if countdown >= 0:
            currentlen += length
            countdown -= length
            if countdown <= 0:
                yield mkfrag(text, matches, startchar=first, endchar=endchar)
                matches, firsts, first, currentlen = [], deque(), None, 0
    if matches:
        # Whoosh ends a passage left open at the limit with the first word past it.
        end = endchar if past_end is None else past_end
        yield mkfrag(text, matches, startchar=first, endchar=end)


@lru_cache(maxsize=CACHED_SNIPPETS)
def snippet(body: str, terms: frozenset[str]) -> SafeString:
    """Return the best passages of a body with the terms marked, or its opening lines."""
    html = ""
    if terms:
        text = " ".join(body.split())
        words, past_end = _words(text, terms, SCAN_CHARS)
        if words:
            best = top_fragments(_passages(text, words, past_end), 2, EarlierFirstScorer(), FIRST)
            html = MarkFormatter().format(best)
    return mark_safe(html or escape(_shorten(body, SNIPPET_CHARS)))  # noqa: S308 - escaped above


@lru_cache(maxsize=CACHED_SNIPPETS)
def marked(text: str, terms: frozenset[str]) -> SafeString:
    """Return a short text (a title) with the terms marked, all escaped."""
    html = ""
    if terms:
        words, _ = _words(text, terms, TITLE_CHARS)
        matches = [_Match(start, end, term) for start, end, term in words if term is not None]
        if matches:
            html = MarkFormatter().format([Fragment(text, matches)])
    return mark_safe(html or escape(text))  # noqa: S308 - every piece is escaped


def matched_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Return the (start, end) of each word of text the terms match, analysed like the index."""
    if not terms:
        return []
    spans = []
    for match in WORD.finditer(text):
        word = match.group()
        analysed = analyse_word(word)
        if (analysed[1] if analysed is not None else word.lower()) in terms:
            spans.append(match.span())
    return spans
