"""Quotation marks paired into candidate quotations, paragraph by paragraph."""

from __future__ import annotations

import re

from articles.quotes.vocabulary import _BLANK_LINE, _KIND, _MARKS, _MAX_DEPTH, _OPENERS

# --- marks ----------------------------------------------------------------------------


def _looks_closing(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _has_blank_lines(text: str) -> bool:
    return re.search(_BLANK_LINE, text) is not None


def _pair_marks(text: str, blank_lines: bool) -> list[tuple[int, int]]:
    """Return the (opening, closing) mark positions of the outermost quotations, in order."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int, list]] = []  # (kind, opening position, nested pairs)
    skip = -1  # a mark reopening a continued quotation
    for match in _MARKS[blank_lines].finditer(text):
        i, mark = match.start(), match.group()
        if mark.isspace():
            after = match.end()
            if stack and after < len(text) and text[after] in _OPENERS[stack[0][0]]:
                del stack[1:]
                skip = after
            else:
                while stack:
                    nested = stack.pop()[2]
                    (stack[-1][2] if stack else pairs).extend(nested)
            continue
        if i == skip:
            continue
        kind = _KIND[mark]
        open_at = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == kind), None)
        if (
            mark in "»”"
            or (mark == '"' and open_at is not None and _looks_closing(text, i))
            or (mark == '"' and open_at is not None and not text[i + 1 : i + 2].isalnum())
        ):
            closing = True
        else:
            closing = mark == "“" and open_at is not None and _looks_closing(text, i)
        if closing:
            if open_at is None:
                continue  # a closing mark alone
            opening = stack[open_at][1]
            del stack[open_at:]
            (stack[-1][2] if stack else pairs).append((opening, i))
        elif len(stack) < _MAX_DEPTH:
            stack.append((kind, i, []))
    while stack:
        nested = stack.pop()[2]
        (stack[-1][2] if stack else pairs).extend(nested)
    return pairs
