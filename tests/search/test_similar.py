"""« Dépêches proches » on both engines: the most similar dispatches, not the same story."""

import math
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

from articles import stories
from articles.importing import import_files
from articles.models import Article
from search import indexing
from search.similar import key_terms, similar_ids
from tests.conftest import REFERENCE, REPO, user_in
from tests.factories import SourceFactory
from tests.search.conftest import make_article, masakhane_rows

VERSIONS = REPO / "fixtures" / "dispatches" / "story_versions.txt"
OTHER_QUAKE = """Nouveau séisme au large du Japon, une semaine après le précédent

TOKYO, 20 mars 2016 (AFP) - Un nouveau séisme, de magnitude 6,1, a secoué dimanche le large \
de la préfecture de Miyagi, au nord-est du Japon, a annoncé l'Agence météorologique \
japonaise. Aucune alerte au tsunami n'a été lancée et aucune victime n'a été signalée, \
selon la chaîne publique NHK.
"""


@pytest.fixture
def archive(db, fresh_index, settings, tmp_path):
    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    other = tmp_path / "autre.txt"
    other.write_text(OTHER_QUAKE, "utf-8")
    report = import_files(paths=[VERSIONS, REFERENCE, Path(other)])
    ids = [pk for f in report.files for pk in f.article_ids]
    stories.group_articles(ids)
    indexing.process_queue()
    return ids


def test_the_closest_dispatch_of_another_story_comes_first(archive):
    correction = Article.objects.get(version_kind="correction")
    other = Article.objects.get(title__startswith="Nouveau séisme")
    assert other.story_id != correction.story_id
    found = similar_ids(correction, limit=5)
    assert found and found[0] == other.pk
    same_story = set(correction.story.versions.values_list("pk", flat=True))
    assert not same_story & set(found)
    assert len(found) <= 5


def test_the_article_page_lists_them(archive, client):
    client.force_login(user_in("journalist"))
    correction = Article.objects.get(version_kind="correction")
    html = client.get(reverse("articles:detail", args=[correction.pk])).text
    assert "Dépêches proches" in html and "Nouveau séisme au large du Japon" in html


TOPICS = ("sports", "health", "business")


@pytest.fixture
def topical_archive(db, fresh_index, settings):
    """Forty BBC Afrique dispatches of each of three topics (masakhane-news labels)."""
    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    source = SourceFactory(name="BBC Afrique")
    topic_of = {}
    kept = Counter()
    for row in masakhane_rows():
        if row["category"] in TOPICS and kept[row["category"]] < 40:
            kept[row["category"]] += 1
            article = make_article(source=source, title=row["headline"], body=row["text"])
            topic_of[article.pk] = row["category"]
    indexing.mark_articles(topic_of)
    indexing.process_queue()
    return topic_of


def test_similar_dispatches_share_the_topic(topical_archive):
    # Precision at 5 over 120 labelled dispatches: the labels are broad (« business »
    # holds oil and phones), so the bar is most, not all.
    same = shown = 0
    for pk, topic in topical_archive.items():
        found = similar_ids(Article.objects.get(pk=pk), limit=5)
        assert pk not in found and len(found) == len(set(found))
        same += sum(topical_archive[other] == topic for other in found)
        shown += len(found)
    assert shown >= 5 * len(topical_archive) * 0.9, "nearly every dispatch has five"
    assert same / shown >= 0.7, f"only {same}/{shown} share the topic"


def test_key_terms_leave_out_the_unique_and_the_everywhere():
    frequencies = {"alep": 30, "syri": 400, "ministr": 9000, "zzquux": 1}
    terms = key_terms(
        ["alep"],
        ["syri", "syri", "ministr", "zzquux", "alep"],
        doc_frequency=frequencies.__getitem__,
        doc_count=100_000,
    )
    assert [term for term, _ in terms] == ["alep", "syri"], "rarer and in the title first"
    assert terms[0][1] == pytest.approx(3 * math.log(100_000 / 30))
    assert key_terms([], [], doc_frequency=frequencies.__getitem__, doc_count=10) == []
    budgeted = key_terms(
        ["alep"],
        ["syri", "syri", "zzquux"],
        doc_frequency=frequencies.__getitem__,
        doc_count=100_000,
        postings=100,
    )
    assert [term for term, _ in budgeted] == ["alep"], "syri would read 400 postings"


def test_an_engine_failure_leaves_the_page_without_them(archive, client, monkeypatch):
    from haystack import connections

    def broken(*args, **kwargs):
        raise ConnectionError("engine down")

    backend = connections["default"].get_backend()
    monkeypatch.setattr(
        type(backend), "snapshot" if hasattr(backend, "snapshot") else "_search", broken
    )
    correction = Article.objects.get(version_kind="correction")
    assert similar_ids(correction) == []
    client.force_login(user_in("journalist"))
    response = client.get(reverse("articles:detail", args=[correction.pk]))
    assert response.status_code == 200 and "Nouveau séisme au large du Japon" not in response.text
