"""API fixtures: the shared cache on the tests' Redis, users per role with tokens."""

import pytest
from rest_framework.test import APIClient

from newsroom.api import tokens
from tests.conftest import use_shared_cache, user_in
from tests.engines import whoosh_index
from tests.search.conftest import corpus, engine, fresh_index, search_db

__all__ = ["corpus", "engine", "fresh_index", "search_db"]

ROLES = ["journalist", "editor", "archivist"]


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    use_shared_cache(settings, "test-api")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token_client(user, **options) -> tuple[APIClient, tokens.NewToken]:
    """A client sending a new token of this user in `Authorization: Token …`."""
    created = tokens.create_token(user=user, name="tests", **options)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.raw}")
    return client, created


def client_as(role: str) -> APIClient:
    """A client for a role: anonymous, a user without a role, a role's member, superuser."""
    if role == "anonymous":
        return APIClient()
    if role == "superuser":
        user = user_in(None, is_staff=True, is_superuser=True)
    elif role == "no role":
        user = user_in(None)
    else:
        user = user_in(role, is_staff=role == "editor")
    return token_client(user)[0]


@pytest.fixture
def journalist_api(journalist) -> APIClient:
    return token_client(journalist)[0]


@pytest.fixture
def small_index(tmp_path, db):
    """A Whoosh index over whatever the test has indexed (empty to begin with)."""
    with whoosh_index(tmp_path / "whoosh") as backend:
        yield backend
