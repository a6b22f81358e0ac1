"""Editors' corrections and tagging writes take one lock in one order: no deadlock.

A tagging transaction replaces an article's mentions and PostgreSQL checks their entities'
foreign keys when it commits; a merge locks the entities and moves their mentions.
Without the shared/exclusive entity-graph lock the two wait for each other and
PostgreSQL aborts one (the concurrent-writers fault test met it by chance).
"""

import threading

import pytest
from django.db import connection, transaction

from articles import curation, locks
from articles.models import Entity, Mention
from tests.factories import ArticleFactory, EntityFactory, MentionFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_advisory_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from pg_stat_activity where datname = current_database() "
            "and wait_event_type = 'Lock' and wait_event = 'advisory'"
        )
        return cursor.fetchone()[0]


def test_a_merge_waits_for_a_tagging_transaction_instead_of_deadlocking():
    body = ArticleFactory.build().body
    start = body.index("Russie")
    keep = EntityFactory(kind=Entity.Kind.PLACE, name="Fédération de Russie", slug="fr-loc")
    other = EntityFactory(kind=Entity.Kind.PLACE, name="Russie", slug="russie-loc")
    article = MentionFactory(entity=other, start=start, end=start + 6).article
    tagging_open, release, errors = threading.Event(), threading.Event(), []

    def tag():
        try:
            with transaction.atomic():
                # What tagging does to an article, with its lock: replace its machine
                # mentions; the new mentions' foreign keys are checked at commit.
                locks.tagging()
                Mention.objects.filter(article=article).delete()
                MentionFactory(article=article, entity=other, start=start, end=start + 6)
                tagging_open.set()
                release.wait(timeout=30)
        except Exception as error:
            errors.append(error)
        finally:
            tagging_open.set()
            connection.close()

    def edit():
        try:
            curation.merge(keep=keep, others=[other], user=None)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    tagger, editor = threading.Thread(target=tag), threading.Thread(target=edit)
    tagger.start()
    assert tagging_open.wait(timeout=30)
    editor.start()
    try:
        wait_for(waiting_on_advisory_lock, timeout=30, what="the merge to wait for tagging")
    finally:
        release.set()
        tagger.join(timeout=60)
        editor.join(timeout=60)
    assert errors == []
    assert Mention.objects.get(article=article).entity_id == keep.pk
    assert not Entity.objects.filter(pk=other.pk).exists()


def test_the_lock_refuses_to_be_taken_outside_a_transaction():
    with pytest.raises(RuntimeError, match="atomic"):
        locks.correcting()
