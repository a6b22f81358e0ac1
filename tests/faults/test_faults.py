"""Faults survived: broker down, worker killed, database restarted, with nothing lost."""

import re
import signal
import subprocess
import sys

import pytest
from django.db.models import Count

from articles.models import Article, Mention
from tests.conftest import REPO
from tests.faults.conftest import Outcome, manage, write_corpus
from tests.integration.conftest import WorkerProcess, database_url, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def tagged_counts(*workers: WorkerProcess) -> int:
    """Sum the articles the workers' tasks reported as tagged."""
    return sum(int(n) for w in workers for n in re.findall(r"'tagged': (\d+)", w.log()))


def duplicate_articles() -> int:
    rows = Article.objects.values("source", "content_hash").annotate(n=Count("pk"))
    return sum(row["n"] - 1 for row in rows.filter(n__gt=1))


def sweep(redis_url: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from articles.tasks import sweep_pending; sweep_pending(older_than_seconds=0)",
        ],
        cwd=REPO,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
        },
        check=True,
        timeout=120,
    )


def all_tagged() -> bool:
    return not Article.objects.exclude(tagging_status="done").exists()


def test_redis_stopped_during_a_bulk_import(tmp_path, own_redis, record_outcome):
    expected = write_corpus(tmp_path / "corpus", files=20, per_file=3)
    importer = manage(
        "import_dispatches",
        str(tmp_path / "corpus"),
        "--source",
        "AFP",
        "--verbosity",
        "0",
        env={"DATABASE_URL": database_url(), "REDIS_URL": own_redis.url},
    )
    wait_for(lambda: Article.objects.exists(), timeout=60, what="the first saved articles")
    own_redis.stop()
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert f"{expected} articles created" in out
    assert Article.objects.count() == expected
    left_pending = Article.objects.filter(tagging_status="pending").count()

    own_redis.start()
    worker = WorkerProcess(tmp_path, redis_url=own_redis.url)
    worker.start()
    try:
        sweep(own_redis.url)
        wait_for(all_tagged, timeout=240, what=f"tagging after the sweep\n{worker.log()[-2000:]}")
    finally:
        worker.stop()
    assert Article.objects.count() == expected
    tagged_twice = tagged_counts(worker) - left_pending
    assert tagged_twice <= 0
    record_outcome(
        Outcome(
            "Redis stopped during a bulk import",
            f"import finished (exit 0), {left_pending} articles left pending; after Redis "
            "returned the sweep queued them and the worker tagged them",
            expected,
            Article.objects.count(),
            duplicate_articles(),
            max(tagged_twice, 0),
        )
    )


def test_tagging_worker_killed_mid_batch(tmp_path, own_redis, record_outcome, settings):
    settings.TAGGING_BATCH_SIZE = 10
    expected = write_corpus(tmp_path / "corpus", files=10, per_file=4)
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": own_redis.url,
        "TAGGING_BATCH_SIZE": "10",
        "BROKER_VISIBILITY_TIMEOUT": "5",
    }
    importer = manage("import_dispatches", str(tmp_path / "corpus"), "--verbosity", "0", env=env)
    importer.communicate(timeout=300)
    assert Article.objects.count() == expected

    first = WorkerProcess(tmp_path, **env)
    first.start()
    wait_for(
        lambda: Article.objects.filter(tagging_status="done").exists(),
        timeout=120,
        what=f"the first tagged article\n{first.log()[-2000:]}",
    )
    first.kill(signal.SIGKILL)
    done_at_kill = Article.objects.filter(tagging_status="done").count()
    assert done_at_kill < expected, "the worker finished before it could be killed"

    second = WorkerProcess(tmp_path, **env)
    second.log_path = tmp_path / "worker-2.log"
    second.start()
    try:
        wait_for(all_tagged, timeout=240, what=f"redelivery\n{second.log()[-2000:]}")
    finally:
        second.stop()
    per_article = Mention.objects.values("article", "start", "end").annotate(n=Count("pk"))
    assert not per_article.filter(n__gt=1).exists()
    assert not Article.objects.filter(tagging_status="done", mentions__isnull=True).exists()
    tagged_twice = tagged_counts(first, second) - expected
    assert tagged_twice <= 0
    record_outcome(
        Outcome(
            "Tagging worker killed with SIGKILL mid-batch",
            f"{done_at_kill} articles tagged when killed; the unacknowledged batch was "
            "redelivered after the visibility timeout and the new worker finished it; "
            "articles tagged before the kill were skipped",
            expected,
            Article.objects.count(),
            duplicate_articles(),
            max(tagged_twice, 0),
        )
    )


@pytest.mark.django_db(transaction=False)
def test_postgres_restarted_during_an_import(tmp_path, own_postgres, own_redis, record_outcome):
    env = {"DATABASE_URL": own_postgres.url, "REDIS_URL": own_redis.url}
    migrate = manage("migrate", "--noinput", env=env)
    assert migrate.wait(timeout=300) == 0
    expected = write_corpus(tmp_path / "corpus", files=40, per_file=3)
    importer = manage(
        "import_dispatches",
        str(tmp_path / "corpus"),
        "--source",
        "AFP",
        "--verbosity",
        "0",
        env=env,
    )
    count_sql = "select count(*) from articles_article"
    psql = ["psql", own_postgres.url, "-tAc"]

    def saved() -> int:
        result = subprocess.run([*psql, count_sql], capture_output=True, text=True)
        return int(result.stdout.strip() or 0) if result.returncode == 0 else -1

    wait_for(lambda: saved() > 0, timeout=60, what="the first saved articles")
    own_postgres.restart()
    out, err = importer.communicate(timeout=300)
    first_run = out.strip().splitlines()[-1] if out.strip() else err[-500:]
    rerun = manage(
        "import_dispatches",
        str(tmp_path / "corpus"),
        "--source",
        "AFP",
        "--verbosity",
        "0",
        env=env,
    )
    rerun_out, rerun_err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, rerun_err
    dupes = subprocess.run(
        [*psql, "select count(*) - count(distinct content_hash) from articles_article"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert saved() == expected
    assert dupes == "0"
    record_outcome(
        Outcome(
            "PostgreSQL restarted during an import",
            f"first run: {first_run} (exit {importer.returncode}); "
            f"rerun: {rerun_out.strip().splitlines()[-1]}",
            expected,
            saved(),
            int(dupes),
        )
    )


def test_watch_folder_sweep_killed_mid_import(tmp_path, own_redis, record_outcome):
    """A sweep killed while it imports leaves its files claimed; the next sweep imports each
    dispatch once and files every file away."""
    import os
    import time

    inbox = tmp_path / "inbox"
    expected = write_corpus(inbox, files=60, per_file=5)
    past = time.time() - 60
    for path in inbox.iterdir():
        os.utime(path, (past, past))
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": own_redis.url,
        "IMPORT_WATCH_SETTLE_SECONDS": "0.2",
    }
    first = manage("watch_imports", "--folder", str(inbox), env=env)
    wait_for(
        lambda: Article.objects.exists() or first.poll() is not None,
        timeout=120,
        what="the first sweep's first article",
    )
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    at_kill = Article.objects.count()
    assert at_kill < expected, "the sweep finished before it could be killed"
    assert any((inbox / "processing").iterdir()), "the killed sweep had claimed its files"

    second = manage("watch_imports", "--folder", str(inbox), env=env)
    _, errors = second.communicate(timeout=300)
    assert second.returncode == 0, errors
    assert not list((inbox / "processing").iterdir())
    assert len(list((inbox / "done").iterdir())) == 60
    assert Article.objects.count() == expected
    assert duplicate_articles() == 0
    record_outcome(
        Outcome(
            "Watch-folder sweep killed with SIGKILL mid-import",
            f"{at_kill} dispatches saved when killed, its files left in processing/; the next "
            "sweep imported them again: what was saved came back as duplicates, the rest new",
            expected,
            Article.objects.count(),
            duplicate_articles(),
            0,
        )
    )
