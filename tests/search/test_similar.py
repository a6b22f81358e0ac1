"""« Dépêches proches » on both engines: the most similar dispatches, not the same story."""

from pathlib import Path

import pytest
from django.urls import reverse

from articles import stories
from articles.importing import import_files
from articles.models import Article
from search import indexing
from search.similar import similar_ids
from tests.conftest import REFERENCE, REPO, user_in

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
