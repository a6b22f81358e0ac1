"""The benchmark corpus: deterministic for a seed, in the importer's format, all unique."""

import datetime

import pytest

from articles.importing import content_hash, import_files
from articles.models import Article
from articles.parsing import parse_dispatches
from bench.corpus import DEFAULT_SEED, PER_FILE, build_corpus, corpus_files, iter_dispatch_texts

SIZE = 3 * PER_FILE + 7


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    info = build_corpus(size=SIZE, out_dir=folder, seed=7)
    return info, corpus_files(folder)


def test_the_same_seed_writes_the_same_bytes(corpus, tmp_path):
    _, files = corpus
    again = build_corpus(size=SIZE, out_dir=tmp_path, seed=7)
    assert again.files == len(files)
    assert [f.read_bytes() for f in corpus_files(tmp_path)] == [f.read_bytes() for f in files]


def test_another_seed_writes_other_dispatches():
    assert list(iter_dispatch_texts(5, seed=1)) != list(iter_dispatch_texts(5, seed=2))


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one():
    assert list(iter_dispatch_texts(10, seed=3)) == list(iter_dispatch_texts(30, seed=3))[:10]


def test_files_hold_up_to_twenty_dispatches_that_parse_with_headline_date_and_source(corpus):
    info, files = corpus
    assert info.files == len(files) == 4 and info.size == SIZE
    dispatches = []
    for path in files:
        found = parse_dispatches(path.read_text("utf-8"))
        assert 1 <= len(found) <= PER_FILE
        dispatches += found
    assert len(dispatches) == SIZE
    for dispatch in dispatches:
        assert dispatch.title and not dispatch.title_derived
        assert dispatch.agency in {"AFP", "Reuters", "AP"}
        assert datetime.date(2014, 1, 1) <= dispatch.published <= datetime.date(2024, 12, 31)
        assert dispatch.dateline_place and len(dispatch.body.split()) >= 20
    assert len({content_hash(d) for d in dispatches}) == SIZE


def test_two_thousand_dispatches_are_two_thousand_distinct_articles():
    texts = "\n\n---\n\n".join(iter_dispatch_texts(2000, seed=DEFAULT_SEED))
    hashes = {content_hash(dispatch) for dispatch in parse_dispatches(texts)}
    assert len(hashes) == 2000


def test_both_separators_are_used(corpus):
    _, files = corpus
    texts = [path.read_text("utf-8") for path in files]
    assert any("\n---\n" in text for text in texts)
    assert any("\f" in text for text in texts)


@pytest.mark.django_db
def test_the_importer_saves_every_dispatch_as_a_new_article(corpus):
    _, files = corpus
    report = import_files(paths=files)
    assert not report.rejected and report.duplicates == 0
    assert report.articles_created == Article.objects.count() == SIZE
    assert set(Article.objects.values_list("source__name", flat=True)) <= {"AFP", "Reuters", "AP"}
