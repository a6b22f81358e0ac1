"""Index faults: writers racing each other, and the index folder deleted under the site."""

import os
import re
import shutil
import subprocess
import sys

import pytest
import redis
from django.db.models import Count
from django.urls import reverse

from articles.models import Article, Mention
from search import indexing
from search.models import IndexQueue
from tests.conftest import REPO
from tests.faults.conftest import Outcome, manage, write_corpus
from tests.faults.test_faults import duplicate_articles
from tests.integration.conftest import WorkerProcess, database_url, wait_for
from tests.search.conftest import whoosh_index

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LOCK_TROUBLE = re.compile(r"deadlock|LockError|\block\b", re.IGNORECASE)
DRIFT = re.compile(r"(\d+) articles (missing|stale|in the index but not)")
REBUILDING = "en cours de reconstruction"


def duplicate_mentions() -> int:
    rows = Mention.objects.values("article", "start", "end").annotate(n=Count("pk"))
    return sum(row["n"] - 1 for row in rows.filter(n__gt=1))


def lock_lines(*logs: str) -> list[str]:
    return [line for log in logs for line in log.splitlines() if LOCK_TROUBLE.search(line)]


def check_index(env: dict[str, str]) -> tuple[int, dict[str, int], str]:
    """Run `check_index` in its own process: (exit status, counts per drift kind, output)."""
    process = manage("check_index", env=env)
    out, err = process.communicate(timeout=120)
    counts = {kind: int(n) for n, kind in DRIFT.findall(out)}
    return process.returncode, counts, out + err


def broker_idle(client: redis.Redis) -> bool:
    """No task waiting in either queue, none delivered but not yet acknowledged."""
    return not (client.llen("celery") or client.llen("index") or client.hlen("unacked"))


def test_import_retagging_and_merges_at_once(tmp_path, own_redis, record_outcome):
    index_path = tmp_path / "whoosh"
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": own_redis.url,
        "SEARCH_URL": f"whoosh://{index_path}",
        "TAGGING_BATCH_SIZE": "8",
    }
    seeded = write_corpus(tmp_path / "seed", files=3, per_file=5, body_chars=600)
    added = write_corpus(tmp_path / "new", files=5, per_file=4, body_chars=600, first=seeded)
    expected = seeded + added
    client = redis.Redis.from_url(own_redis.url)
    # A tagging worker on queue celery (one process: the Procfile runs two, but each loads the
    # model, which would double the test's time) and the indexer as the Procfile runs it.
    tagger = WorkerProcess(tmp_path, **env)
    tagger.log_path = tmp_path / "tagger.log"
    indexer = WorkerProcess(tmp_path, **env)
    indexer.log_path = tmp_path / "indexer.log"
    tagger.start(queues="celery", concurrency=1)
    indexer.start(queues="index", concurrency=1)
    try:
        seed = manage("import_dispatches", str(tmp_path / "seed"), "--verbosity", "0", env=env)
        assert seed.wait(timeout=120) == 0, seed.stderr.read()
        wait_for(
            lambda: Article.objects.filter(tagging_status="done").count() == seeded,
            timeout=180,
            what=f"the seed archive tagged\n{tagger.log()[-3000:]}",
        )

        importer = manage("import_dispatches", str(tmp_path / "new"), "--verbosity", "0", env=env)
        retagger = manage("tag_articles", "--all", "--verbosity", "0", env=env)
        editor = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.editor", "6", "0.3"],
            cwd=REPO,
            env={**os.environ, "CONN_MAX_AGE": "0", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        outputs = {}
        for name, process in (("import", importer), ("retag", retagger), ("editor", editor)):
            out, err = process.communicate(timeout=180)
            assert process.returncode == 0, f"{name} failed:\n{out}\n{err}"
            outputs[name] = (out, err)

        def settled() -> bool:
            return (
                not Article.objects.exclude(tagging_status="done").exists()
                and broker_idle(client)
                and not IndexQueue.objects.exists()
            )

        wait_for(
            settled,
            timeout=240,
            what=f"tagging and indexing to settle\n{tagger.log()[-2000:]}\n{indexer.log()[-2000:]}",
        )
    finally:
        tagger.stop()
        indexer.stop()

    status, drift, report = check_index(env)
    assert status == 0, report
    assert drift == {"missing": 0, "stale": 0, "in the index but not": 0}, report
    assert lock_lines(indexer.log()) == []
    assert "raised unexpected" not in tagger.log() + indexer.log()
    assert not Article.objects.filter(tagging_status="failed").exists()
    assert Article.objects.count() == expected
    assert duplicate_articles() == 0
    assert duplicate_mentions() == 0
    merges = outputs["editor"][0].strip().splitlines()[-1]
    editor_deadlocks = int(re.search(r"(\d+) deadlocks", merges).group(1))
    # Corrections and tagging take the entity-graph lock in one order (articles.locks):
    # no deadlock on either side, and no lock trouble anywhere else.
    trouble = lock_lines(tagger.log(), *outputs["import"], *outputs["retag"], outputs["editor"][1])
    tagger_deadlocks = [line for line in trouble if "deadlock detected" in line]
    requeued = outputs["retag"][0].split()[0]
    batches = sum(int(n) for n in re.findall(r"'batches': (\d+)", indexer.log()))
    record_outcome(
        Outcome(
            "Import, re-tagging (`tag_articles --all`) and editors' merges at the same time",
            f"{added} new articles imported while `tag_articles --all` re-queued {requeued} and "
            f"an editor merged entities (editor: {merges}); the indexer (-c 1) drained the "
            f"queue in {batches} batches with no lock error; `check_index`: 0 missing, 0 stale, "
            f"0 extra; {duplicate_mentions()} duplicate mentions; merge/tagging deadlocks: "
            f"{editor_deadlocks} met by the editor, {len(tagger_deadlocks)} by the tagging worker",
            expected,
            Article.objects.count(),
            duplicate_articles(),
        )
    )
    assert (editor_deadlocks, trouble) == (0, []), merges


def search_page(client, q: str):
    response = client.get(reverse("search:search"), {"q": q})
    assert response.status_code == 200
    return response


def test_index_folder_deleted(tmp_path, own_redis, client, journalist, record_outcome):
    index_path = tmp_path / "whoosh"
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": own_redis.url,
        "SEARCH_URL": f"whoosh://{index_path}",
    }
    expected = write_corpus(tmp_path / "corpus", files=3, per_file=5, body_chars=700)
    importer = manage("import_dispatches", str(tmp_path / "corpus"), "--verbosity", "0", env=env)
    assert importer.wait(timeout=120) == 0, importer.stderr.read()
    client.force_login(journalist)
    with whoosh_index(index_path):
        indexing.process_queue()
        before = search_page(client, "Dakar").context["outcome"]
        assert before.hits.total == expected and not before.unavailable

        shutil.rmtree(index_path)
        gone = search_page(client, "Dakar")
        assert gone.context["outcome"].unavailable
        assert REBUILDING in gone.content.decode()
        browse = search_page(client, "")
        assert REBUILDING in browse.content.decode()
        export = client.get(reverse("search:export"), {"q": "Dakar"})
        assert export.status_code == 503
        status, drift, report = check_index(env)
        assert status == 1 and drift["missing"] == expected, report

        rebuild = manage("rebuild_index", "--noinput", "--verbosity", "0", env=env)
        out, err = rebuild.communicate(timeout=180)
        assert rebuild.returncode == 0, out + err
        after = search_page(client, "Dakar")
        assert not after.context["outcome"].unavailable
        assert REBUILDING not in after.content.decode()
        assert after.context["outcome"].hits.total == expected
        assert sorted(r.article.pk for r in after.context["outcome"].results) == sorted(
            before.hits.ids
        )
    status_after, _, report_after = check_index(env)
    assert status_after == 0, report_after
    record_outcome(
        Outcome(
            "Whoosh index folder deleted under a running site",
            f"search page answered 200 with the 'being rebuilt' notice (export: 503); "
            f"`check_index` reported {drift['missing']} missing; `rebuild_index --noinput` "
            f"restored it and the same search found all {after.context['outcome'].hits.total} "
            "articles again; `check_index` then clean",
            expected,
            Article.objects.count(),
            duplicate_articles(),
        )
    )
