"""Celery tasks: thin, idempotent wrappers that take ids and call a service."""

import logging
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from articles import importing, stories, tagging, watching
from articles.models import Article, ImportBatch
from newsroom.celery import RETRYING

TRANSIENT = (OperationalError, InterfaceError, ConnectionError)
logger = logging.getLogger(__name__)
SWEEP_LIMIT = 20_000


@shared_task(autoretry_for=TRANSIENT, soft_time_limit=1200, time_limit=1500, **RETRYING)
def tag_articles_task(article_ids: list[int]) -> dict:
    """Group a batch of new articles into stories, then tag them (already-tagged ones are
    skipped). Grouping first: the index then sees each article with its story."""
    try:
        stories.group_articles(article_ids)
    except TRANSIENT:
        raise
    except Exception:
        # Grouping must never keep a batch from being tagged: the sweep groups it later.
        logger.exception("grouping articles %s failed; tagging them anyway", article_ids[:5])
    report = tagging.tag_articles(article_ids=article_ids)
    return {"tagged": len(report.tagged), "failed": len(report.failed)}


@shared_task(autoretry_for=TRANSIENT, soft_time_limit=1200, time_limit=1500, **RETRYING)
def group_stories_task(article_ids: list[int], force: bool = False) -> dict:
    """Group articles into stories (those already grouped are skipped unless forced)."""
    report = stories.group_articles(article_ids, force=force)
    return {"grouped": report.grouped, "joined": report.joined}


@shared_task(acks_late=True, soft_time_limit=6 * 3600, time_limit=6 * 3600 + 300)
def regroup_stories_task() -> dict:
    """Regroup the whole archive in publication order (manage.py group_stories --all)."""
    report = stories.regroup_all()
    return {"grouped": report.grouped, "joined": report.joined}


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def sweep_ungrouped(older_than_seconds: int = 120) -> int:
    """Group articles left ungrouped (a worker lost mid-batch, an import before upgrading)."""
    ids = stories.pending_ids(limit=SWEEP_LIMIT, older_than=timedelta(seconds=older_than_seconds))
    for start in range(0, len(ids), 500):
        group_stories_task.delay(ids[start : start + 500])
    return len(ids)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def sweep_pending(older_than_seconds: int = 120) -> int:
    """Re-queue articles left pending, e.g. imported while the broker was down."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Article.objects.filter(tagging_status=Article.Tagging.PENDING, imported_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    if ids:
        tagging.send_tagging_tasks(ids)
    return len(ids)


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3300)
def run_import(batch_id: int, paths: list[str], names: list[str], encoding: str = "auto") -> None:
    """Import an uploaded batch; files already recorded in it are not imported twice."""
    batch = ImportBatch.objects.filter(pk=batch_id).select_related("source").first()
    if batch is None or batch.status == ImportBatch.Status.DONE:
        return
    done = set(batch.files.values_list("name", flat=True))
    todo = [(Path(p), n) for p, n in zip(paths, names, strict=True) if n not in done]
    try:
        importing.import_files(
            paths=[p for p, _ in todo],
            names=[n for _, n in todo],
            source=batch.source,
            batch=batch,
            encoding=encoding,
        )
    except Exception as error:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3300)
def sweep_watch_folder() -> dict:
    """Import the complete files of IMPORT_WATCH_DIR (one sweep at a time)."""
    Path(settings.IMPORT_WATCH_DIR).mkdir(parents=True, exist_ok=True)
    report = watching.sweep()
    return {"batch": report.batch_id, "imported": report.imported, "failed": report.failed}
