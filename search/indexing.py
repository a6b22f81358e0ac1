"""Indexing service: mark articles, drain the queue into the index, find and repair drift.

Everything that changes what search shows calls `mark_articles` inside its transaction.
Only the index worker (`search.tasks.process_index_queue`, queue `index`, concurrency 1) and
the management commands call `process_queue`, so one process writes the index at a time.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from operator import or_

import redis
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from haystack import connections
from haystack.utils import get_model_ct
from kombu.exceptions import OperationalError as BrokerError

from articles.models import Article
from search.documents import articles_for_index, expected_versions
from search.models import IndexQueue
from search.query import IndexUnavailable

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
TIME_BUDGET_SECONDS = 1200


def mark_articles(article_ids: Iterable[int]) -> None:
    """Record articles as needing (re)indexing; the index worker is told after commit."""
    if _enqueue(article_ids):
        transaction.on_commit(send_index_task)


def _enqueue(article_ids: Iterable[int]) -> int:
    ids = sorted({int(pk) for pk in article_ids})
    now = timezone.now()
    IndexQueue.objects.bulk_create(
        [IndexQueue(article_id=pk, marked_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["article_id"],
        update_fields=["marked_at"],
        batch_size=1000,
    )
    return len(ids)


def mark_deleted(article_ids: Iterable[int]) -> None:
    """Record deleted articles: the worker removes documents whose article is gone."""
    mark_articles(article_ids)


WAKE_KEY = "newsroom:index-wake"
NOW, LATER = b"now", b"later"  # the kind of wake on its way: at once, or a put-off commit
WAKE_TTL_SECONDS = 60  # a wake lost with a killed worker blocks others this long at most
_BROKERS: dict[str, redis.Redis] = {}


def _broker() -> redis.Redis:
    from newsroom.celery import app

    url = app.conf.broker_url
    if url not in _BROKERS:
        _BROKERS[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return _BROKERS[url]


def send_index_task(countdown: float | None = None) -> bool:
    """Wake the index worker (now, or in `countdown` seconds) unless a wake is already on
    its way; False when the broker is down (the beat sweep drains the queue later).

    Every tagging batch and imported file marks articles: without this, each sent a task,
    and the worker spent more time answering empty wakes than indexing.
    """
    from search.tasks import process_index_queue

    ttl = int(countdown or 0) + WAKE_TTL_SECONDS
    try:
        broker = _broker()
        if not broker.set(WAKE_KEY, LATER if countdown else NOW, nx=True, ex=ttl):
            if countdown or broker.get(WAKE_KEY) != LATER or tagging_pending():
                return True  # the pending wake will find these marks
            # The indexer put off a small commit for marks to come, and none will: the
            # last tagging batch is in, so index it now rather than after the delay.
            broker.set(WAKE_KEY, NOW, ex=WAKE_TTL_SECONDS)
        process_index_queue.apply_async(
            countdown=countdown,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2},
        )
    except (BrokerError, redis.RedisError, ConnectionError, OSError) as error:
        logger.warning("broker unreachable, the index queue waits for the sweep: %s", error)
        return False
    return True


def clear_wake() -> None:
    """Called by the worker as it starts: marks made from now on wake it again."""
    try:
        _broker().delete(WAKE_KEY)
    except (redis.RedisError, OSError) as error:
        logger.warning("could not clear the index wake (it expires by itself): %s", error)


def search_backend():
    return connections["default"].get_backend()


def article_index():
    return connections["default"].get_unified_index().get_index(Article)


def document_id(article_id: int) -> str:
    return f"{get_model_ct(Article)}.{article_id}"


@dataclass
class QueueReport:
    indexed: int = 0
    removed: int = 0
    batches: int = 0
    remaining: bool = False
    wait: float = 0.0  # seconds until the marks left behind make a commit worth it


def process_batch(rows: list[tuple[int, object]]) -> tuple[int, int]:
    """Index one batch of queue rows in one commit; return (indexed, removed)."""
    ids = [article_id for article_id, _ in rows]
    articles = list(articles_for_index().filter(pk__in=ids))
    present = {article.pk for article in articles}
    removed = [document_id(pk) for pk in ids if pk not in present]
    search_backend().apply(article_index(), articles, removed)
    # A row marked again while we worked keeps its newer marked_at and stays queued.
    done = reduce(or_, (Q(article_id=pk, marked_at=marked) for pk, marked in rows))
    IndexQueue.objects.filter(done).delete()
    return len(articles), len(removed)


def tagging_pending() -> bool:
    """Whether articles still wait for their tagging, whose marks will come soon."""
    return Article.objects.filter(tagging_status=Article.Tagging.PENDING).exists()


def due_marks(untagged_delay: float = 0) -> QuerySet:
    """The marks to index now: all of them, except, with a delay, those of articles
    imported less than `untagged_delay` seconds ago and still waiting for tagging."""
    marks = IndexQueue.objects.all()
    if untagged_delay > 0:
        waiting = Article.objects.filter(
            pk=OuterRef("article_id"),
            tagging_status=Article.Tagging.PENDING,
            imported_at__gt=timezone.now() - timedelta(seconds=untagged_delay),
        )
        marks = marks.exclude(Exists(waiting))
    return marks


def process_queue(
    *,
    batch_size: int = BATCH_SIZE,
    time_budget: float = TIME_BUDGET_SECONDS,
    untagged_delay: float = 0,
    commit_delay: float = 0,
) -> QueueReport:
    """Drain the index queue in batches, oldest marks first, until empty or out of time.

    With `untagged_delay`, a freshly imported article waits (at most that long) for its
    tagging, so it is indexed once, with its entities, rather than twice; the beat's
    sweep picks it up once it is due.

    With `commit_delay`, a batch smaller than `batch_size` waits until its oldest mark
    is that old, while articles still wait for their tagging: marks arriving meanwhile
    join it. With nothing left to tag, no mark is coming and the batch goes at once.
    Every Whoosh commit writes a segment and, every tenth, merges them, so one commit per
    tagging batch cost the index worker several times the indexing itself. `report.wait`
    says when to come back.
    """
    report = QueueReport()
    deadline = time.monotonic() + time_budget
    while True:
        rows = list(
            due_marks(untagged_delay)
            .order_by("marked_at", "article_id")
            .values_list("article_id", "marked_at")[:batch_size]
        )
        if not rows:
            return report
        age = (timezone.now() - rows[0][1]).total_seconds()
        if len(rows) < batch_size and age < commit_delay and tagging_pending():
            report.wait = commit_delay - age
            return report
        indexed, removed = process_batch(rows)
        report.indexed += indexed
        report.removed += removed
        report.batches += 1
        if time.monotonic() > deadline:
            report.remaining = due_marks(untagged_delay).exists()
            return report


@dataclass
class IndexDrift:
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    queued: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    @property
    def article_ids(self) -> list[int]:
        return sorted({*self.missing, *self.stale, *self.extra})


def find_drift() -> IndexDrift:
    """Compare every article's version with the index: missing, stale and extra documents."""
    try:
        indexed = search_backend().indexed_versions()
    except IndexUnavailable:
        indexed = {}
    drift = IndexDrift()
    for pk, version in expected_versions():
        found = indexed.pop(pk, None)
        if found is None:
            drift.missing.append(pk)
        elif found != version:
            drift.stale.append(pk)
    drift.extra = sorted(indexed)
    if not drift.clean:
        drift.queued = IndexQueue.objects.filter(article_id__in=drift.article_ids).count()
    return drift


@dataclass
class RebuildReport:
    indexed: int = 0
    repaired: QueueReport = field(default_factory=QueueReport)


def article_batches(batch_size: int = BATCH_SIZE) -> Iterator[list[Article]]:
    """Yield every article, ready for the index, `batch_size` at a time in id order."""
    last_id = 0
    while True:
        batch = list(articles_for_index().filter(pk__gt=last_id)[:batch_size])
        if not batch:
            return
        last_id = batch[-1].pk
        yield batch


def rebuild(*, batch_size: int = BATCH_SIZE) -> RebuildReport:
    """Index every article afresh, then catch up with what changed meanwhile.

    On OpenSearch the new index is built beside the serving one and swapped in at the end;
    the index worker went on writing to the old one, so the drift found after the swap is
    exactly what changed during the rebuild.
    """
    report = RebuildReport()
    report.indexed = search_backend().rebuild(article_index(), article_batches(batch_size))
    drift = find_drift()
    if not drift.clean:
        report.repaired = repair(drift)
    return report


def repair(drift: IndexDrift) -> QueueReport:
    """Mark every drifting article and drain the queue now."""
    _enqueue(drift.article_ids)
    return process_queue(time_budget=float("inf"))
