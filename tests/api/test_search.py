"""GET /api/v1/search on both engines: the search page's results, facets and histogram."""

import pytest
from django.urls import reverse

from tests.api.conftest import token_client

API = reverse("api:search")
PAGE = reverse("search:search")

QUERIES = [
    {"q": "Alep"},
    {"q": "médecins"},
    {"q": "Syrie", "person": "Bachar al-Assad"},
    {"place": "Alep"},
    {"person": ["Bachar al-Assad", "Vladimir Poutine"]},
    {"date_from": "2016-08-01", "date_to": "2016-08-31"},
    {"q": "tempête OR Alep", "sort": "oldest"},
    {"source": "Le Monde", "versions": "toutes", "date_to": "2019-06-30"},
    {"q": "Alep -Syrie"},
    {},
]


@pytest.fixture
def api(search_db, journalist):
    return token_client(journalist)[0]


@pytest.fixture
def page_client(client, journalist, search_db):
    client.force_login(journalist)
    return client


def page_context(client, params):
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return response.context


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: repr(p))
def test_the_api_answers_what_the_page_shows(api, page_client, params):
    page = page_context(page_client, params)
    response = api.get(API, params)
    assert response.status_code == 200, response.content
    body = response.json()
    outcome = page["outcome"]
    assert [r["id"] for r in body["results"]] == [r.article.pk for r in outcome.results]
    assert body["count"] == outcome.hits.total
    if outcome.request.collapse:
        assert body["stories"] == outcome.hits.stories
    assert body["collapsed"] == outcome.request.collapse
    page_facets = {
        group.param: [(item.name, item.count, item.active) for item in group.items]
        for group in page["facet_groups"]
    }
    api_facets = {
        param: [(v["name"], v["count"], v["active"]) for v in values]
        for param, values in body["facets"].items()
        if values
    }
    assert api_facets == page_facets
    assert body["histogram"]["granularity"] == page["granularity"]
    assert [(b["label"], b["start"], b["end"], b["count"]) for b in body["histogram"]["bars"]] == [
        (bar.label, bar.start.isoformat(), bar.end.isoformat(), bar.count)
        for bar in page["histogram"]
    ]


def test_a_result_carries_highlights_metadata_entities_and_links(api, search_db):
    body = api.get(API, {"q": "médecins"}).json()
    aleppo = search_db.aleppo
    result = next(r for r in body["results"] if r["id"] == aleppo.pk)
    assert "Les derniers <mark>médecins</mark> exerçant" in result["highlight"]
    assert "Des <mark>médecins</mark> d&#x27;Alep" in result["title_highlighted"]
    assert result["title"] == aleppo.title
    assert result["source"] == "AFP"
    assert result["published_on"] == "2016-08-11"
    assert "Karam AL MASRI" in result["byline"]
    assert result["url"].endswith(reverse("api:article", args=[aleppo.pk]))
    assert result["page_url"].endswith(aleppo.get_absolute_url())
    names = {(e["kind"], e["name"]) for e in result["entities"]}
    assert ("PER", "Bachar al-Assad") in names and ("PER", "Vladimir Poutine") not in names
    assert result["story"] == {
        "versions": 1,
        "kind": "original",
        "annulled": False,
        "corrected_by": None,
    }


def test_markup_in_titles_stays_escaped(api, search_db):
    body = api.get(API, {"q": "alerte sanitaire"}).json()
    result = next(r for r in body["results"] if r["id"] == search_db.script.pk)
    assert "<script>" not in result["title_highlighted"] + result["highlight"]
    assert "&lt;script&gt;" in result["highlight"]
    assert result["title"].startswith("<script>")  # the plain field is the text itself


def test_the_cursor_walks_every_result_once_in_the_pages_order(api, page_client):
    params = {"source": "Le Monde", "versions": "toutes"}
    page_ids, number = [], 1
    while True:
        context = page_context(page_client, {**params, "page": number})
        page_ids += [r.article.pk for r in context["outcome"].results]
        if number >= context["pagination"].pages:
            break
        number += 1
    assert len(page_ids) > 25
    walked, url = [], API + "?source=Le+Monde&versions=toutes&page_size=7"
    while url:
        body = api.get(url).json()
        assert (body["previous"] is None) == (not walked)
        assert len(body["results"]) == 7 or body["next"] is None
        walked += [r["id"] for r in body["results"]]
        url = body["next"]
    assert walked == page_ids


def test_previous_leads_back_to_the_page_before(api):
    first = api.get(API, {"source": "Le Monde", "page_size": 5}).json()
    second = api.get(first["next"]).json()
    assert api.get(second["previous"]).json()["results"] == first["results"]
    assert first["previous"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": '"État islamique'}, "q"),
        ({"q": "Syrie OR"}, "q"),
        ({"date_from": "2016-13-45"}, "date_from"),
        ({"date_from": "2017-01-01", "date_to": "2016-01-01"}, "non_field_errors"),
        ({"sort": "hasard"}, "sort"),
        ({"q": "x" * 1001}, "q"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"cursor": "pas-un-curseur"}, "cursor"),
        ({"cursor": "bz05OTk5OQ"}, "cursor"),  # o=99999: past the 10,000 window
    ],
)
def test_bad_parameters_are_problems_naming_the_field(api, params, field):
    response = api.get(API, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert field in body["errors"], body
    assert all(isinstance(message, str) and message for message in body["errors"][field])
