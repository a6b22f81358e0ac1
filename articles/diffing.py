"""Word-level differences between two versions of a dispatch, as escaped HTML. No models.

Texts are compared on their words (difflib), whitespace aside, and rendered from the words
as written: removed words in `<del>`, added ones in `<ins>`, blank lines as paragraphs and
single line breaks as `<br>`. Every word is escaped: a dispatch may contain markup.

The work is capped: the common beginning and end are set aside first (a correction
usually changes a few words), and when what remains is longer than `MAX_WORDS` the texts
are compared paragraph by paragraph instead, then as a whole beyond `MAX_PARAGRAPHS`.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_WORDS = 20_000  # words compared one by one, both texts together
MAX_PARAGRAPHS = 4_000

_WORD = re.compile(r"\S+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Span(NamedTuple):
    """A run of added words in the new text: offsets into it, and the words."""

    start: int
    end: int
    text: str


class _Token(NamedTuple):
    text: str
    start: int
    end: int
    after: str  # the whitespace that follows it in its text


def _breaks(whitespace: str) -> int:
    return len(_LINE_BREAK.findall(whitespace))


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs: runs of words with no blank line between them."""
    spans: list[tuple[int, int]] = []
    for start, end in _words(text):
        if spans and _breaks(text[spans[-1][1] : start]) < 2:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _tokens(text: str, spans: list[tuple[int, int]]) -> list[_Token]:
    return [
        _Token(
            text[start:end], start, end, text[end : spans[i + 1][0]] if i + 1 < len(spans) else ""
        )
        for i, (start, end) in enumerate(spans)
    ]


def _key(token: _Token) -> str:
    return " ".join(token.text.split())


def _opcodes(old: list[str], new: list[str], limit: int) -> list[tuple] | None:
    """difflib's opcodes, the common ends set aside; None when the rest passes `limit`."""
    size = min(len(old), len(new))
    head = 0
    while head < size and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < size - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old_end, new_end = len(old) - tail, len(new) - tail
    middle_old, middle_new = old[head:old_end], new[head:new_end]
    if len(middle_old) + len(middle_new) > limit:
        return None
    codes = [("equal", 0, head, 0, head)] if head else []
    matcher = SequenceMatcher(None, middle_old, middle_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        codes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        codes.append(("equal", old_end, len(old), new_end, len(new)))
    return codes


def _compare(old: str, new: str) -> tuple[list[_Token], list[_Token], list[tuple]]:
    """Tokens of both texts and the opcodes between them, at the finest level affordable."""
    for split, limit in ((_words, MAX_WORDS), (_paragraphs, MAX_PARAGRAPHS)):
        old_tokens, new_tokens = _tokens(old, split(old)), _tokens(new, split(new))
        codes = _opcodes([_key(t) for t in old_tokens], [_key(t) for t in new_tokens], limit)
        if codes is not None:
            return old_tokens, new_tokens, codes
    codes = []
    if old_tokens or new_tokens:
        codes = [("replace", 0, len(old_tokens), 0, len(new_tokens))]
    return old_tokens, new_tokens, codes


def _segments(tokens: list[_Token]) -> list[list[_Token]]:
    """Cut a run of tokens after each paragraph break."""
    groups: list[list[_Token]] = [[]]
    for token in tokens:
        groups[-1].append(token)
        if _breaks(token.after) >= 2:
            groups.append([])
    return [group for group in groups if group]


def _stream(old: str, new: str) -> list[tuple[str, _Token]]:
    """The tokens to show in order, each marked equal, del or ins."""
    old_tokens, new_tokens, codes = _compare(old, new)
    stream: list[tuple[str, _Token]] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            stream.extend(("equal", token) for token in new_tokens[j1:j2])
            continue
        if stream and stream[-1][0] == "equal" and i2 > i1:
            # Before removed words, keep the break the old text had there.
            last = stream[-1][1]
            stream[-1] = ("equal", last._replace(after=old_tokens[i1 - 1].after))
        # Removed and added words paragraph by paragraph, each removal before its addition.
        removed, added = _segments(old_tokens[i1:i2]), _segments(new_tokens[j1:j2])
        for index in range(max(len(removed), len(added))):
            gone = removed[index] if index < len(removed) else []
            come = added[index] if index < len(added) else []
            if gone and come:
                gone = [*gone[:-1], gone[-1]._replace(after=" ")]
            stream.extend(("del", token) for token in gone)
            stream.extend(("ins", token) for token in come)
    return stream


def _separator(whitespace: str) -> str:
    breaks = _breaks(whitespace)
    return "paragraph" if breaks >= 2 else "<br>" if breaks else " "


def _lines(token: _Token) -> str:
    """A token's text escaped, its own line breaks (a whole paragraph's) kept."""
    return "<br>".join(escape(" ".join(line.split())) for line in _LINE_BREAK.split(token.text))


def word_diff(old: str, new: str) -> SafeString:
    """Render the new text with removed words in <del> and added ones in <ins>, escaped."""
    paragraphs: list[str] = []
    parts: list[str] = []
    open_tag: str | None = None
    pending = ""
    for tag, token in _stream(old or "", new or ""):
        wanted = None if tag == "equal" else tag
        if wanted != open_tag:
            if open_tag:
                parts.append(f"</{open_tag}>")
            parts.append(pending)
            if wanted:
                parts.append(f"<{wanted}>")
            open_tag = wanted
        else:
            parts.append(pending)
        parts.append(_lines(token))
        pending = _separator(token.after)
        if pending == "paragraph":
            if open_tag:
                parts.append(f"</{open_tag}>")
                open_tag = None
            paragraphs.append("".join(parts))
            parts, pending = [], ""
    if open_tag:
        parts.append(f"</{open_tag}>")
    if parts:
        paragraphs.append("".join(parts))
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - every word is escaped


def changed_words(old: str, new: str) -> list[Span]:
    """Return the runs of words of new that old does not have, for highlighting."""
    spans: list[Span] = []
    run: list[_Token] = []
    for tag, token in [*_stream(old or "", new or ""), ("end", None)]:
        if tag == "del":
            continue
        if tag == "ins":
            run.append(token)
        elif run:
            start, end = run[0].start, run[-1].end
            spans.append(Span(start, end, new[start:end]))
            run = []
    return spans
