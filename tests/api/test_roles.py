"""Every endpoint × every role: the pages' roles, 401 without credentials."""

import pytest
from django.urls import reverse

from articles.models import Article
from search import indexing
from search.models import SavedSearch
from tests.api.conftest import client_as
from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no role", "journalist", "editor", "archivist", "superuser"]
DENIED = {"anonymous": 401, "no role": 403}


@pytest.fixture
def archive(small_index):
    mention = MentionFactory()
    indexing.mark_articles(Article.objects.values_list("pk", flat=True))
    indexing.process_queue()
    return mention


def endpoints(mention) -> list[tuple[str, str, dict | None, int]]:
    """(method, url, body, status for a role that may) for every endpoint."""
    return [
        ("get", reverse("api:search") + "?q=Turquie", None, 200),
        ("get", reverse("api:article", args=[mention.article.pk]), None, 200),
        ("get", reverse("api:entity", args=[mention.entity.slug]), None, 200),
        ("get", reverse("api:saved-searches"), None, 200),
        (
            "post",
            reverse("api:saved-searches"),
            {"name": "Turquie", "query_string": "q=Turquie"},
            201,
        ),
        ("get", reverse("api:schema") + "?format=json", None, 200),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_endpoints(archive, role):
    client = client_as(role)
    for method, url, body, allowed in endpoints(archive):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == DENIED.get(role, allowed), (role, method, url)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_its_own_saved_search(archive, role):
    client = client_as(role)
    if role in DENIED:
        for method in ("get", "patch", "delete"):
            response = getattr(client, method)(reverse("api:saved-search", args=[1]), {})
            assert response.status_code == DENIED[role]
        return
    created = client.post(
        reverse("api:saved-searches"), {"name": "Syrie", "query_string": "q=Syrie"}, format="json"
    )
    assert created.status_code == 201
    url = reverse("api:saved-search", args=[created.json()["id"]])
    assert client.get(url).status_code == 200
    assert client.patch(url, {"frequency": "weekly"}, format="json").status_code == 200
    assert client.delete(url).status_code == 204
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_docs_page_needs_a_login_like_the_pages(client, journalist, role):
    if role == "journalist":
        client.force_login(journalist)
    response = client.get(reverse("api:docs"))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 200
