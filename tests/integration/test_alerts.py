"""Alerts through a real worker and a real SMTP server: retried when refused, never twice."""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from search import watch
from search.models import AlertDigest, SavedSearch
from tests.conftest import user_in
from tests.integration.conftest import WorkerProcess, wait_for
from tests.mail import SmtpServer
from tests.search.test_watch import VERSIONS, arrive, start_watch

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def a_digest() -> int:
    """One digest of the fixture's dispatches for one journalist, recorded and pending."""
    start_watch()
    user = user_in("journalist", email="alice@example.org")
    SavedSearch.objects.create(user=user, name="Japon", query_string="q=séisme", frequency="daily")
    arrive(VERSIONS)
    watch.percolate()
    (digest,) = watch.prepare_digests("daily", force=True)
    return digest.pk


def test_a_refusing_smtp_server_gets_retries_and_one_message(tmp_path, broker, smtp):
    from search.alert_tasks import send_digest

    digest_id = a_digest()
    smtp.inbox.refuse = 2
    worker = WorkerProcess(tmp_path, **smtp.settings())
    worker.start()
    try:
        send_digest.delay(digest_id)
        wait_for(
            lambda: AlertDigest.objects.get(pk=digest_id).status == "sent",
            timeout=60,
            what=f"the digest, after two refusals\n{worker.log()[-3000:]}",
        )
    finally:
        worker.stop()
    digest = AlertDigest.objects.get(pk=digest_id)
    assert smtp.inbox.refused == 2 and len(smtp.inbox.messages) == 1
    assert digest.attempts == 3 and "451" in digest.last_error
    assert "Retry in" in worker.log()  # Celery's backoff between the attempts


def test_a_worker_killed_between_sending_and_recording_sends_nothing_twice(tmp_path, broker, smtp):
    from search.alert_tasks import send_digest

    digest_id = a_digest()
    env = {**smtp.settings(), "ALERT_PAUSE_AFTER_SEND": "30", "BROKER_VISIBILITY_TIMEOUT": "3"}
    first = WorkerProcess(tmp_path, **env)
    first.start()
    send_digest.delay(digest_id)
    wait_for(lambda: len(smtp.inbox.messages) == 1, timeout=60, what="the first send")
    first.kill(signal.SIGKILL)  # sent, not yet recorded as sent
    assert AlertDigest.objects.get(pk=digest_id).status == "sending"

    second = WorkerProcess(tmp_path, **{**env, "ALERT_PAUSE_AFTER_SEND": "0"})
    second.log_path = tmp_path / "worker-2.log"
    second.start()
    try:
        wait_for(lambda: "not pending" in second.log(), timeout=180, what="the redelivered task")
    finally:
        second.stop()
        print(second.log()[-3000:])
    assert len(smtp.inbox.messages) == 1  # redelivered, and not sent again
    watch.mark_interrupted(timezone.now() + timedelta(minutes=20))
    assert AlertDigest.objects.get(pk=digest_id).status == "uncertain"
