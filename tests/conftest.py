"""Shared fixtures: real PostgreSQL (pytest-django), real Redis, users per role."""

import os
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from articles.roles import ARCHIVIST, EDITOR, JOURNALIST, sync_groups
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"
REFERENCE = REPO / "fixtures" / "dispatches" / "reference.txt"
MASAKHANE_DEV = CORPORA / "masakhane-io__masakhane-news" / "data" / "fra" / "dev.tsv"
# Two suites running at once (say, two checkouts) each set their own database here.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or re.sub(r"/\d*$", "/15", settings.REDIS_URL)


@pytest.fixture(scope="session", autouse=True)
def _isolated_broker():
    """Send the tests' Celery messages to their own Redis database."""
    from newsroom.celery import app

    app.conf.broker_url = TEST_REDIS_URL
    yield


@pytest.fixture(autouse=True)
def _no_index_wake_left():
    """A wake left by an earlier test (no worker ran to clear it) would mute this test's
    wakes of the index worker for a minute."""
    from search.indexing import clear_wake

    clear_wake()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the archive's language: a request in English (LocaleMiddleware)
    leaves English active in the thread for whatever code runs next."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def use_shared_cache(settings, prefix: str) -> None:
    """Point the cache at the tests' Redis, as the web processes share it, under a prefix
    of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": f"{prefix}-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def reference_path() -> Path:
    return REFERENCE


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def user_in(role: str | None, **extra):
    """Create a user in a role's group (recreated if a transactional test flushed it)."""
    user = UserFactory(**extra)
    if role:
        if not Group.objects.filter(name=role).exists():
            sync_groups(Group, Permission)
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def journalist(db):
    return user_in(JOURNALIST)


@pytest.fixture
def editor(db):
    return user_in(EDITOR, is_staff=True)


@pytest.fixture
def archivist(db):
    return user_in(ARCHIVIST)


@pytest.fixture
def superuser(db):
    return user_in(None, is_staff=True, is_superuser=True)
