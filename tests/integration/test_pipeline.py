"""From upload to tagged articles, through Redis and a real worker process."""

import io
import zipfile

import pytest
from django.urls import reverse

from articles.models import Article, Entity, ImportBatch, Mention
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.slow


def test_uploaded_zip_is_imported_and_tagged_by_the_worker(
    client, archivist, worker, media_root, reference_path
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lot/reference.txt", reference_path.read_bytes())
        archive.writestr("lot/vide.txt", b"")
    buffer.name = "lot.zip"
    buffer.seek(0)
    client.force_login(archivist)
    response = client.post(
        reverse("articles:upload"), {"source": "AFP", "encoding": "auto", "files": [buffer]}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()

    def finished():
        batch.refresh_from_db()
        return batch.status == ImportBatch.Status.DONE

    wait_for(finished, timeout=60, what=f"batch to finish\n{worker.log()[-3000:]}")
    assert (batch.files_done, batch.files_rejected, batch.articles_created) == (2, 1, 2)
    assert "empty" in batch.files.get(name="lot.zip/lot/vide.txt").reason

    def tagged():
        return not Article.objects.exclude(tagging_status=Article.Tagging.DONE).exists()

    wait_for(tagged, timeout=120, what=f"tagging\n{worker.log()[-3000:]}")
    assert Article.objects.filter(tagger__startswith="fr_core_news_md").count() == 2
    names = set(Entity.objects.filter(mentions__isnull=False).values_list("kind", "name"))
    for expected in [("LOC", "Alep"), ("PER", "Barack Obama"), ("LOC", "Ankara")]:
        assert expected in names
    status = client.get(reverse("articles:batch-status", args=[batch.pk])).json()
    assert status["progress"] == 100 and len(status["files"]) == 2


def test_tagging_twice_gives_the_same_mentions(worker, reference_path):
    from articles.importing import import_files
    from articles.tagging import send_tagging_tasks

    report = import_files(paths=[reference_path])
    ids = report.files[0].article_ids
    wait_for(
        lambda: Article.objects.filter(pk__in=ids, tagging_status="done").count() == 2,
        timeout=120,
        what="first tagging",
    )
    before = sorted(Mention.objects.values_list("article_id", "start", "end", "entity_id"))
    Article.objects.filter(pk__in=ids).update(tagging_status="pending")
    assert send_tagging_tasks(ids)
    wait_for(
        lambda: Article.objects.filter(pk__in=ids, tagging_status="done").count() == 2,
        timeout=120,
        what="second tagging",
    )
    after = sorted(Mention.objects.values_list("article_id", "start", "end", "entity_id"))
    assert before == after and before


def test_the_worker_groups_versions_into_stories_and_the_index_collapses_them(worker, tmp_path):
    """Import → the worker groups and tags → the indexer: one result per story."""
    from articles.importing import import_files
    from search import services
    from search.query import SearchRequest
    from tests.conftest import REPO
    from tests.engines import whoosh_index

    report = import_files(paths=[REPO / "fixtures" / "dispatches" / "story_versions.txt"])
    ids = report.files[0].article_ids
    assert len(ids) == 7
    wait_for(
        lambda: Article.objects.filter(pk__in=ids, tagging_status="done").count() == 7,
        timeout=180,
        what=f"tagging\n{worker.log()[-3000:]}",
    )
    assert not Article.objects.filter(grouped_at__isnull=True).exists()
    assert Article.objects.values("story_id").distinct().count() == 3

    def collapsed():
        try:
            hits = services.run(SearchRequest(q="séisme", collapse=True))
        except services.IndexUnavailable:
            return False
        return hits.total == 4 and hits.stories == 1

    with whoosh_index(tmp_path / "whoosh"):  # the worker's index (see the fixture)
        wait_for(collapsed, timeout=60, what=f"the index\n{worker.log()[-3000:]}")
        hit = services.run(SearchRequest(q="séisme", collapse=True)).ids[0]
    current = Article.objects.get(is_current_version=True, version_kind="correction")
    assert hit in {a.pk for a in current.story.versions.all()}
