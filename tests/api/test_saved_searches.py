"""/api/v1/saved-searches: each user's own, validated as « Mes recherches » validates."""

import pytest
from django.urls import reverse

from search.models import SavedSearch
from tests.api.conftest import token_client
from tests.conftest import user_in

pytestmark = pytest.mark.django_db

LIST = reverse("api:saved-searches")


def detail(pk: int) -> str:
    return reverse("api:saved-search", args=[pk])


@pytest.fixture
def api(journalist):
    return token_client(journalist)[0]


@pytest.fixture
def other():
    user = user_in("journalist")
    search = SavedSearch.objects.create(user=user, name="Secret", query_string="q=secret")
    return token_client(user)[0], search


def test_create_read_update_delete(api, journalist):
    created = api.post(
        LIST,
        {"name": "  Alep   et Syrie ", "query_string": "?q=Alep&place=Syrie&page=3"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Alep et Syrie"  # as the page's form cleans it
    assert body["query_string"] == "q=Alep&place=Syrie"  # the page number goes
    assert body["frequency"] == "daily"
    assert body["results_url"].endswith(reverse("api:search") + "?q=Alep&place=Syrie")
    search = SavedSearch.objects.get(pk=body["id"])
    assert search.user == journalist
    assert body["feed_url"].endswith(reverse("search:feed", args=[search.feed_token]))
    assert api.get(detail(search.pk)).json() == body
    changed = api.patch(detail(search.pk), {"frequency": "weekly"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["frequency"] == "weekly" and changed.json()["name"] == "Alep et Syrie"
    assert api.delete(detail(search.pk)).status_code == 204
    assert not SavedSearch.objects.exists()


def test_another_users_search_is_a_404_for_every_method(api, other):
    _, theirs = other
    for method, data in (("get", None), ("patch", {"name": "Volée"}), ("delete", None)):
        response = getattr(api, method)(detail(theirs.pk), data, format="json")
        assert response.status_code == 404, method
        assert response["Content-Type"] == "application/problem+json"
    theirs.refresh_from_db()
    assert theirs.name == "Secret"
    assert api.get(LIST).json()["results"] == []


def test_the_list_holds_only_ones_own_and_pages_by_cursor(api, journalist, other):
    for number in range(5):
        SavedSearch.objects.create(user=journalist, name=f"R{number}", query_string="q=Alep")
    first = api.get(LIST, {"page_size": 2}).json()
    names = [s["name"] for s in first["results"]]
    url = first["next"]
    assert "cursor=" in url
    while url:
        page = api.get(url).json()
        names += [s["name"] for s in page["results"]]
        url = page["next"]
    assert names == ["R4", "R3", "R2", "R1", "R0"]
    bad = api.get(LIST, {"cursor": "nimporte"})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert "Curseur invalide" in bad.json()["errors"]["cursor"][0]


def test_bad_searches_and_duplicate_names_are_refused(api, journalist):
    SavedSearch.objects.create(user=journalist, name="Alep", query_string="q=Alep")
    cases = [
        ({"name": "Alep", "query_string": "q=Syrie"}, "name", "déjà une recherche de ce nom"),
        ({"name": "Cassée", "query_string": 'q="Alep'}, "query_string", "ne se lit pas"),
        ({"name": "Dates", "query_string": "date_from=2016-99-01"}, "query_string", "ne se lit"),
        ({"name": "x", "query_string": "q=x", "frequency": "hourly"}, "frequency", ""),
        ({"name": "", "query_string": "q=x"}, "name", ""),
        ({"name": "x" * 201, "query_string": "q=x"}, "name", ""),
    ]
    for data, field, words in cases:
        response = api.post(LIST, data, format="json")
        assert response.status_code == 400, data
        assert response["Content-Type"] == "application/problem+json"
        errors = response.json()["errors"]
        assert field in errors, (data, errors)
        assert words in " ".join(errors[field])
    assert SavedSearch.objects.count() == 1


def test_a_rename_onto_an_existing_name_is_refused_and_an_edit_mends_a_broken_search(
    api, journalist
):
    SavedSearch.objects.create(user=journalist, name="Alep", query_string="q=Alep")
    broken = SavedSearch.objects.create(
        user=journalist, name="Vieille", query_string="q=x", broken="ne se lit plus"
    )
    response = api.patch(detail(broken.pk), {"name": "Alep"}, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]
    mended = api.patch(detail(broken.pk), {"query_string": "q=Syrie"}, format="json")
    assert mended.status_code == 200 and mended.json()["broken"] == ""


def test_read_only_fields_are_ignored(api, journalist):
    response = api.post(
        LIST, {"name": "A", "query_string": "q=a", "id": 999, "broken": "non"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["id"] != 999 and response.json()["broken"] == ""
