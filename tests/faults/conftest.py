"""Fault-test fixtures: a small real corpus, own servers, and the reliability report."""

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MASAKHANE_DEV, REPO
from tests.faults.services import PostgresCluster, RedisServer

REPORT = REPO / "docs" / "reliability.md"


@dataclass
class Outcome:
    fault: str
    what_happened: str
    articles_expected: int
    articles_saved: int
    duplicates: int
    tagged_twice: int | str = "n/a"

    @property
    def lost(self) -> int:
        return self.articles_expected - self.articles_saved


_outcomes: list[Outcome] = []


@pytest.fixture
def record_outcome():
    return _outcomes.append


def pytest_sessionfinish(session, exitstatus):
    if not _outcomes:
        return
    lines = [
        "# Reliability: faults survived",
        "",
        "Written by the fault tests (`tests/faults/`, part of `make test`). Each row is one fault",
        "injected on this machine (loopback only) during a real import, tagging or indexing run.",
        "",
        "| fault | what happened | articles expected | lost | duplicates | tagged twice |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {o.fault} | {o.what_happened} | {o.articles_expected} | {o.lost} | "
        f"{o.duplicates} | {o.tagged_twice} |"
        for o in _outcomes
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_corpus(
    folder: Path, *, files: int, per_file: int, body_chars: int = 1200, first: int = 0
) -> int:
    """Write real BBC Afrique dispatches as files; return how many dispatches.

    Dispatches are numbered from `first`: two corpora with disjoint numbers never overlap.
    """
    with MASAKHANE_DEV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    folder.mkdir(parents=True, exist_ok=True)
    count = first
    for number in range(files):
        dispatches = []
        for _ in range(per_file):
            row = rows[count % len(rows)]
            body = row["text"][:body_chars].rsplit(" ", 1)[0]
            dispatches.append(f"{row['headline']} ({count})\n\nDAKAR (AFP) - {body}.\n")
            count += 1
        (folder / f"lot-{number:03d}.txt").write_text("\n---\n".join(dispatches), "utf-8")
    return count - first


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.Popen:
    """Start a manage.py command in its own process with the given service URLs."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**os.environ, "CONN_MAX_AGE": "0", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres():
    cluster = PostgresCluster()
    cluster.create()
    yield cluster
    cluster.destroy()
