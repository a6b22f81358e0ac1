"""What the index holds for an article: its entities by kind, who it quotes, and a version
to spot drift."""

import hashlib
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from articles.models import Article, Mention, Quote

KIND_FIELDS = {"PER": "people", "LOC": "places", "ORG": "orgs", "MISC": "misc"}


def attributed_quotes() -> QuerySet[Quote]:
    """The quotes the index holds: not rejected, with a named speaker."""
    return Quote.objects.filter(rejected=False, speaker__isnull=False)


def articles_for_index() -> QuerySet[Article]:
    """Return articles with their source, live mentions and attributed quotes (3 queries)."""
    live = (
        Mention.objects.filter(rejected=False)
        .select_related("entity")
        .only("article_id", "entity__kind", "entity__name")
        .order_by()
    )
    quotes = attributed_quotes().only("article_id", "speaker_id", "start", "end").order_by()
    return (
        Article.objects.select_related("source")
        .prefetch_related(
            Prefetch("mentions", queryset=live, to_attr="live_mentions"),
            Prefetch("quotes", queryset=quotes, to_attr="attributed_quotes"),
        )
        .order_by("pk")
    )


def said_quotes(article: Article) -> list[tuple[int, int, int]]:
    """Return (speaker id, start, end) of an article's attributed quotes, in text order."""
    quotes = getattr(article, "attributed_quotes", None)
    if quotes is None:
        quotes = attributed_quotes().filter(article=article)
    return sorted((q.speaker_id, q.start, q.end) for q in quotes)


def entity_names(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group (kind, name) pairs into distinct names per index field, in first-seen order."""
    names: dict[str, dict[str, None]] = {field: {} for field in KIND_FIELDS.values()}
    for kind, name in pairs:
        if kind in KIND_FIELDS:
            names[KIND_FIELDS[kind]][name] = None
    return {field: list(found) for field, found in names.items()}


def document_version(
    *,
    updated_at: datetime,
    source: str,
    names: dict[str, list[str]],
    quotes: Iterable[tuple[int, int, int]] = (),
) -> str:
    """Fingerprint what the index shows of an article: a change anywhere makes it stale."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{updated_at.isoformat()}\x1e{source}".encode())
    for field in sorted(names):
        digest.update(f"\x1e{field}\x1f{chr(31).join(sorted(names[field]))}".encode())
    # Only dispatches that quote someone change version: the others stay as indexed.
    for speaker_id, start, end in sorted(quotes):
        digest.update(f"\x1eq{speaker_id}:{start}:{end}".encode())
    return digest.hexdigest()[:20]


def expected_versions(batch_size: int = 5000) -> Iterator[tuple[int, str]]:
    """Yield (article id, version) for every article, as check_index compares them."""
    last_id = 0
    while True:
        rows = list(
            Article.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "updated_at", "source__name")[:batch_size]
        )
        if not rows:
            return
        last_id = rows[-1][0]
        pairs: dict[int, list[tuple[str, str]]] = {pk: [] for pk, _, _ in rows}
        mentions = Mention.objects.filter(article_id__in=list(pairs), rejected=False).values_list(
            "article_id", "entity__kind", "entity__name"
        )
        for article_id, kind, name in mentions.order_by():
            pairs[article_id].append((kind, name))
        quotes: dict[int, list[tuple[int, int, int]]] = {pk: [] for pk in pairs}
        spans = attributed_quotes().filter(article_id__in=list(pairs))
        for article_id, *quote in spans.values_list("article_id", "speaker_id", "start", "end"):
            quotes[article_id].append(tuple(quote))
        for pk, updated_at, source in rows:
            names = entity_names(pairs[pk])
            yield (
                pk,
                document_version(
                    updated_at=updated_at, source=source, names=names, quotes=quotes[pk]
                ),
            )
