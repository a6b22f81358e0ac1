"""Template helpers for showing dispatches safely."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A blank line (spaces allowed) between two line breaks; a lone CRLF is one line break.
_LINE_BREAK = r"(?:\r\n|\r(?!\n)|\n)"
_PARAGRAPH_BREAK = re.compile(rf"{_LINE_BREAK}(?:[^\S\r\n]*{_LINE_BREAK})+")


def _paragraphs(html_chunks: list[str]) -> SafeString:
    text = "".join(html_chunks)
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - every piece is escaped


@register.simple_tag
def highlighted_body(body: str, mentions) -> SafeString:
    """Render a body as paragraphs with each mention linked to its entity, all escaped."""
    chunks: list[str] = []
    position = 0
    for mention in mentions:
        if mention.start < position or mention.end > len(body):
            continue
        chunks.append(escape(body[position : mention.start]))
        chunks.append(
            format_html(
                '<a class="mention mention-{}" href="{}" title="{}">{}</a>',
                mention.entity.kind,
                mention.entity.get_absolute_url(),
                f"{mention.entity.get_kind_display()} : {mention.entity.name}",
                body[mention.start : mention.end],
            )
        )
        position = mention.end
    chunks.append(escape(body[position:]))
    return _paragraphs(chunks)
