"""A real Celery worker in its own process, on the test database and a test Redis DB."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.conftest import REPO, TEST_REDIS_URL


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll until the condition holds, failing with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def database_url() -> str:
    """Return a URL for the test database, for processes started by the tests."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerProcess:
    """Start and stop `celery worker` processes bound to the test services."""

    def __init__(self, tmp_path, *, redis_url: str = TEST_REDIS_URL, **env: str):
        self.log_path = tmp_path / "worker.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "SEARCH_URL": settings.SEARCH_URL,
            "CONN_MAX_AGE": "0",
            # The tests wait for the index after each step: a short gathering delay keeps
            # them quick and still takes the indexer's "come back later" path.
            "INDEX_COMMIT_DELAY": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, *, queues: str = "celery,index", concurrency: int = 1) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "newsroom",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def broker():
    """The tests' Redis database, emptied before and after."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def worker(transactional_db, broker, tmp_path, settings):
    settings.SEARCH_URL = f"whoosh://{tmp_path / 'whoosh'}"
    process = WorkerProcess(tmp_path)
    process.start()
    yield process
    process.stop()
    print(process.log()[-5000:])
