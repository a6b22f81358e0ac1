"""Grouping dispatches into stories: the service on real PostgreSQL, and its bad inputs."""

import ast
import random
from pathlib import Path

import pytest
from django.core.management import call_command

from articles import stories
from articles.importing import import_files
from articles.models import Article, Story, StorySignature
from tests.conftest import REPO

VERSIONS = REPO / "fixtures" / "dispatches" / "story_versions.txt"
LEAD = (
    "TOKYO, 12 mars 2016 (AFP) - Un séisme de magnitude 6,8 a frappé samedi le large de la "
    "côte nord-est du Japon, a annoncé l'Agence météorologique japonaise, qui n'a pas lancé "
    "d'alerte au tsunami.\n\nLa secousse s'est produite à 14h32 locales à une profondeur de "
    "10 kilomètres, à environ {km} kilomètres au large de la préfecture de Miyagi.\n\n"
    "Des immeubles ont tremblé jusqu'à Tokyo, mais aucun dégât ni victime n'avait été "
    "signalé dans l'immédiat, a indiqué la chaîne publique NHK."
)


def write(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def imported(*paths: Path) -> list[int]:
    report = import_files(paths=list(paths))
    return [pk for f in report.files for pk in f.article_ids]


def partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for pk, story in Article.objects.values_list("pk", "story_id"):
        groups.setdefault(story, set()).add(pk)
    return {frozenset(g) for g in groups.values()}


def by_kind() -> dict[str, Article]:
    return {a.version_kind: a for a in Article.objects.all()}


@pytest.fixture
def fixture_ids(db):
    ids = imported(VERSIONS)
    assert len(ids) == 7
    return ids


def test_the_fixture_groups_into_its_three_stories(fixture_ids):
    stories.group_articles(fixture_ids)
    labels = {
        a.pk: f"{a.source.name}:{a.version_kind}" for a in Article.objects.select_related("source")
    }
    found = {tuple(sorted(labels[pk] for pk in group)) for group in partition()}
    assert found == {
        ("AFP:correction", "AFP:lead", "AFP:urgent", "Reuters:original"),
        ("AFP:annulment", "AFP:original"),
        ("AFP:original",),
    }
    kinds = by_kind()
    quake = kinds["correction"].story
    ranks = list(quake.versions.order_by("version_rank").values_list("version_kind", flat=True))
    assert ranks[:2] == ["urgent", "lead"] and ranks[-1] == "correction"
    assert list(quake.versions.filter(is_current_version=True)) == [kinds["correction"]]
    strike = kinds["annulment"].story
    assert not strike.versions.filter(is_current_version=True).exists()
    assert strike.versions.get(version_kind="original").annulled
    assert kinds["correction"].version_note.startswith("Rectifie : 120 et non 150")
    assert kinds["urgent"].title == "Séisme de magnitude 6,8 au large du Japon"
    assert kinds["urgent"].raw_title.startswith("URGENT ")


def test_grouping_is_idempotent_and_independent_of_arrival_order(fixture_ids):
    batches = [fixture_ids[i : i + 2] for i in range(0, len(fixture_ids), 2)]
    random.Random(7).shuffle(batches)
    for batch in batches:
        stories.group_articles(batch)
    arrived = partition()
    stories.group_articles(fixture_ids)  # already grouped: nothing to do
    assert partition() == arrived
    stories.regroup_all()
    assert partition() == arrived
    stories.regroup_all()
    assert partition() == arrived


def test_a_reimport_and_retagging_leave_stories_unchanged(fixture_ids):
    stories.group_articles(fixture_ids)
    before = set(Article.objects.values_list("pk", "story_id", "version_rank"))
    report = import_files(paths=[VERSIONS])
    assert report.articles_created == 0 and report.duplicates == 7
    call_command("tag_articles", "--all", "--sync", verbosity=0)
    assert set(Article.objects.values_list("pk", "story_id", "version_rank")) == before


def test_versions_arriving_out_of_order_follow_publication_time(db, tmp_path):
    later = write(
        tmp_path,
        "b.txt",
        "Séisme au Japon (2e LEAD)",
        LEAD.format(km=150).replace("12 mars", "13 mars"),
    )
    earlier = write(tmp_path, "a.txt", "Séisme au Japon (1er LEAD)", LEAD.format(km=150))
    first = imported(later)
    stories.group_articles(first)
    second = imported(earlier)
    stories.group_articles(second)
    kinds = {a.version_number: a for a in Article.objects.all()}
    assert kinds[1].story_id == kinds[2].story_id
    assert (kinds[1].version_rank, kinds[2].version_rank) == (1, 2)
    assert kinds[2].is_current_version and not kinds[1].is_current_version


def test_a_correction_of_a_correction_is_the_current_version(db, tmp_path):
    paths = [
        write(tmp_path, "1.txt", "Séisme au Japon", LEAD.format(km=150)),
        write(
            tmp_path,
            "2.txt",
            "RECTIFICATIF Séisme au Japon (Rectifie : 120 et non 150)",
            LEAD.format(km=120),
        ),
        write(
            tmp_path,
            "3.txt",
            "RECTIFICATIF Séisme au Japon (Rectifie : 125 et non 120)",
            LEAD.format(km=125),
        ),
    ]
    ids = imported(*paths)
    stories.group_articles(ids)
    assert len(partition()) == 1
    ordered = list(Article.objects.order_by("version_rank"))
    assert [a.pk for a in ordered] == ids
    assert [a.is_current_version for a in ordered] == [False, False, True]


def test_a_correction_with_no_earlier_version_gets_a_story_of_its_own(db, tmp_path):
    ids = imported(write(tmp_path, "r.txt", "RECTIFICATIF Séisme au Japon", LEAD.format(km=120)))
    stories.group_articles(ids)
    article = Article.objects.get()
    assert article.version_kind == "correction"
    assert article.version_rank == 1 and article.is_current_version
    assert Story.objects.count() == 1


def test_a_title_made_only_of_markers_gives_way_to_the_first_sentence(db, tmp_path):
    ids = imported(write(tmp_path, "u.txt", "URGENT", LEAD.format(km=120)))
    stories.group_articles(ids)
    article = Article.objects.get()
    assert article.version_kind == "urgent"
    assert article.title.startswith("Un séisme de magnitude 6,8 a frappé samedi")
    assert article.title_derived and article.raw_title == "URGENT"


def test_dispatches_without_words_are_grouped_alone(db, tmp_path):
    ids = imported(
        write(tmp_path, "a.txt", "URGENT Séisme", "PARIS (AFP) - …"),
        write(tmp_path, "b.txt", "ALERTE Séisme", "PARIS (AFP) - « ! »"),
    )
    assert len(ids) == 2
    report = stories.group_articles(ids)
    assert report.grouped == 2
    assert len(partition()) == 2
    assert StorySignature.objects.filter(article_id__in=ids, keys=[]).count() == 2


def test_the_same_dispatch_imported_twice_is_a_duplicate_not_a_version(db, tmp_path):
    path = write(tmp_path, "a.txt", "Séisme au Japon", LEAD.format(km=150))
    ids = imported(path)
    again = import_files(paths=[path])
    assert again.duplicates == 1 and again.articles_created == 0
    stories.group_articles(ids)
    assert Article.objects.get().version_rank == 1


def test_a_follow_up_days_later_is_a_new_story(db, tmp_path, settings):
    settings.STORY_WINDOW_HOURS = 72
    first = write(tmp_path, "a.txt", "Séisme au Japon", LEAD.format(km=150))
    late = write(
        tmp_path,
        "b.txt",
        "Séisme au Japon",
        LEAD.format(km=150).replace("12 mars", "19 mars") + " Un rappel.",
    )
    stories.group_articles(imported(first, late))
    assert len(partition()) == 2  # the same text a week later: outside the window


def test_the_command_groups_in_this_process_with_sync(fixture_ids, capsys):
    call_command("group_stories", "--sync", verbosity=0)
    assert not Article.objects.filter(grouped_at__isnull=True).exists()
    grouped = partition()
    call_command("group_stories", "--all", "--sync", verbosity=0)
    assert partition() == grouped
    assert "3 stories" in capsys.readouterr().out


def test_articles_never_import_search():
    """One direction: search reads articles; articles announce changes with a signal."""
    for path in (REPO / "articles").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "search" or n.startswith("search.") for n in names), path


@pytest.mark.parametrize("module", ["articles/grouping.py", "articles/versions.py"])
def test_the_grouping_logic_is_pure(module):
    tree = ast.parse((REPO / module).read_text("utf-8"))
    imported_names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.startswith(("django", "articles.models")) for name in imported_names)


GROUP_AT = """
import time
from articles import stories
time.sleep(max(0.0, {start} - time.time()))
stories.group_articles([{pk}])
"""


@pytest.mark.django_db(transaction=True)
def test_two_workers_grouping_one_story_at_once_make_one_story(tmp_path):
    """Two processes group the lead and the correction of one story at the same instant;
    the grouping lock serialises them, so they agree on one story."""
    from tests.faults.conftest import manage
    from tests.integration.conftest import database_url

    urgent, lead, correction = imported(
        write(tmp_path, "u.txt", "URGENT Séisme au Japon", LEAD.format(km=150)[:260]),
        write(tmp_path, "l.txt", "Séisme au Japon (1er LEAD)", LEAD.format(km=150)),
        write(tmp_path, "c.txt", "RECTIFICATIF Séisme au Japon", LEAD.format(km=120)),
    )
    stories.group_articles([urgent])
    start = __import__("time").time() + 4
    env = {"DATABASE_URL": database_url()}
    processes = [
        manage("shell", "-c", GROUP_AT.format(start=start, pk=pk), env=env)
        for pk in (lead, correction)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    assert len(partition()) == 1
    assert Article.objects.filter(is_current_version=True).get().pk == correction
    assert Story.objects.count() == 1


def test_a_source_with_its_own_markers(db, tmp_path):
    from articles.models import Source

    source = Source.objects.create(name="Agence Test", version_markers={"urgent": ["PRIORITAIRE"]})
    report = import_files(
        paths=[write(tmp_path, "p.txt", "PRIORITAIRE Séisme au Japon", LEAD.format(km=1))],
        source=source,
    )
    article = Article.objects.get(pk=report.files[0].article_ids[0])
    assert (article.version_kind, article.title) == ("urgent", "Séisme au Japon")


def test_bad_marker_settings_are_refused_and_never_stop_an_import(db, tmp_path):
    from django.core.exceptions import ValidationError

    from articles.models import Source

    source = Source(name="Agence Test", version_markers={"bientot": ["X"]})
    with pytest.raises(ValidationError, match="type de version inconnu"):
        source.full_clean()
    source.version_markers = {"urgent": "URGENT"}
    with pytest.raises(ValidationError, match="liste"):
        source.full_clean()
    source.save()  # saved around the check (a script, the shell): imports still work
    report = import_files(
        paths=[write(tmp_path, "u.txt", "URGENT Séisme au Japon", LEAD.format(km=1))],
        source=source,
    )
    assert Article.objects.get(pk=report.files[0].article_ids[0]).version_kind == "urgent"


def test_regrouping_the_first_version_alone_keeps_its_story_whole(fixture_ids):
    stories.group_articles(fixture_ids)
    before = partition()
    first = Article.objects.get(version_kind="urgent")
    stories.group_articles([first.pk], force=True, cascade=False)
    assert partition() == before


def test_dateline_times_order_versions_of_one_day(db, tmp_path):
    """With times, the later dispatch is current even when the wire's order of kinds says
    otherwise (a lead sent after a correction)."""
    correction = write(
        tmp_path,
        "c.txt",
        "RECTIFICATIF Séisme au Japon",
        LEAD.format(km=120).replace("12 mars 2016 (AFP)", "12 mars 2016 10h00 GMT (AFP)"),
    )
    lead = write(
        tmp_path,
        "l.txt",
        "Séisme au Japon (3e LEAD)",
        LEAD.format(km=120).replace("12 mars 2016 (AFP)", "12 mars 2016 12h30 GMT (AFP)")
        + " Le trafic ferroviaire a repris.",
    )
    ids = imported(lead, correction)
    stories.group_articles(ids)
    later = Article.objects.get(version_kind="lead")
    assert later.published_at.isoformat() == "2016-03-12T12:30:00+00:00"
    assert later.is_current_version and later.version_rank == 2


def test_two_revisions_of_one_item_id_are_one_story_whatever_their_text(db):
    from tests.factories import ArticleFactory

    first = ArticleFactory(
        guid="urn:newsml:afp.com:20160312:TX-PAR-ABC12", item_version=1, body=LEAD.format(km=150)
    )
    other = ArticleFactory(
        guid="urn:newsml:afp.com:20160312:TX-PAR-ABC12",
        item_version=2,
        body="Le président a annoncé un plan de relance de l'économie.",
    )
    unrelated = ArticleFactory(
        guid="urn:newsml:afp.com:20160312:TX-PAR-XYZ99",
        item_version=2,
        body="La Bourse de Tokyo a fini en nette hausse, portée par les exportateurs.",
    )
    stories.group_articles([other.pk, unrelated.pk])
    stories.group_articles([first.pk])
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.story_id == other.story_id
    assert (first.version_rank, other.version_rank) == (1, 2) and other.is_current_version
    unrelated.refresh_from_db()
    assert unrelated.story_id != other.story_id
