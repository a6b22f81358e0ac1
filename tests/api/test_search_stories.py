"""The API's story collapse on both engines, and a search engine that does not answer."""

from pathlib import Path

import pytest
from django.urls import reverse

from articles import stories
from articles.importing import import_files
from articles.models import Article
from search import indexing
from search.engines import haystack_connections
from tests.api.conftest import token_client
from tests.engines import search_connection, whoosh_index
from tests.factories import ArticleFactory
from tests.search.test_stories import VERSIONS

API = reverse("api:search")


@pytest.fixture
def family(db, fresh_index, settings):
    """A quake in four versions and copies, a strike and its annulment, a budget vote."""
    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    report = import_files(paths=[Path(VERSIONS)])
    ids = [pk for f in report.files for pk in f.article_ids]
    stories.group_articles(ids)
    indexing.process_queue()
    return Article.objects.get(version_kind="correction")


@pytest.fixture
def api(journalist):
    return token_client(journalist)[0]


def test_results_collapse_by_story_unless_every_version_is_asked(family, api):
    quake = family
    body = api.get(API, {"q": "séisme Japon"}).json()
    assert (body["count"], body["stories"], body["collapsed"]) == (4, 1, True)
    assert [r["id"] for r in body["results"]] == [quake.pk]
    assert body["results"][0]["story"]["versions"] == 4
    every = api.get(API, {"q": "séisme Japon", "versions": "toutes"}).json()
    assert every["stories"] is None and every["collapsed"] is False
    assert sorted(r["id"] for r in every["results"]) == sorted(
        Article.objects.filter(story=quake.story).values_list("pk", flat=True)
    )


def test_an_older_version_points_to_its_correction(family, api):
    lead = Article.objects.get(version_kind="lead")
    body = api.get(API, {"q": '"150 kilomètres"', "versions": "toutes"}).json()
    assert [r["id"] for r in body["results"]] == [lead.pk]
    assert body["results"][0]["story"]["corrected_by"] == family.pk


def test_an_engine_that_does_not_answer_is_a_503(db, api):
    down = haystack_connections("opensearch://127.0.0.1:9/nulle-part")
    with search_connection(down):
        response = api.get(API, {"q": "Alep"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "Le moteur de recherche ne répond pas : réessayez dans un moment."
    )


def test_an_index_being_rebuilt_is_a_503_and_an_empty_archive_is_empty(db, api, tmp_path):
    with whoosh_index(tmp_path / "vide"):
        empty = api.get(API, {"q": "Alep"})
        assert empty.status_code == 200
        assert empty.json()["results"] == [] and empty.json()["count"] == 0
        ArticleFactory()
        rebuilding = api.get(API, {"q": "Alep"})
    assert rebuilding.status_code == 503
    assert "reconstruction" in rebuilding.json()["detail"]
