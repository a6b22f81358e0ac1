"""Cursor pagination: opaque cursors for saved searches and for the engine's results."""

import base64
import binascii
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from search.services import RESULT_WINDOW

DEFAULT_SIZE = 20
MAX_SIZE = 100


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = DEFAULT_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_SIZE
    invalid_cursor_message = gettext_lazy("Invalid cursor: take the « next » link of a response.")

    def decode_cursor(self, request):
        # A bad cursor is a bad parameter (400), as on the search endpoint.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from error


@dataclass(frozen=True)
class Window:
    offset: int
    size: int


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o={offset}".encode()).decode().rstrip("=")


def read_window(params) -> Window:
    """Read `cursor` and `page_size`; raise ValidationError with French messages."""
    errors: dict[str, list[str]] = {}
    size = DEFAULT_SIZE
    raw_size = params.get("page_size", "")
    if raw_size:
        if raw_size.isdecimal() and 1 <= int(raw_size) <= MAX_SIZE:
            size = int(raw_size)
        else:
            errors["page_size"] = [
                gettext("A whole number from 1 to %(max)d is expected.") % {"max": MAX_SIZE}
            ]
    offset = 0
    raw_cursor = params.get("cursor", "")
    if raw_cursor:
        try:
            text = base64.urlsafe_b64decode(raw_cursor + "=" * (-len(raw_cursor) % 4)).decode()
            key, _, value = text.partition("=")
            if key != "o" or not value.isdecimal():
                raise ValueError(text)
            offset = int(value)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            errors["cursor"] = [str(NewestFirst.invalid_cursor_message)]
    if not errors and offset + size > RESULT_WINDOW:
        errors["cursor"] = [
            gettext("Beyond the first %(window)s results: narrow the search, or export it as CSV.")
            % {"window": f"{RESULT_WINDOW:,}".replace(",", " ")}
        ]
    if errors:
        raise ValidationError(errors)
    return Window(offset=offset, size=size)


def neighbour_links(url: str, window: Window, total: int) -> tuple[str | None, str | None]:
    """The `next` and `previous` links around this window of `total` results."""
    after = window.offset + window.size
    next_url = None
    if after < total and after + window.size <= RESULT_WINDOW:
        next_url = replace_query_param(url, "cursor", _encode(after))
    previous_url = None
    if window.offset > 0:
        before = max(0, window.offset - window.size)
        previous_url = (
            replace_query_param(url, "cursor", _encode(before))
            if before
            else remove_query_param(url, "cursor")
        )
    return next_url, previous_url
