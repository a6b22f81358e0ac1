"""Corrections of quotations: reject one, or say who said it.

Both are editors' decisions that re-tagging keeps: a rejected quote stays out (no machine
quote is stored on its span again), and a quote whose speaker an editor chose becomes an
editor's quote, which re-tagging neither replaces nor overlaps.
"""

from django.utils.translation import gettext

from articles.curation.records import Action, CurationError, User, _correct, _lock, correcting
from articles.models import Correction, Entity, Quote
from articles.signals import announce_changed

_QUOTE_FIELDS = (
    "id", "article_id", "start", "end", "speaker_id", "speaker_text", "verb", "partial",
    "origin", "rejected",
)  # fmt: skip
EXCERPT_CHARS = 60


def _quote_state(quote: Quote) -> dict:
    return {field: getattr(quote, field) for field in _QUOTE_FIELDS}


def excerpt(quote: Quote, body: str | None = None) -> str:
    """The first words of the quote, for summaries and lists."""
    text = quote.article.body if body is None else body
    words = " ".join(text[quote.start : quote.end].split())
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1].rstrip() + "…"


def reject_quote(*, quote: Quote, user: User) -> Correction:
    """Say these words are not a quotation; re-tagging will not store them again."""
    with correcting():
        quote = _lock(Quote, quote.pk, gettext("This quote"))
        if quote.rejected:
            raise CurationError(gettext("This quote is already rejected."))
        before = _quote_state(quote)
        quote.rejected = True
        quote.save(update_fields=["rejected"])
        announce_changed([quote.article_id])  # the index holds who said what
        return _correct(
            Action.REJECT_QUOTE, user, quote.speaker,
            gettext("Quote « %(words)s » rejected (dispatch %(article)s)")
            % {"words": excerpt(quote), "article": quote.article_id},
            retag=(), before=before, after=_quote_state(quote),
        )  # fmt: skip


def change_quote_speaker(*, quote: Quote, entity: Entity | None, user: User) -> Correction:
    """Attribute the quote to another entity (None: an unnamed speaker), as an editor's quote."""
    with correcting():
        quote = _lock(Quote, quote.pk, gettext("This quote"))
        old = quote.speaker
        before = _quote_state(quote)
        quote.speaker, quote.origin, quote.rejected = entity, Quote.Origin.EDITOR, False
        quote.save(update_fields=["speaker", "origin", "rejected"])
        announce_changed([quote.article_id])
        old_name = old.name if old else gettext("unknown speaker")
        new_name = entity.name if entity else gettext("unknown speaker")
        return _correct(
            Action.CHANGE_QUOTE_SPEAKER, user, entity,
            gettext("Quote « %(words)s »: « %(old)s » → « %(new)s »")
            % {"words": excerpt(quote), "old": old_name, "new": new_name},
            retag=(), involved=[old] if old else [], before=before, after=_quote_state(quote),
        )  # fmt: skip
