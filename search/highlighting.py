"""Snippets and titles with the query's words marked, analysed exactly like the index.

Everything is HTML-escaped except the <mark> elements this module adds.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.highlight import (
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    WholeFragmenter,
    get_text,
    highlight,
)

from search.analysis import FRENCH

SNIPPET_CHARS = 240
PASSAGE_CHARS = 150
# Past this many characters a dispatch is not scanned for a better passage: long bodies
# would cost more to tokenise than the whole search.
SCAN_CHARS = 12_000


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


def snippet(body: str, terms: frozenset[str]) -> SafeString:
    """Return the best passages of a body with the terms marked, or its opening lines."""
    html = ""
    if terms:
        fragmenter = ContextFragmenter(maxchars=PASSAGE_CHARS, surround=40, charlimit=SCAN_CHARS)
        html = highlight(
            " ".join(body.split()),
            terms,
            FRENCH,
            fragmenter,
            MarkFormatter(),
            top=2,
            scorer=EarlierFirstScorer(),
        )
    return mark_safe(html or escape(_shorten(body, SNIPPET_CHARS)))  # noqa: S308 - escaped above


def marked(text: str, terms: frozenset[str]) -> SafeString:
    """Return a short text (a title) with the terms marked, all escaped."""
    html = highlight(text, terms, FRENCH, WholeFragmenter(), MarkFormatter()) if terms else ""
    return mark_safe(html or escape(text))  # noqa: S308 - every piece is escaped
