"""Template helpers for showing dispatches safely."""

import re
from bisect import bisect_right

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles import selectors
from articles.reasons import translated_reason

register = template.Library()

# A blank line (spaces allowed) between two line breaks; a lone CRLF is one line break.
_LINE_BREAK = r"(?:\r\n|\r(?!\n)|\n)"
_PARAGRAPH_BREAK = re.compile(rf"{_LINE_BREAK}(?:[^\S\r\n]*{_LINE_BREAK})+")


def _paragraphs(html_chunks: list[str]) -> SafeString:
    text = "".join(html_chunks)
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - every piece is escaped


Spans = list[tuple[int, int]]


def _marked(body: str, start: int, end: int, marks: Spans) -> str:
    """Escape body[start:end] with the searched words in it (clipped to it) in <mark>."""
    chunks: list[str] = []
    position = start
    # Marks are sorted and never overlap: start from the last one beginning before `start`.
    for mark_start, mark_end in marks[max(0, bisect_right(marks, (start,)) - 1) :]:
        if mark_start >= end:
            break
        mark_start, mark_end = max(mark_start, position), min(mark_end, end)
        if mark_start >= mark_end:
            continue
        chunks.append(escape(body[position:mark_start]))
        chunks.append(f'<mark class="searched">{escape(body[mark_start:mark_end])}</mark>')
        position = mark_end
    chunks.append(escape(body[position:end]))
    return mark_safe("".join(chunks))  # noqa: S308 - every piece is escaped


def _with_mentions(body: str, start: int, end: int, mentions, marks: Spans) -> list[str]:
    """Escape body[start:end] with the mentions wholly inside it linked to their entities
    and the searched words marked."""
    chunks: list[str] = []
    position = start
    for mention in mentions:
        if mention.start < position or mention.end > end:
            continue
        chunks.append(_marked(body, position, mention.start, marks))
        chunks.append(
            format_html(
                '<a class="mention mention-{}" href="{}" title="{}">{}</a>',
                mention.entity.kind,
                mention.entity.get_absolute_url(),
                f"{mention.entity.get_kind_display()} : {mention.entity.name}",
                _marked(body, mention.start, mention.end, marks),
            )
        )
        position = mention.end
    chunks.append(_marked(body, position, end, marks))
    return chunks


def quote_speaker(quote) -> str:
    """Who a quote is attributed to, for its title and the list of quotations."""
    if quote.speaker is not None:
        return quote.speaker.name
    return " ".join(quote.speaker_text.split()) or gettext("unknown speaker")


def _quote_html(body: str, quote, mentions, marks: Spans) -> str:
    """The quoted words in a <q>, closed and reopened at paragraph breaks (valid in each <p>)."""
    title = gettext("Quoted: %(speaker)s") % {"speaker": quote_speaker(quote)}
    first = format_html('<q class="quote" id="q-{}" title="{}">', quote.pk, title)
    again = format_html('<q class="quote" title="{}">', title)
    inner = "".join(_with_mentions(body, quote.start, quote.end, mentions, marks))
    inner = _PARAGRAPH_BREAK.sub(lambda m: f"</q>{m[0]}{again}", inner)
    return f"{first}{inner}</q>"


@register.simple_tag
def highlighted_body(body: str, mentions, quotes=(), marks: Spans = ()) -> SafeString:
    """Render a body as paragraphs with each mention linked to its entity, each quote
    marked with its speaker and the searched words (`marks`, sorted spans) in <mark>, all
    escaped. A mention across a quote's edge is left out."""
    mentions = list(mentions)
    marks = list(marks)
    chunks: list[str] = []
    position = 0
    for quote in sorted(quotes, key=lambda q: q.start):
        if quote.start < position or quote.end > len(body) or quote.start >= quote.end:
            continue  # quotes never overlap; a stale one is not drawn
        chunks += _with_mentions(body, position, quote.start, mentions, marks)
        chunks.append(_quote_html(body, quote, mentions, marks))
        position = quote.end
    chunks += _with_mentions(body, position, len(body), mentions, marks)
    return _paragraphs(chunks)


@register.simple_tag
def article_quotes(article):
    """The article's quotations for its page: `{% article_quotes article as quotes %}`."""
    return selectors.article_quotes(article)


@register.filter
def speaker_of(quote) -> str:
    """Who said it: the speaker's name, else the attribution as written."""
    return quote_speaker(quote)


@register.filter
def reason(text: str) -> str:
    """A rejected file's reason in the page's language."""
    return translated_reason(text)
