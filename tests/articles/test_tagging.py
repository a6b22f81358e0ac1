"""Tagging service with the real model against PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importing import import_files
from articles.models import Article, Entity, EntityAlias, Mention
from articles.tagging import tag_articles
from search.models import IndexQueue
from tests.factories import ArticleFactory, EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_articles(reference_path):
    report = import_files(paths=[reference_path])
    return list(Article.objects.filter(pk__in=report.files[0].article_ids).order_by("pk"))


def entity_names(kind: str) -> set[str]:
    return set(
        Entity.objects.filter(kind=kind, mentions__rejected=False).values_list("name", flat=True)
    )


def test_reference_dispatches_get_their_entities(reference_articles):
    report = tag_articles(article_ids=[a.pk for a in reference_articles])
    assert sorted(report.tagged) == [a.pk for a in reference_articles]
    people, places, orgs = entity_names("PER"), entity_names("LOC"), entity_names("ORG")
    assert {"Mevlüt Cavusoglu", "Vladimir Poutine", "Bachar al-Assad", "Barack Obama"} <= people
    assert {"Turquie", "Russie", "Syrie", "Alep", "Moscou", "Ankara"} <= places
    assert {"OTAN", "AFP", "État islamique"} <= orgs
    islamic_state = Entity.objects.get(kind="ORG", name="État islamique")
    assert "Etat islamique" in set(islamic_state.mentions.values_list("surface", flat=True))
    assert EntityAlias.objects.filter(entity=islamic_state, key="etat islamique").exists()
    surfaces = set(Mention.objects.values_list("surface", flat=True))
    assert not surfaces & {"Prouvez", "M.", "Poutine mardi", "Combattons ensemble"}
    for mention in Mention.objects.select_related("article"):
        assert mention.article.body[mention.start : mention.end] == mention.surface
    first = Article.objects.get(pk=reference_articles[0].pk)
    assert first.tagging_status == "done" and first.tagger == "fr_core_news_md-3.8.0"


def test_tagging_twice_changes_nothing_and_keeps_editor_decisions(reference_articles):
    ids = [a.pk for a in reference_articles]
    tag_articles(article_ids=ids)
    machine = Mention.objects.filter(article_id=ids[1], origin="model").order_by("start")
    rejected, moved = machine[0], machine[1]
    rejected.rejected = True
    rejected.save()
    other = EntityFactory(name="Entité choisie par la rédaction", slug="choisie")
    moved.entity, moved.origin = other, Mention.Origin.EDITOR
    moved.save()
    before = sorted(
        Mention.objects.values_list("article_id", "start", "end", "entity_id", "rejected")
    )
    report = tag_articles(article_ids=ids, force=True)
    assert sorted(report.tagged) == ids
    after = sorted(
        Mention.objects.values_list("article_id", "start", "end", "entity_id", "rejected")
    )
    assert before == after
    assert Mention.objects.get(pk=rejected.pk).rejected
    assert Mention.objects.get(pk=moved.pk).entity == other


def test_already_tagged_articles_are_skipped_unless_forced(reference_articles):
    ids = [a.pk for a in reference_articles]
    tag_articles(article_ids=ids)
    assert tag_articles(article_ids=ids).skipped == ids


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("   ", "done", ""),
        ("Erdogan\x01\x02\x1b a vu Poutine à Moscou.\x07", "done", ""),
        ("x" * 600_001, "failed", "over the tagging limit"),
    ],
)
def test_bad_bodies_tag_or_fail_with_the_reason_stored(body, status, reason, settings):
    settings.TAGGING_MAX_CHARS = 600_000
    article = ArticleFactory(body=body)
    tag_articles(article_ids=[article.pk])
    article.refresh_from_db()
    assert article.tagging_status == status
    assert reason in article.tagging_error


def test_two_megabyte_dispatch_fails_cleanly_and_others_in_the_batch_are_tagged():
    huge = ArticleFactory(body="La Turquie et la Russie. " * 84_000)
    normal = ArticleFactory(body="Vladimir Poutine est arrivé à Ankara mardi.")
    report = tag_articles(article_ids=[huge.pk, normal.pk])
    assert report.tagged == [normal.pk]
    huge.refresh_from_db()
    assert huge.tagging_status == "failed"
    assert "2,100,000 characters" in huge.tagging_error
    assert set(normal.mentions.values_list("entity__name", flat=True)) >= {
        "Vladimir Poutine",
        "Ankara",
    }


PEOPLE = [
    "Aminata Touré", "Macky Sall", "Paul Kagame", "Félix Tshisekedi", "Alassane Ouattara",
    "John Mahama", "Cyril Ramaphosa", "Abiy Ahmed", "William Ruto", "Bola Tinubu",
    "Faustin-Archange Touadéra", "Ismaïl Omar Guelleh",
]  # fmt: skip
CITIES = [
    "Dakar", "Kigali", "Kinshasa", "Abidjan", "Accra", "Pretoria", "Addis Abeba", "Nairobi",
    "Abuja", "Bangui", "Djibouti", "Lomé",
]  # fmt: skip


def dispatches(first: int, count: int) -> list[int]:
    """Create `count` dispatches, each naming a person and a place no other one names."""
    return [
        ArticleFactory(
            body=f"{PEOPLE[i]} est arrivé mardi à {CITIES[i]}, a annoncé l'Union africaine. "
            f"{PEOPLE[i].split()[-1]} doit y rencontrer le président de la Commission."
        ).pk
        for i in range(first, first + count)
    ]


def test_tagging_a_batch_takes_the_same_number_of_queries_for_2_or_10_articles(
    django_capture_on_commit_callbacks,
):
    two, ten = dispatches(0, 2), dispatches(2, 10)
    with CaptureQueriesContext(connection) as two_queries:
        assert tag_articles(article_ids=two).tagged == two
    with (
        CaptureQueriesContext(connection) as ten_queries,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        assert tag_articles(article_ids=ten).tagged == ten
    assert len(ten_queries) == len(two_queries) <= 25, "\n".join(
        query["sql"][:200] for query in ten_queries
    )
    assert {"Paul Kagame", "Bola Tinubu", "Abuja", "Union africaine"} <= set(
        Mention.objects.filter(article_id__in=ten).values_list("entity__name", flat=True)
    )
    assert EntityAlias.objects.get(kind="PER", key="tinubu").entity.name == "Bola Tinubu"
    assert set(IndexQueue.objects.values_list("article_id", flat=True)) == {*two, *ten}
    assert callbacks, "the index worker is woken once the batch commits"


def test_only_first_tagging_commits_without_waiting_for_the_disk():
    """A lost first-tagging batch leaves its articles pending for the sweep; a forced
    re-tag (after an editor's correction) must not be lost, so it waits for the flush."""
    relaxed = "SET LOCAL synchronous_commit TO OFF"
    ids = dispatches(0, 2)
    with CaptureQueriesContext(connection) as first:
        assert tag_articles(article_ids=ids).tagged == ids
    with CaptureQueriesContext(connection) as forced:
        assert tag_articles(article_ids=ids, force=True).tagged == ids
    assert [q["sql"] for q in first].count(relaxed) == 1
    assert relaxed not in [q["sql"] for q in forced]


def test_a_dispatch_that_fails_to_save_is_marked_failed_and_its_batch_is_tagged():
    too_long_a_name = "Zorgl" + "ubo" * 110  # tagged as a place, over the 300 characters
    before, after = dispatches(0, 1), dispatches(1, 1)
    broken = ArticleFactory(body=f"Le président {too_long_a_name} a déclaré mardi à Paris.")
    report = tag_articles(article_ids=[*before, broken.pk, *after])
    assert sorted(report.tagged) == [*before, *after]
    assert list(report.failed) == [broken.pk]
    broken.refresh_from_db()
    assert broken.tagging_status == "failed"
    assert broken.tagging_error.startswith("DataError")
    assert not broken.mentions.exists()
    assert Mention.objects.filter(article_id__in=[*before, *after]).count() >= 4
    assert not Entity.objects.filter(name__startswith="Zorgl").exists()
