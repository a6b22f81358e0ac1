"""The index worker's task: the only writer of the index (queue `index`, concurrency 1)."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from newsroom.celery import RETRYING
from search import indexing
from search.backends import TRANSIENT_ENGINE_ERRORS

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, *TRANSIENT_ENGINE_ERRORS)


@shared_task(autoretry_for=TRANSIENT, soft_time_limit=1500, time_limit=1700, **RETRYING)
def process_index_queue() -> dict:
    """Drain the index queue (safe to run twice: an empty queue is a no-op)."""
    indexing.clear_wake()
    report = indexing.process_queue(
        untagged_delay=settings.INDEX_UNTAGGED_DELAY, commit_delay=settings.INDEX_COMMIT_DELAY
    )
    if report.remaining:
        indexing.send_index_task()
    elif report.wait:
        indexing.send_index_task(countdown=report.wait)
    return {"indexed": report.indexed, "removed": report.removed, "batches": report.batches}


# The watch's tasks live in their own module, outside the index queue's route.
from search import alert_tasks  # noqa: E402,F401
