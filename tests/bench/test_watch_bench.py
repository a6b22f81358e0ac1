"""The watch benchmark runs end to end on a small archive (its figures come from make bench)."""

from articles import stories
from articles.importing import import_files
from search import indexing
from tests.conftest import REFERENCE, REPO
from tests.engines import whoosh_index


def test_the_watch_benchmark_matches_and_renders_digests(db, tmp_path, settings):
    from bench import watch

    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    versions = REPO / "fixtures" / "dispatches" / "story_versions.txt"
    report = import_files(paths=[versions, REFERENCE])
    stories.group_articles([pk for f in report.files for pk in f.article_ids])
    with whoosh_index(tmp_path / "whoosh"):
        indexing.process_queue()
        figures = watch.measure()
    assert figures["searches"] == watch.USERS * watch.PER_USER
    assert figures["new_dispatches"] == 9
    assert figures["matches"] > 0 and figures["digests"] > 0 and figures["broken"] == 0
    figures["peak_rss_mb"] = 1.0
    assert [r["figure"] for r in watch.rows(figures)] == ["watch", "watch"]
