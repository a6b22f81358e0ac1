"""Tagging service: spans from the NER -> canonical entities and mentions.

A batch of articles is written in a constant number of queries: the aliases of every
span in the batch are read at once, new entities and aliases are bulk-inserted, and the
mentions of all the articles go in one insert. The unique (kind, key) alias constraint
decides between workers that create the same entity at the same time.

The quotations of each article are then read from its body and final spans (the machine
ones written plus the editors' mentions) and replace its machine quotes in the same
transaction; editors' quotes and rejected ones stay, and keep new quotes off their text.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from kombu.exceptions import OperationalError as BrokerError

from articles import locks, ner
from articles.models import Article, Entity, EntityAlias, Mention, Quote, RejectedForm
from articles.quotes import extract_quotes
from articles.signals import announce_changed

logger = logging.getLogger(__name__)

# Errors that belong to one article's data: it is marked failed, the others go on.
ARTICLE_ERRORS = (IntegrityError, DataError, ValueError, RuntimeError, MemoryError)
MACHINE_ORIGINS = (Mention.Origin.MODEL, Mention.Origin.RULE)
RESOLVE_ATTEMPTS = 5
MENTION_INSERT_BATCH = 2000
QUOTE_INSERT_BATCH = 2000

AliasKey = tuple[str, str]  # (kind, normalized key)
Name = tuple[str, str, str]  # (kind, name, surface)


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


def enqueue_grouping(article_ids: Sequence[int]) -> None:
    """Queue articles that are not tagged (not French) for story grouping after commit;
    the sweep groups them if the broker is down."""
    from articles.tasks import group_stories_task

    ids = list(article_ids)

    def send() -> None:
        try:
            for chunk in chunked(ids, settings.TAGGING_BATCH_SIZE):
                group_stories_task.apply_async(args=[chunk], retry=True)
        except (BrokerError, ConnectionError, OSError) as error:
            logger.warning("broker unreachable, %d articles wait for grouping: %s", len(ids), error)

    if ids:
        transaction.on_commit(send)


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


# --- entities -----------------------------------------------------------------------


@dataclass(eq=False)
class _NewEntity:
    kind: str
    name: str
    slug: str = ""
    pk: int | None = None


_Alias = tuple[AliasKey, str, _NewEntity | int]  # key, surface, the entity it points to


def _pk(target: _NewEntity | int) -> int:
    return target.pk if isinstance(target, _NewEntity) else target


def _assign_slugs(entities: Sequence[_NewEntity]) -> None:
    """Give each new entity a free slug: name-kind, then name-kind-2, -3... (two reads)."""
    bases = [f"{(slugify(e.name) or 'entite')[:290]}-{e.kind.lower()}" for e in entities]
    taken = set(Entity.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    crowded = taken | {base for base, count in Counter(bases).items() if count > 1}
    if crowded:
        numbered = reduce(or_, (Q(slug__startswith=f"{base}-") for base in crowded))
        taken |= set(Entity.objects.filter(numbered).values_list("slug", flat=True))
    for entity, base in zip(entities, bases, strict=True):
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        entity.slug = slug


def _unique_slug(name: str, kind: str) -> str:
    entity = _NewEntity(kind=kind, name=name)
    _assign_slugs([entity])
    return entity.slug


def _alias_targets(keys: Iterable[AliasKey]) -> dict[AliasKey, int]:
    """Read the entity id each (kind, key) alias points to, in one query."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, key in keys:
        by_kind[kind].add(key)
    if not by_kind:
        return {}
    wanted = reduce(or_, (Q(kind=kind, key__in=same_kind) for kind, same_kind in by_kind.items()))
    rows = EntityAlias.objects.filter(wanted).values_list("kind", "key", "entity_id")
    return {(kind, key): entity_id for kind, key, entity_id in rows}


def _plan(
    names: Sequence[Name],
) -> tuple[dict[AliasKey, int | _NewEntity], list[_NewEntity], list[_Alias]]:
    """Resolve names in order against the alias table, as one-by-one creation would."""
    keys = [
        (kind, ner.normalize_form(form))
        for kind, name, surface in names
        for form in (name, surface)
        if form
    ]
    known: dict[AliasKey, int | _NewEntity] = dict(_alias_targets(keys))
    created: list[_NewEntity] = []
    aliases: list[_Alias] = []
    for kind, name, surface in names:
        key = ner.normalize_form(name)
        target = known.get((kind, key))
        if target is None:
            target = known[(kind, key)] = _NewEntity(kind=kind, name=name)
            created.append(target)
            aliases.append(((kind, key), name, target))
        if surface and (kind, surface_key := ner.normalize_form(surface)) not in known:
            known[(kind, surface_key)] = target
            aliases.append(((kind, surface_key), surface, target))
    return known, created, aliases


def _write_plan(names: Sequence[Name]) -> dict[AliasKey, int]:
    """Resolve the names, creating what is missing; IntegrityError if another worker won."""
    known, created, aliases = _plan(names)
    if aliases:
        _write_new(created, aliases)
    return {alias_key: _pk(target) for alias_key, target in known.items()}


def _write_new(created: list[_NewEntity], aliases: list[_Alias]) -> None:
    """Insert the new entities and aliases; raise IntegrityError if a key went elsewhere."""
    with transaction.atomic():
        if created:
            _assign_slugs(created)
            rows = Entity.objects.bulk_create(
                Entity(kind=e.kind, name=e.name, slug=e.slug) for e in created
            )
            for entity, row in zip(created, rows, strict=True):
                entity.pk = row.pk
        # Sorted, so two workers inserting overlapping keys lock them in the same order.
        aliases.sort(key=lambda alias: alias[0])
        EntityAlias.objects.bulk_create(
            [
                EntityAlias(kind=kind, key=key, surface=surface, entity_id=_pk(target))
                for (kind, key), surface, target in aliases
            ],
            ignore_conflicts=True,
        )
        winners = _alias_targets(alias_key for alias_key, _, _ in aliases)
        for alias_key, _, target in aliases:
            if winners.get(alias_key) != _pk(target):
                raise IntegrityError(f"alias {alias_key} was created by another worker")


def resolve_names(names: Sequence[Name]) -> dict[AliasKey, int]:
    """Map each name's (kind, key) to its entity id, creating new entities and aliases."""
    for _ in range(RESOLVE_ATTEMPTS - 1):
        try:
            return _write_plan(names)
        except IntegrityError:
            continue  # a concurrent worker created some of them first: plan again, use theirs
    return _write_plan(names)


def resolve_entity(*, kind: str, name: str, surface: str | None = None) -> Entity:
    """Find the entity a name stands for through the alias table, creating it if new."""
    entity_ids = resolve_names([(kind, name, surface or "")])
    return Entity.objects.get(pk=entity_ids[(kind, ner.normalize_form(name))])


# --- quotations ---------------------------------------------------------------------


@dataclass(frozen=True)
class _FinalSpan:
    """A span of an article as it stands after tagging, with the entity it resolved to."""

    start: int
    end: int
    label: str
    text: str
    canonical: str
    entity_id: int


def _quotes_for(
    article_id: int,
    body: str,
    spans: list[_FinalSpan],
    kept: list[tuple[int, int, bool]],
) -> list[Quote]:
    """The machine quotes of one article; none on a rejected quote's span or over an editor's."""
    rejected = {(start, end) for start, end, is_rejected in kept if is_rejected}
    editors = [(start, end) for start, end, is_rejected in kept if not is_rejected]
    quotes = []
    for found in extract_quotes(body, spans):
        if (found.start, found.end) in rejected or any(
            found.start < end and start < found.end for start, end in editors
        ):
            continue
        quotes.append(
            Quote(
                article_id=article_id,
                start=found.start,
                end=found.end,
                speaker_id=None if found.speaker is None else spans[found.speaker].entity_id,
                speaker_text=found.speaker_text[:300],
                verb=(found.verb or "")[:50],
                partial=found.partial,
                origin=Quote.Origin.MODEL,
            )
        )
    return quotes


def _save_quotes(
    bodies: dict[int, str], spans_by_article: dict[int, list[_FinalSpan]], todo: list[int]
) -> None:
    """Replace the machine quotes of the articles (three queries for the whole batch)."""
    kept: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    for article_id, start, end, rejected in (
        Quote.objects.filter(article_id__in=todo)
        .exclude(origin=Quote.Origin.MODEL, rejected=False)
        .values_list("article_id", "start", "end", "rejected")
    ):
        kept[article_id].append((start, end, rejected))
    Quote.objects.filter(article_id__in=todo, origin=Quote.Origin.MODEL, rejected=False).delete()
    Quote.objects.bulk_create(
        [
            quote
            for pk in todo
            for quote in _quotes_for(pk, bodies[pk], spans_by_article[pk], kept[pk])
        ],
        batch_size=QUOTE_INSERT_BATCH,
    )


# --- articles -----------------------------------------------------------------------


def _commit_without_flush() -> None:
    """Let this transaction's commit return before its WAL reaches the disk.

    Only for first tagging: if PostgreSQL crashes in that window the batch is lost whole,
    its articles are still pending, and the beat sweep tags them again. Nothing else is
    weakened (other transactions still wait), and each batch saves a disk flush.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _save_batch(
    spans_by_article: dict[int, list[ner.Span]], *, tagger: str, force: bool
) -> tuple[list[int], list[int]]:
    """Replace the machine mentions of the articles in one transaction; (tagged, skipped)."""
    with transaction.atomic():
        if not force:
            _commit_without_flush()
        locks.tagging()  # before any row lock: corrections wait for us, never deadlock
        locked = (
            Article.objects.select_for_update()
            .filter(pk__in=list(spans_by_article))
            .order_by("pk")
            .values_list("pk", "tagging_status", "body")
        )
        statuses, bodies = {}, {}
        for pk, status, body in locked:
            statuses[pk], bodies[pk] = status, body
        todo = [
            pk
            for pk in spans_by_article
            if pk in statuses and (force or statuses[pk] != Article.Tagging.DONE)
        ]
        skipped = [pk for pk in spans_by_article if pk not in todo]
        if not todo:
            return [], skipped
        machine = Mention.objects.filter(
            article_id__in=todo, origin__in=MACHINE_ORIGINS, rejected=False
        )
        kept: dict[int, list[tuple[int, int]]] = defaultdict(list)
        final: dict[int, list[_FinalSpan]] = defaultdict(list)  # spans the quotes are read with
        for article_id, start, end, origin, rejected, surface, kind, name, entity_id in (
            Mention.objects.filter(article_id__in=todo)
            .exclude(origin__in=MACHINE_ORIGINS, rejected=False)
            .values_list(
                "article_id",
                "start",
                "end",
                "origin",
                "rejected",
                "surface",
                "entity__kind",
                "entity__name",
                "entity_id",
            )
        ):
            kept[article_id].append((start, end))
            if origin == Mention.Origin.EDITOR and not rejected:
                final[article_id].append(_FinalSpan(start, end, kind, surface, name, entity_id))
        machine.delete()
        wanted = {
            pk: [
                span
                for span in spans_by_article[pk]
                # An editor decided about this stretch of text: leave it to them.
                if not any(span.start < end and start < span.end for start, end in kept[pk])
            ]
            for pk in todo
        }
        names = dict.fromkeys(
            (span.label, span.canonical, span.text) for spans in wanted.values() for span in spans
        )
        entity_ids = resolve_names(list(names))
        Mention.objects.bulk_create(
            [
                Mention(
                    article_id=pk,
                    entity_id=entity_ids[(span.label, ner.normalize_form(span.canonical))],
                    start=span.start,
                    end=span.end,
                    surface=span.text[:300],
                    origin=Mention.Origin.RULE if span.origin == "rule" else Mention.Origin.MODEL,
                )
                for pk, spans in wanted.items()
                for span in spans
            ],
            batch_size=MENTION_INSERT_BATCH,
        )
        for pk, spans in wanted.items():
            for span in spans:
                entity_id = entity_ids[(span.label, ner.normalize_form(span.canonical))]
                final[pk].append(
                    _FinalSpan(
                        span.start, span.end, span.label, span.text, span.canonical, entity_id
                    )
                )
            final[pk].sort(key=lambda span: (span.start, span.end))
        _save_quotes(bodies, final, todo)
        Article.objects.filter(pk__in=todo).update(
            tagging_status=Article.Tagging.DONE,
            tagging_error="",
            tagged_at=timezone.now(),
            tagger=tagger,
        )
        announce_changed(todo)
    return todo, skipped


def _fail(report: TaggingReport, article_id: int, reason: str) -> None:
    logger.warning("tagging article %s failed: %s", article_id, reason)
    with transaction.atomic():
        Article.objects.filter(pk=article_id).update(
            tagging_status=Article.Tagging.FAILED, tagging_error=reason
        )
        announce_changed([article_id])  # the indexer stops waiting for its entities
    report.failed[article_id] = reason


def _extract(articles: list[Article], report: TaggingReport) -> dict[int, list[ner.Span]]:
    """Run the NER over the bodies; an article whose text breaks it is marked failed."""
    lexicon = load_lexicon()
    try:
        return dict(
            zip(
                [a.pk for a in articles],
                ner.extract_entities_batch([a.body for a in articles], lexicon=lexicon),
                strict=True,
            )
        )
    except Exception:
        logger.info("the NER failed on a batch of %d: retrying each alone", len(articles))
    spans_by_article = {}
    for article in articles:
        try:
            spans_by_article[article.pk] = ner.extract_entities(article.body, lexicon=lexicon)
        except ARTICLE_ERRORS as error:
            _fail(report, article.pk, f"{type(error).__name__}: {error}"[:2000])
    return spans_by_article


def _save(
    spans_by_article: dict[int, list[ner.Span]], *, report: TaggingReport, tagger: str, force: bool
) -> None:
    """Save the batch in one transaction, or each article alone if one of them fails."""
    try:
        batches = [_save_batch(spans_by_article, tagger=tagger, force=force)]
    except ARTICLE_ERRORS as error:
        # One article spoils the batch's transaction: write each alone to name it.
        logger.info("saving %d articles failed (%s): each alone", len(spans_by_article), error)
        batches = []
        for pk, spans in spans_by_article.items():
            try:
                batches.append(_save_batch({pk: spans}, tagger=tagger, force=force))
            except ARTICLE_ERRORS as failure:
                _fail(report, pk, f"{type(failure).__name__}: {failure}"[:2000])
    for tagged, skipped in batches:
        report.tagged += tagged
        report.skipped += skipped


def tag_articles(*, article_ids: Sequence[int], force: bool = False) -> TaggingReport:
    """Tag the articles' bodies and replace their machine mentions, keeping editors' work."""
    report = TaggingReport()
    queryset = (
        Article.objects.filter(pk__in=article_ids)
        .exclude(tagging_status=Article.Tagging.SKIPPED)  # not French: never tagged
        .only("pk", "body", "tagging_status")
    )
    if not force:
        queryset = queryset.exclude(tagging_status=Article.Tagging.DONE)
    articles = list(queryset.order_by("pk"))
    report.skipped = sorted(set(article_ids) - {a.pk for a in articles})
    limit = settings.TAGGING_MAX_CHARS
    for article in [a for a in articles if len(a.body) > limit]:
        reason = (
            f"the body is {len(article.body):,} characters, over the tagging limit of "
            f"{limit:,} (TAGGING_MAX_CHARS): split the dispatch"
        )
        _fail(report, article.pk, reason)
    articles = [a for a in articles if len(a.body) <= limit]
    if not articles:
        return report
    spans_by_article = _extract(articles, report)
    _save(spans_by_article, report=report, tagger=ner.model_version(), force=force)
    return report
