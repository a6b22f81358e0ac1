"""The watch's tasks (default queue): match new dispatches, prepare digests, send each once."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from newsroom.celery import RETRYING
from search import watch
from search.models import SavedSearch

TRANSIENT = (OperationalError, InterfaceError)
SMTP_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(autoretry_for=TRANSIENT, soft_time_limit=1200, **RETRYING)
def watch_pass(force: bool = False) -> dict:
    """Match what became searchable, digest what is due, and send the digests."""
    report = watch.percolate()
    watch.mark_interrupted()
    for frequency in (f for f in SavedSearch.Frequency.values if f != SavedSearch.Frequency.OFF):
        watch.prepare_digests(frequency, force=force)
    pending = watch.pending_digests()
    for digest_id in pending:
        send_digest.delay(digest_id)
    return {"dispatches": report.dispatches, "matches": report.matches, "digests": len(pending)}


@shared_task(
    acks_late=True,
    autoretry_for=SMTP_ERRORS,
    retry_backoff=True,
    retry_backoff_max=900,
    retry_jitter=False,
    max_retries=10,
)
def send_digest(digest_id: int) -> str:
    """Send one digest, exactly once: claimed (committed) before the send, marked after."""
    return deliver(digest_id)


def deliver(digest_id: int) -> str:
    digest = watch.claim(digest_id)
    if digest is None:
        return "not pending"  # sent already, or interrupted mid-send: never twice
    message = watch.build_message(digest)
    try:
        message.send()
    except SMTP_ERRORS as error:
        watch.mark_failed(digest, error)
        raise
    if settings.ALERT_PAUSE_AFTER_SEND:  # fault tests kill the worker here
        import time

        time.sleep(settings.ALERT_PAUSE_AFTER_SEND)
    watch.mark_sent(digest, message.extra_headers.get("Message-ID", ""))
    return "sent"
