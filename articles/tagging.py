"""Tagging service: spans from the NER -> canonical entities and mentions."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from kombu.exceptions import OperationalError as BrokerError

from articles import ner
from articles.models import Article, Entity, EntityAlias, Mention, RejectedForm
from search.indexing import mark_articles

logger = logging.getLogger(__name__)


@dataclass
class TaggingReport:
    tagged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)


def chunked(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    """Yield the ids in lists of at most `size`."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def send_tagging_tasks(article_ids: Sequence[int]) -> bool:
    """Queue tagging tasks now; False when the broker is unreachable (the sweep retries)."""
    from articles.tasks import tag_articles_task

    try:
        for chunk in chunked(list(article_ids), settings.TAGGING_BATCH_SIZE):
            tag_articles_task.apply_async(
                args=[chunk], retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2}
            )
    except (BrokerError, ConnectionError, OSError) as error:
        logger.warning("broker unreachable, %d articles stay pending: %s", len(article_ids), error)
        return False
    return True


def enqueue_tagging(article_ids: Sequence[int]) -> None:
    """Queue the articles for tagging once the current transaction commits."""
    ids = list(article_ids)
    if ids:
        transaction.on_commit(lambda: send_tagging_tasks(ids))


def load_lexicon() -> ner.Lexicon:
    """Read the editors' curated aliases and rejected forms for the tagger."""
    aliases = {
        key: (kind, name)
        for key, kind, name in EntityAlias.objects.filter(curated=True).values_list(
            "key", "kind", "entity__name"
        )
    }
    rejected = frozenset(RejectedForm.objects.values_list("key", flat=True))
    return ner.Lexicon(aliases=aliases, rejected=rejected)


def _unique_slug(name: str, kind: str) -> str:
    base = (slugify(name) or "entite")[:290]
    slug = f"{base}-{kind.lower()}"
    suffix = 2
    while Entity.objects.filter(slug=slug).exists():
        slug = f"{base}-{kind.lower()}-{suffix}"
        suffix += 1
    return slug


def resolve_entity(*, kind: str, name: str, surface: str | None = None) -> Entity:
    """Find the entity a name stands for through the alias table, creating it if new."""
    key = ner.normalize_form(name)
    alias = EntityAlias.objects.select_related("entity").filter(kind=kind, key=key).first()
    if alias is None:
        try:
            with transaction.atomic():
                entity = Entity.objects.create(kind=kind, name=name, slug=_unique_slug(name, kind))
                EntityAlias.objects.create(entity=entity, kind=kind, key=key, surface=name)
        except IntegrityError:
            # A concurrent worker created it first: use theirs.
            alias = EntityAlias.objects.select_related("entity").get(kind=kind, key=key)
            entity = alias.entity
    else:
        entity = alias.entity
    if surface and (surface_key := ner.normalize_form(surface)) != key:
        EntityAlias.objects.get_or_create(
            kind=kind, key=surface_key, defaults={"entity": entity, "surface": surface}
        )
    return entity


def _save_mentions(article: Article, spans: list[ner.Span], tagger: str) -> None:
    kept = Mention.objects.filter(article=article).exclude(
        origin__in=[Mention.Origin.MODEL, Mention.Origin.RULE], rejected=False
    )
    kept_ranges = list(kept.values_list("start", "end"))
    Mention.objects.filter(
        article=article, origin__in=[Mention.Origin.MODEL, Mention.Origin.RULE], rejected=False
    ).delete()
    cache: dict[tuple[str, str, str], Entity] = {}
    mentions = []
    for span in spans:
        if any(span.start < end and start < span.end for start, end in kept_ranges):
            continue  # an editor decided about this stretch of text
        cache_key = (span.label, span.canonical, span.text)
        if cache_key not in cache:
            cache[cache_key] = resolve_entity(
                kind=span.label, name=span.canonical, surface=span.text
            )
        mentions.append(
            Mention(
                article=article,
                entity=cache[cache_key],
                start=span.start,
                end=span.end,
                surface=span.text[:300],
                origin=Mention.Origin.RULE if span.origin == "rule" else Mention.Origin.MODEL,
            )
        )
    Mention.objects.bulk_create(mentions)
    Article.objects.filter(pk=article.pk).update(
        tagging_status=Article.Tagging.DONE,
        tagging_error="",
        tagged_at=timezone.now(),
        tagger=tagger,
    )


def tag_articles(*, article_ids: Sequence[int], force: bool = False) -> TaggingReport:
    """Tag the articles' bodies and replace their machine mentions, keeping editors' work."""
    report = TaggingReport()
    queryset = Article.objects.filter(pk__in=article_ids).only("pk", "body", "tagging_status")
    if not force:
        queryset = queryset.exclude(tagging_status=Article.Tagging.DONE)
    articles = list(queryset.order_by("pk"))
    report.skipped = sorted(set(article_ids) - {a.pk for a in articles})
    if not articles:
        return report
    too_long = [a for a in articles if len(a.body) > settings.TAGGING_MAX_CHARS]
    for article in too_long:
        reason = (
            f"the body is {len(article.body):,} characters, over the tagging limit of "
            f"{settings.TAGGING_MAX_CHARS:,} (TAGGING_MAX_CHARS): split the dispatch"
        )
        Article.objects.filter(pk=article.pk).update(
            tagging_status=Article.Tagging.FAILED, tagging_error=reason
        )
        report.failed[article.pk] = reason
    articles = [a for a in articles if len(a.body) <= settings.TAGGING_MAX_CHARS]
    if not articles:
        return report
    lexicon = load_lexicon()
    tagger = ner.model_version()
    try:
        all_spans = ner.extract_entities_batch([a.body for a in articles], lexicon=lexicon)
    except Exception:
        all_spans = None  # one bad text spoils the batch: retry each alone to name it
    for index, article in enumerate(articles):
        try:
            spans = (
                all_spans[index]
                if all_spans is not None
                else ner.extract_entities(article.body, lexicon=lexicon)
            )
            with transaction.atomic():
                locked = Article.objects.select_for_update().filter(pk=article.pk)
                status = locked.values_list("tagging_status", flat=True).first()
                if status is None or (status == Article.Tagging.DONE and not force):
                    report.skipped.append(article.pk)
                    continue
                _save_mentions(article, spans, tagger)
            report.tagged.append(article.pk)
        except (IntegrityError, ValueError, RuntimeError, MemoryError) as error:
            reason = f"{type(error).__name__}: {error}"[:2000]
            logger.warning("tagging article %s failed: %s", article.pk, reason)
            Article.objects.filter(pk=article.pk).update(
                tagging_status=Article.Tagging.FAILED, tagging_error=reason
            )
            report.failed[article.pk] = reason
    mark_articles(report.tagged)
    return report
