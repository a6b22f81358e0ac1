"""Errors as RFC 9457 problem details in French; the flood throttled; the schema valid."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from newsroom.api.problems import PROBLEM_TYPES
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAVED = reverse("api:saved-searches")
FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= FIELDS
    assert body["status"] == status
    assert body["title"] == PROBLEM_TYPES[status][1]
    assert body["type"].endswith(f"/api/v1/problemes/{PROBLEM_TYPES[status][0]}")
    return body


def test_401_403_404_405_are_problems_in_french(journalist_api):
    body = assert_problem(APIClient().get(SAVED + "?page_size=2"), 401)
    assert body["instance"] == SAVED + "?page_size=2"
    assert "Authorization: Token" in body["detail"]
    body = assert_problem(token_client(UserFactory())[0].get(SAVED), 403)
    assert "aucun rôle" in body["detail"]
    body = assert_problem(journalist_api.get(reverse("api:article", args=[999999])), 404)
    assert body["detail"] == "Aucune dépêche n° 999999 dans l'archive."
    assert_problem(journalist_api.get(reverse("api:entity", args=["nulle-part"])), 404)
    assert_problem(journalist_api.get("/api/v1/nulle-part"), 404)
    body = assert_problem(journalist_api.put(SAVED, {}, format="json"), 405)
    assert body["detail"] == "La méthode PUT n'est pas acceptée à cette adresse."
    assert "POST" in journalist_api.put(SAVED, {}, format="json")["Allow"]
    assert_problem(journalist_api.delete(reverse("api:search")), 405)


def test_400_validation_errors_list_each_field(journalist_api):
    body = assert_problem(journalist_api.post(SAVED, {"name": ""}, format="json"), 400)
    assert set(body["errors"]) == {"name", "query_string"}
    assert body["detail"] == "Certains paramètres ne sont pas valides : voir « errors »."
    body = assert_problem(
        journalist_api.post(SAVED, "{pas du json", content_type="application/json"), 400
    )
    assert body["detail"] == "Le corps de la requête n'est pas du JSON valide."
    body = journalist_api.post(SAVED, "name=x", content_type="application/x-www-form-urlencoded")
    assert body.status_code == 415
    assert body["Content-Type"] == "application/problem+json"
    assert "non pris en charge" in body.json()["detail"]


def test_a_flood_is_throttled_per_token_with_retry_after(journalist, settings):
    settings.API_THROTTLE_RATE = "5/min"
    flooding, _ = token_client(journalist)
    for _ in range(5):
        assert flooding.get(SAVED).status_code == 200
    response = flooding.get(SAVED)
    body = assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["detail"] == (
        f"Trop de requêtes pour ce jeton : réessayez dans {response['Retry-After']} s."
    )
    # Another token, even the same user's, counts on its own.
    assert token_client(journalist)[0].get(SAVED).status_code == 200


def test_throttle_counts_live_in_the_shared_cache(journalist, settings):
    """Counts are in Redis, so a second web process sees them: a new cache client does."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    settings.API_THROTTLE_RATE = "3/min"
    client, created = token_client(journalist)
    for _ in range(3):
        client.get(SAVED)
    conf = settings.CACHES["default"]
    other_process = RedisCache(conf["LOCATION"], {"KEY_PREFIX": conf["KEY_PREFIX"]})
    assert isinstance(caches["default"], RedisCache)
    assert len(other_process.get(f"throttle_api_token-{created.token.pk}")) == 3


def test_the_session_also_works_and_needs_csrf_to_change(journalist):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(journalist)
    assert client.get(SAVED).status_code == 200
    body = assert_problem(
        client.post(SAVED, {"name": "x", "query_string": "q=x"}, format="json"), 403
    )
    assert "CSRF" in body["detail"]


def test_the_schema_is_valid_openapi_3(journalist_api, tmp_path):
    response = journalist_api.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    paths = set(schema["paths"])
    assert {
        "/api/v1/search",
        "/api/v1/articles/{id}",
        "/api/v1/entities/{slug}",
        "/api/v1/saved-searches",
        "/api/v1/saved-searches/{id}",
    } <= paths
    search_errors = schema["paths"]["/api/v1/search"]["get"]["responses"]
    assert "application/problem+json" in search_errors["400"]["content"]
    # The command fails on any warning of drf-spectacular's generator.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    validate(yaml.safe_load(target.read_text()))


def test_the_docs_page_is_self_contained(client, journalist, settings):
    from django.contrib.staticfiles import finders

    client.force_login(journalist)
    html = client.get(reverse("api:docs")).content.decode()
    assert "<script>" not in html and "<style>" not in html  # the pages' CSP forbids inline
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    for src in sources:
        if src.startswith(settings.STATIC_URL) or src.startswith("/" + settings.STATIC_URL):
            assert finders.find(src.split(settings.STATIC_URL, 1)[1]), src
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert reverse("api:schema") in script.content.decode()


def test_each_problem_type_is_described(journalist_api):
    for status, (slug, title, _) in PROBLEM_TYPES.items():
        response = APIClient().get(reverse("api:problem-type", args=[slug]))
        assert response.status_code == 200
        assert response.json()["title"] == title and response.json()["status"] == status
    assert_problem(APIClient().get(reverse("api:problem-type", args=["inconnu"])), 404)
