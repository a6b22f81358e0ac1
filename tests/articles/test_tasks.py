"""Queueing through the real Redis broker: the sweep, and the tag_articles command."""

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.tasks import sweep_pending
from tests.conftest import REPO, TEST_REDIS_URL
from tests.factories import ArticleFactory
from tests.integration.conftest import database_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()

    def queued_ids() -> list[int]:
        ids = []
        for raw in client.lrange("celery", 0, -1):
            message = json.loads(raw)
            assert message["headers"]["task"] == "articles.tasks.tag_articles_task"
            body = json.loads(base64.b64decode(message["body"]))
            ids.extend(body[0][0])
        return sorted(ids)

    yield queued_ids
    client.flushdb()


def test_sweep_requeues_only_articles_left_pending(queue):
    old = timezone.now() - timedelta(minutes=10)
    stale = ArticleFactory.create_batch(3)
    Article.objects.filter(pk__in=[a.pk for a in stale]).update(imported_at=old)
    ArticleFactory()  # just imported: its own task is still on its way
    done = ArticleFactory(tagging_status="done")
    Article.objects.filter(pk=done.pk).update(imported_at=old)
    assert sweep_pending() == 3
    assert queue() == sorted(a.pk for a in stale)


def test_tag_articles_command_queues_pending_and_requeues_all(queue, capsys):
    pending = ArticleFactory.create_batch(2)
    done = ArticleFactory(tagging_status="done")
    call_command("tag_articles", verbosity=0)
    assert queue() == sorted(a.pk for a in pending)
    assert "2 articles queued" in capsys.readouterr().out
    call_command("tag_articles", "--ids", str(done.pk), verbosity=0)
    done.refresh_from_db()
    assert done.tagging_status == "pending"
    assert done.pk in queue()


def test_tag_articles_sync_tags_in_process(capsys):
    article = ArticleFactory(body="Vladimir Poutine a reçu Recep Tayyip Erdogan à Moscou.")
    call_command("tag_articles", "--sync", verbosity=0)
    assert "1 articles tagged, 0 failed" in capsys.readouterr().out
    article.refresh_from_db()
    assert article.tagging_status == "done"
    assert {"Vladimir Poutine", "Moscou"} <= set(
        article.mentions.values_list("entity__name", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_tag_articles_says_so_when_the_broker_is_down():
    ArticleFactory()
    result = subprocess.run(
        [sys.executable, "manage.py", "tag_articles", "--verbosity", "0"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": "redis://127.0.0.1:9/0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "broker is unreachable: start Redis or use --sync" in result.stderr
    assert Article.objects.get().tagging_status == "pending"
