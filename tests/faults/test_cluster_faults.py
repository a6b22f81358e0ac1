"""OpenSearch faults on the project's two-node cluster: a node killed during a rebuild, the
whole cluster down, a rebuild killed halfway."""

import os
import signal
import time

import pytest
from django.urls import reverse

from articles.models import Article
from articles.tagging import tag_articles
from search import indexing, services
from search.models import IndexQueue
from search.query import SearchRequest
from tests.engines import node_pid, opensearch_index, opensearch_url, start_cluster, stop_cluster
from tests.faults.conftest import Outcome, manage, write_corpus
from tests.faults.test_faults import duplicate_articles
from tests.faults.test_index_faults import check_index
from tests.integration.conftest import database_url, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UNANSWERED = "Le moteur de recherche ne répond pas"


@pytest.fixture
def cluster_archive(tmp_path, own_redis):
    """Real dispatches imported in their own process, indexed on an alias of their own."""
    url = opensearch_url()
    env = {"DATABASE_URL": database_url(), "REDIS_URL": own_redis.url, "SEARCH_URL": url}
    expected = write_corpus(tmp_path / "corpus", files=12, per_file=25, body_chars=700)
    importer = manage("import_dispatches", str(tmp_path / "corpus"), "--verbosity", "0", env=env)
    assert importer.wait(timeout=180) == 0, importer.stderr.read()
    with opensearch_index(url) as backend:
        indexing.process_queue()
        assert services.run(SearchRequest()).total == expected
        yield backend, env, expected


def new_indices(backend, serving: list[str]) -> list[str]:
    found = backend.conn.indices.get(index=f"{backend.index_name}-*")
    return sorted(set(found) - set(serving))


def holds_documents(backend, serving: list[str]) -> bool:
    """True once the rebuild's new index holds documents."""
    fresh = new_indices(backend, serving)
    if not fresh:
        return False
    # The new index fills with refresh off: refresh to count what it has so far.
    backend.conn.indices.refresh(index=fresh[0])
    return int(backend.conn.cat.count(index=fresh[0], format="json")[0]["count"]) > 0


def filling(backend, serving: list[str]) -> bool:
    """True once the rebuild's new index is green (its replicas placed) and holds documents."""
    fresh = new_indices(backend, serving)
    if not fresh or backend.conn.cluster.health(index=fresh[0])["status"] != "green":
        return False
    return holds_documents(backend, serving)


def test_a_node_killed_during_a_bulk_rebuild(cluster_archive, record_outcome):
    backend, env, expected = cluster_archive
    serving = backend.serving_indices()
    rebuild = manage("rebuild_index", "--noinput", "--batch-size", "5", env=env)
    try:
        # Mid-bulk, once the new index's shards have their replicas (as in any rebuild
        # longer than its first second): a primary lost before that has no copy to promote.
        wait_for(lambda: filling(backend, serving), timeout=60, what="the rebuild under way")
        os.kill(node_pid(2), signal.SIGKILL)
        answers = []
        while rebuild.poll() is None and len(answers) < 200:
            answers.append(services.run(SearchRequest(q="Dakar", limit=0)).total)
            time.sleep(0.05)
        _, err = rebuild.communicate(timeout=300)
    finally:
        start_cluster()
    backend.conn.cluster.health(wait_for_status="green", request_timeout=120)
    # Every search during the rebuild answered, and from the old index: all of it.
    assert answers and set(answers) == {expected}
    # The replicas on node 1 became primaries: the rebuild went on and completed.
    assert rebuild.returncode == 0, err[-3000:]
    assert backend.serving_indices() != serving
    status, drift, report = check_index(env)
    assert status == 0, report
    assert drift == {"missing": 0, "stale": 0, "in the index but not": 0}, report
    assert services.run(SearchRequest(q="Dakar", limit=0)).total == expected
    record_outcome(
        Outcome(
            "OpenSearch node 2 of 2 SIGKILLed during `rebuild_index` (bulk, 5 a request)",
            f"{len(answers)} searches during the rebuild all answered {expected} hits from the "
            f"old index; the rebuild went on once node 1's replicas were promoted and completed; "
            "`check_index` after the node returned: 0 missing, 0 stale, "
            "0 extra",
            expected,
            Article.objects.count(),
            duplicate_articles(),
        )
    )


def test_a_rebuild_killed_halfway(cluster_archive, record_outcome):
    backend, env, expected = cluster_archive
    serving = backend.serving_indices()
    # Small bulk requests, and no wait for green: the kill must land before the swap.
    rebuild = manage("rebuild_index", "--noinput", "--batch-size", "2", env=env)
    wait_for(lambda: holds_documents(backend, serving), timeout=60, what="the rebuild under way")
    rebuild.send_signal(signal.SIGKILL)
    rebuild.wait(timeout=30)
    assert backend.serving_indices() == serving
    assert services.run(SearchRequest(q="Dakar", limit=0)).total == expected
    orphan = new_indices(backend, serving)
    assert len(orphan) == 1
    again = manage("rebuild_index", "--noinput", env=env)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, out + err
    assert f"Indexed {expected} articles" in out
    (now_serving,) = backend.serving_indices()
    assert now_serving not in serving + orphan
    assert new_indices(backend, [now_serving]) == []
    status, _, report = check_index(env)
    assert status == 0, report
    record_outcome(
        Outcome(
            "`rebuild_index` SIGKILLed halfway (OpenSearch)",
            "the old index kept serving every search; the next `rebuild_index` deleted the "
            "half-filled index, built a new one and swapped it in; `check_index` clean",
            expected,
            Article.objects.count(),
            duplicate_articles(),
        )
    )


def test_the_whole_cluster_down(cluster_archive, client, journalist, tmp_path, record_outcome):
    backend, env, expected = cluster_archive
    client.force_login(journalist)
    stop_cluster()
    try:
        page = client.get(reverse("search:search"), {"q": "Dakar"})
        assert page.status_code == 200
        assert UNANSWERED in page.content.decode()
        assert client.get(reverse("search:export"), {"q": "Dakar"}).status_code == 503

        # Imports and tagging go on; what they mark waits in the queue.
        added = write_corpus(tmp_path / "more", files=1, per_file=4, body_chars=500, first=500)
        importer = manage("import_dispatches", str(tmp_path / "more"), "--verbosity", "0", env=env)
        assert importer.wait(timeout=120) == 0, importer.stderr.read()
        fresh = list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:added])
        assert tag_articles(article_ids=fresh).tagged
        with pytest.raises(Exception) as failure:
            indexing.process_queue()
        assert isinstance(failure.value, backend.engine_errors)
        queued = IndexQueue.objects.count()
        assert queued >= added
    finally:
        start_cluster()
    backend.conn.cluster.health(wait_for_status="green", request_timeout=120)
    report = indexing.process_queue()
    assert report.indexed == queued and not IndexQueue.objects.exists()
    assert services.run(SearchRequest(q="Dakar", limit=0)).total == expected + added
    status, _, check = check_index(env)
    assert status == 0, check
    record_outcome(
        Outcome(
            "The whole OpenSearch cluster stopped",
            f"the search page answered 200 saying the engine does not answer, the export 503; "
            f"{added} dispatches imported and tagged meanwhile; {queued} marks kept in the "
            "index queue and drained once the cluster returned; `check_index` clean",
            expected + added,
            Article.objects.count(),
            duplicate_articles(),
        )
    )
