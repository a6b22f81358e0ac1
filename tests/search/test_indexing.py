"""The single-writer path on both engines: marking, draining the queue, check_index,
rebuild_index; and what only Whoosh has: commits, segments and merges."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from whoosh import index as whoosh_index

from articles.models import Article, Entity
from articles.tagging import tag_articles
from search import indexing, services
from search.models import IndexQueue
from search.query import SearchRequest
from search.tasks import process_index_queue
from tests.factories import SourceFactory
from tests.search.conftest import entity, make_article, masakhane_rows, mention


def hits(q="", **options):
    return services.run(SearchRequest(q=q, limit=100, **options))


def generation(backend) -> int:
    return whoosh_index.open_dir(backend.path).latest_generation()


@pytest.fixture
def articles(db):
    source = SourceFactory(name="BBC Afrique")
    return [
        make_article(source=source, title=row["headline"], body=row["text"])
        for row in masakhane_rows(6)
    ]


def test_mark_articles_queues_rows_and_wakes_the_worker_after_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        indexing.mark_articles([3, 1, 3, 2])
    assert sorted(IndexQueue.objects.values_list("article_id", flat=True)) == [1, 2, 3]
    assert callbacks == [indexing.send_index_task]
    with django_capture_on_commit_callbacks() as callbacks:
        indexing.mark_articles([])
    assert callbacks == []


def test_marking_again_moves_the_mark_forward(db):
    indexing.mark_articles([7])
    first = IndexQueue.objects.get(article_id=7).marked_at
    indexing.mark_articles([7])
    assert IndexQueue.objects.get(article_id=7).marked_at > first
    assert IndexQueue.objects.count() == 1


def _forget_broker_connections(app):
    # Celery keeps a pool of connections to the broker it first used: drop it.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def dead_broker():
    from newsroom.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    _forget_broker_connections(app)
    yield
    app.conf.broker_url = previous
    _forget_broker_connections(app)


def test_wakes_are_merged_until_the_worker_starts(db, monkeypatch):
    sent = []
    monkeypatch.setattr(process_index_queue, "apply_async", lambda **options: sent.append(options))
    assert indexing.send_index_task() and indexing.send_index_task(countdown=10)
    assert len(sent) == 1, "the second wake rides on the first"
    process_index_queue()  # the worker clears the wake before it reads the queue
    assert indexing.send_index_task(countdown=10)
    assert [options["countdown"] for options in sent] == [None, 10]


def test_a_broker_outage_leaves_the_queue_for_the_sweep(db, dead_broker):
    indexing.mark_articles([5])
    assert indexing.send_index_task() is False
    assert IndexQueue.objects.filter(article_id=5).exists()


def test_the_queue_adds_updates_and_removes_documents(articles, fresh_index, settings):
    settings.INDEX_UNTAGGED_DELAY = 0  # these articles are never tagged: index them now
    settings.INDEX_COMMIT_DELAY = 0
    first, second = articles[:2]
    indexing.mark_articles([first.pk, second.pk])
    assert process_index_queue() == {"indexed": 2, "removed": 0, "batches": 1}
    assert not IndexQueue.objects.exists()
    assert set(hits().ids) == {first.pk, second.pk}

    person = entity("PER", "Cyril Ramaphosa")
    mention(first, person, first.body.split()[0])
    indexing.mark_articles([first.pk])
    indexing.process_queue()
    assert hits(filters=(("person", "Cyril Ramaphosa"),)).ids == [first.pk]

    gone = second.pk
    second.delete()
    indexing.mark_deleted([gone])
    assert process_index_queue()["removed"] == 1
    assert hits().ids == [first.pk]
    drift = indexing.find_drift()
    assert (drift.stale, drift.extra) == ([], [])
    assert set(drift.missing) == {a.pk for a in articles[2:]}


def test_the_worker_indexes_a_new_dispatch_once_it_is_tagged(articles, fresh_index, settings):
    settings.INDEX_UNTAGGED_DELAY, settings.INDEX_COMMIT_DELAY = 120, 0
    fresh, tagged, failed, old = articles[:4]
    Article.objects.filter(pk=tagged.pk).update(tagging_status=Article.Tagging.DONE)
    Article.objects.filter(pk=failed.pk).update(tagging_status=Article.Tagging.FAILED)
    Article.objects.filter(pk=old.pk).update(imported_at=timezone.now() - timedelta(seconds=121))
    indexing.mark_articles([fresh.pk, tagged.pk, failed.pk, old.pk])

    # The fresh dispatch waits for its entities; the others have nothing to wait for.
    assert process_index_queue()["indexed"] == 3
    assert set(hits().ids) == {tagged.pk, failed.pk, old.pk}
    assert list(IndexQueue.objects.values_list("article_id", flat=True)) == [fresh.pk]

    assert tag_articles(article_ids=[fresh.pk]).tagged == [fresh.pk]  # marks it again
    assert process_index_queue()["indexed"] == 1
    assert not IndexQueue.objects.exists()
    person = fresh.mentions.filter(entity__kind="PER").values_list("entity__name", flat=True)
    assert hits(filters=(("person", person[0]),)).ids == [fresh.pk]


def test_each_batch_is_one_commit(articles, fresh_whoosh_index):
    indexing.mark_articles([articles[0].pk])
    indexing.process_queue()
    before = generation(fresh_whoosh_index)
    indexing.mark_articles(a.pk for a in articles)
    report = indexing.process_queue(batch_size=4)
    assert (report.batches, report.indexed) == (2, 6)
    assert generation(fresh_whoosh_index) == before + 2


def test_a_small_batch_waits_for_more_marks_and_a_full_one_goes_at_once(
    articles, fresh_whoosh_index
):
    indexing.mark_articles([articles[0].pk])
    report = indexing.process_queue(commit_delay=60)
    assert (report.indexed, report.batches) == (0, 0)
    assert 55 < report.wait <= 60
    assert not whoosh_index.exists_in(fresh_whoosh_index.path), "nothing was committed"

    indexing.mark_articles(a.pk for a in articles[1:5])
    report = indexing.process_queue(batch_size=4, commit_delay=60)
    assert (report.indexed, report.batches) == (4, 1), "a full batch does not wait"
    assert IndexQueue.objects.count() == 1 and report.wait > 55

    IndexQueue.objects.update(marked_at=F("marked_at") - timedelta(seconds=61))
    assert indexing.process_queue(batch_size=4, commit_delay=60).indexed == 1
    assert hits().total == 5


def test_a_small_batch_goes_at_once_when_nothing_waits_for_tagging(articles, fresh_whoosh_index):
    Article.objects.update(tagging_status=Article.Tagging.DONE)
    indexing.mark_articles([articles[0].pk])
    report = indexing.process_queue(commit_delay=60)
    assert (report.indexed, report.batches, report.wait) == (1, 1, 0)
    assert hits().total == 1


def test_the_last_marks_hurry_a_put_off_commit(db, monkeypatch):
    source = SourceFactory()
    waiting = make_article(source=source, title="En attente", body="Texte en attente.")
    sent = []
    monkeypatch.setattr(process_index_queue, "apply_async", lambda **options: sent.append(options))
    process_index_queue()  # clears any wake left by an earlier test
    assert indexing.send_index_task(countdown=10)  # the indexer puts off a small commit
    assert indexing.send_index_task() and len(sent) == 1, "tagging goes on: the wake waits"
    Article.objects.filter(pk=waiting.pk).update(tagging_status=Article.Tagging.DONE)
    assert indexing.send_index_task()
    assert [options["countdown"] for options in sent] == [10, None], "nothing left to tag"
    assert indexing.send_index_task() and len(sent) == 2, "the hurried wake is on its way"


def test_the_worker_comes_back_when_the_small_batch_is_due(
    articles, fresh_index, settings, monkeypatch
):
    settings.INDEX_UNTAGGED_DELAY, settings.INDEX_COMMIT_DELAY = 0, 30
    woken = []
    monkeypatch.setattr(indexing, "send_index_task", lambda countdown=None: woken.append(countdown))
    indexing._enqueue([articles[0].pk])
    assert process_index_queue()["indexed"] == 0
    assert len(woken) == 1 and 25 < woken[0] <= 30


def test_small_commits_are_merged_by_tiers_and_deletions_purged(articles, fresh_whoosh_index):
    from search.backends.merging import TIER_WIDTH, tier

    assert [tier(n) for n in (1, 9, 10, 99, 100, 999, 1000, 250_000)] == [0, 0, 1, 1, 2, 2, 3, 5]
    for _ in range(3):
        indexing.mark_articles(a.pk for a in articles)
        indexing.process_queue(batch_size=1)
    segments = whoosh_index.open_dir(fresh_whoosh_index.path).reader().leaf_readers()
    assert len(segments) < TIER_WIDTH
    # Each article was re-indexed three times: merging dropped the replaced copies.
    assert sum(reader.doc_count_all() for reader, _ in segments) < 2 * len(articles)
    assert hits().total == len(articles)


def test_a_batch_replaces_documents_through_one_reader_in_plain_segments(
    articles, fresh_whoosh_index, monkeypatch
):
    from whoosh.writing import SegmentWriter

    indexing.mark_articles(a.pk for a in articles)
    indexing.process_queue()
    opened = []
    original = SegmentWriter.reader
    monkeypatch.setattr(SegmentWriter, "reader", lambda w, **kw: opened.append(1) or original(w))
    indexing.mark_articles(a.pk for a in articles)
    assert indexing.process_queue().indexed == len(articles)
    # update_document opened a reader on every segment per document: quadratic indexing.
    assert len(opened) == 1
    segments = whoosh_index.open_dir(fresh_whoosh_index.path).reader().leaf_readers()
    assert sum(reader.doc_count() for reader, _ in segments) == len(articles)
    # A compound segment is copied into memory by every reader that opens it.
    assert not any(reader.segment().is_compound() for reader, _ in segments)
    assert hits().total == len(articles)


def test_a_row_marked_again_while_processed_stays_queued(articles, fresh_index):
    indexing.mark_articles([articles[0].pk, articles[1].pk])
    rows = list(IndexQueue.objects.values_list("article_id", "marked_at"))
    indexing.mark_articles([articles[1].pk])
    indexing.process_batch(rows)
    assert list(IndexQueue.objects.values_list("article_id", flat=True)) == [articles[1].pk]


def test_check_index_reports_drift_and_fix_repairs_it(articles, fresh_index):
    indexing.mark_articles(a.pk for a in articles)
    indexing.process_queue()
    out = StringIO()
    call_command("check_index", stdout=out)
    assert "The index matches the database." in out.getvalue()

    unindexed = make_article(source=articles[0].source, title="Inédit", body="Jamais indexé.")
    renamed = Entity.objects.create(kind="ORG", name="Union africaine", slug="ua-org")
    mention(articles[0], renamed, articles[0].body.split()[0])
    indexing.mark_articles([articles[0].pk])
    indexing.process_queue()
    Entity.objects.filter(pk=renamed.pk).update(name="Union Africaine (UA)")
    removed_pk = articles[1].pk
    Article.objects.filter(pk=removed_pk).delete()

    drift = indexing.find_drift()
    assert (drift.missing, drift.stale, drift.extra) == (
        [unindexed.pk],
        [articles[0].pk],
        [removed_pk],
    )
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_index", stdout=out)
    assert "1 articles missing from the index" in out.getvalue()
    assert "1 articles stale in the index" in out.getvalue()
    assert "1 articles in the index but not in the database" in out.getvalue()

    out = StringIO()
    call_command("check_index", "--fix", stdout=out)
    assert "Repaired: 2 articles indexed, 1 documents removed." in out.getvalue()
    assert indexing.find_drift().clean
    assert hits(filters=(("org", "Union Africaine (UA)"),)).ids == [articles[0].pk]
    assert removed_pk not in hits().ids


def test_check_index_on_a_missing_index_reports_everything_missing(articles, fresh_index):
    drift = indexing.find_drift()
    assert sorted(drift.missing) == sorted(a.pk for a in articles)


def test_an_empty_archive_says_so(client, db, fresh_index, journalist):
    client.force_login(journalist)
    html = client.get(reverse("search:search"), {"q": "Syrie"}).content.decode()
    assert "aucune dépêche" in html
    assert "reconstruction" not in html


def test_rebuild_index_and_update_index_still_work(articles, fresh_index):
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert hits().total == len(articles)
    assert indexing.find_drift().clean
    assert hits(articles[0].title.split()[0]).total >= 1

    gone = articles[-1].pk
    Article.objects.filter(pk=gone).delete()
    call_command("update_index", remove=True, verbosity=0)
    assert gone not in hits().ids
    assert hits().total == len(articles) - 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_marks_and_writers_leave_no_lock_errors_or_missing_documents(fresh_index):
    source = SourceFactory(name="BBC Afrique")
    rows = masakhane_rows(40)
    created = [make_article(source=source, title=r["headline"], body=r["text"]) for r in rows]
    errors: list[BaseException] = []
    done = threading.Event()

    def guarded(work):
        def run():
            try:
                work()
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        return run

    def importer():
        for start in range(0, len(created), 5):
            indexing.mark_articles(a.pk for a in created[start : start + 5])
        done.set()

    def writer():
        while not done.is_set() or IndexQueue.objects.exists():
            indexing.process_queue(batch_size=7)

    threads = [threading.Thread(target=guarded(work)) for work in (importer, writer, writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    indexing.process_queue()
    assert indexing.find_drift().clean
    assert hits().total == len(created)
    connection.close()
