"""Celery workers (tagging, and the indexer) as subprocesses on the benchmark's services."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings

from bench.environment import BENCH_DIR, REPO


def flush_broker() -> None:
    """Drop every message queued in the benchmark's own Redis database."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


class CeleryWorker:
    """`celery -A newsroom worker -Q celery -c N`, started and stopped by the benchmark.

    With queue="index" and concurrency 1 it is the indexer, as the Procfile runs it.
    """

    def __init__(self, concurrency: int, *, queue: str = "celery"):
        self.concurrency = concurrency
        self.queue = queue
        prefix = "worker" if queue == "celery" else queue
        self.name = f"bench-{prefix}{concurrency}@%h"
        self.log_path: Path = BENCH_DIR / "logs" / f"{prefix}-c{concurrency}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 120) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_bytes(b"")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "newsroom",
                    "worker",
                    "-Q",
                    self.queue,
                    "-c",
                    str(self.concurrency),
                    "-n",
                    self.name,
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=REPO,
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the worker did not start; see {self.log_path}")
            time.sleep(0.2)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
