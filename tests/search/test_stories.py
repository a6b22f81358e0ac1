"""Search collapsed by story, on both engines: one result per story, its current version."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from articles import stories
from articles.importing import import_files
from articles.models import Article
from search import indexing, services
from search.query import SearchRequest
from tests.conftest import REPO, user_in

VERSIONS = REPO / "fixtures" / "dispatches" / "story_versions.txt"


@pytest.fixture
def family(db, fresh_index, settings):
    """The fixture's seven dispatches (a quake in four versions and copies, a strike and its
    annulment, a budget vote), grouped and indexed."""
    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    report = import_files(paths=[Path(VERSIONS)])
    ids = [pk for f in report.files for pk in f.article_ids]
    assert len(ids) == 7, report.files[0].reason
    stories.group_articles(ids)
    indexing.process_queue()
    articles = {a.raw_title.split()[0]: a for a in Article.objects.select_related("source")}
    quake = Article.objects.get(version_kind="correction")
    return {"ids": ids, "quake": quake, "articles": articles}


def search(**fields) -> services.SearchOutcome:
    return services.search_articles(SearchRequest(**fields))


def test_results_collapse_to_the_current_version_of_each_story(family):
    quake = family["quake"]
    collapsed = search(q="séisme Japon", collapse=True)
    assert collapsed.hits.total == 4  # every version matches: facets count dispatches
    assert collapsed.hits.stories == 1
    assert [r.article.pk for r in collapsed.results] == [quake.pk]
    assert collapsed.results[0].versions.count == 4
    every = search(q="séisme Japon", collapse=False)
    assert sorted(r.article.pk for r in every.results) == sorted(
        Article.objects.filter(story=quake.story).values_list("pk", flat=True)
    )


def test_a_match_on_an_older_version_still_shows_the_current_one(family):
    # "150 kilomètres" is only in the lead the correction replaced.
    outcome = search(q='"150 kilomètres"', collapse=True)
    assert [r.article.pk for r in outcome.results] == [family["quake"].pk]
    lead = Article.objects.get(version_kind="lead")
    every = search(q='"150 kilomètres"', collapse=False)
    assert [r.article.pk for r in every.results] == [lead.pk]
    assert every.results[0].versions.corrected_by == family["quake"].pk


def test_browsing_counts_stories_for_the_pages(family):
    outcome = search(collapse=True, sort="newest")
    assert outcome.hits.total == 7
    assert outcome.hits.stories == 3
    shown = [r.article for r in outcome.results]
    assert len(shown) == 3
    # The strike was annulled whole: its story shows the annulled dispatch, marked.
    strike = next(a for a in shown if a.title.startswith("Grève"))
    assert strike.annulled


def test_the_page_marks_annulled_and_corrected_dispatches(family, client):
    client.force_login(user_in("journalist"))
    html = client.get(reverse("search:search"), {"q": "grève", "versions": "toutes"}).text
    assert '<span class="version-badge annulled">Annulée</span>' in html
    assert "une par histoire" in html
    html = client.get(reverse("search:search"), {"q": '"150 kilomètres"', "versions": "toutes"})
    corrected = reverse("articles:detail", args=[family["quake"].pk])
    assert f'<a class="version-badge corrected" href="{corrected}">Rectifiée</a>' in html.text
    html = client.get(reverse("search:search"), {"q": "séisme"}).text
    assert "4 versions</a>" in html
    assert "toutes les versions" in html


def test_the_export_leaves_annulled_dispatches_out_unless_asked(family, client):
    client.force_login(user_in("journalist"))
    url = reverse("search:export")

    def rows(**params):
        body = b"".join(client.get(url, params).streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(body)))

    plain = rows(q="grève")
    assert [r["statut"] for r in plain] == ["avis d'annulation"]
    both = rows(q="grève", annulees="1")
    assert sorted(r["statut"] for r in both) == ["annulée", "avis d'annulation"]
    lead = next(r for r in rows(q='"150 kilomètres"'))
    assert (lead["version"], lead["statut"]) == ("Lead", "rectifiée")


def test_a_story_regrouped_is_reindexed_with_its_new_story(family):
    reprise = Article.objects.get(source__name="Reuters")
    Article.objects.filter(pk=reprise.pk).update(grouped_at=None)
    from articles.curation.stories import split_out

    split_out(reprise, None)
    indexing.process_queue()
    outcome = search(q="séisme Japon", collapse=True)
    assert outcome.hits.stories == 2
    assert reprise.pk in [r.article.pk for r in outcome.results]


def test_a_dispatch_in_another_language_is_searchable_and_shows_its_language(
    db, fresh_index, settings, client
):
    from tests.conftest import user_in

    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    english = REPO / "fixtures" / "formats" / "newsmlg2-english.xml"
    (pk,) = import_files(paths=[english]).files[0].article_ids
    indexing.process_queue()
    outcome = search(q="harassment", collapse=True)
    assert [r.article.pk for r in outcome.results] == [pk]
    client.force_login(user_in("journalist"))
    html = client.get(reverse("search:search"), {"q": "harassment"}).text
    assert 'lang="en"' in html and ">EN</span>" in html
    page = client.get(reverse("articles:detail", args=[pk])).text
    assert "langue : EN" in page and "seules les dépêches en français sont étiquetées" in page
