"""Story grouping measured on labelled wire versions built from real French text.

The cases (tests/data/story_cases.json) come from bench/story_cases.py; bench/story_quality.py
replays them through articles.grouping as the story service decides. The same cases are then
imported as files and grouped by the service itself, in a shuffled order.
"""

import random
from pathlib import Path

import pytest

from articles import grouping, stories, versions
from articles.importing import import_files
from articles.models import Article
from bench.story_cases import CASES, build_cases, dumps, file_name, load_cases, write_files
from bench.story_quality import bcubed, evaluate, half, pairwise

MIN_F1 = 0.95
DATABASE_FAMILIES = 40
SEED = 20160312


@pytest.fixture(scope="module")
def cases():
    return load_cases()


def test_the_committed_cases_are_what_the_generator_writes():
    assert dumps(build_cases()) == CASES.read_text(encoding="utf-8")


def test_the_cases_hold_every_kind_of_version_and_both_halves(cases):
    kinds = {case["kind_expected"] for case in cases["dispatches"]}
    assert kinds == set(versions.KINDS)
    assert len(cases["families"]) >= 100 and len(CASES.read_bytes()) < 3_000_000
    assert half(cases, "dev") and half(cases, "test")
    follow_ups = [f for f in cases["families"] if f["type"] == "follow-up"]
    assert follow_ups and all(f["follows"] for f in follow_ups)


def test_bcubed_and_pairwise_scores_on_a_small_partition():
    gold = {1: "a", 2: "a", 3: "b"}
    found = {1: "x", 2: "y", 3: "y"}
    assert bcubed(found, gold) == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    assert pairwise(found, gold) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert bcubed(gold, gold)["f1"] == pairwise(gold, gold)["f1"] == 1.0


@pytest.mark.parametrize("use_lsh", [True, False], ids=["lsh", "window"])
def test_same_story_quality_on_the_test_half(cases, use_lsh):
    result = evaluate(half(cases, "test"), grouping.DEFAULT_THRESHOLDS, use_lsh=use_lsh)
    assert result["bcubed"]["f1"] >= MIN_F1, result["errors"]


def test_every_correction_and_annulment_is_flagged(cases):
    flagged = evaluate(half(cases, "test"), grouping.DEFAULT_THRESHOLDS)["flagged"]
    for kind in (versions.CORRECTION, versions.ANNULMENT):
        assert flagged[kind]["expected"] > 0
        assert flagged[kind]["recognised"] == flagged[kind]["expected"], flagged[kind]["missed"]
    assert flagged["share"] == 1.0


def test_an_annulment_joins_the_dispatch_it_names_not_another_notice():
    notice = (
        "Nous annulons la dépêche « {} » diffusée le 6 mars 2021. Merci de ne pas l'utiliser. "
        "Une nouvelle version suivra."
    )
    title = "Algérie : 50 ans d'indépendance"
    named = grouping.fingerprint(
        title,
        "C'était il y a tout juste 50 ans, le 5 juillet 1962, le général De Gaulle proclamait "
        "l'indépendance de l'Algérie, après plus de 7 ans de guerre.",
    )
    other_title = "Vendée Globe : Déjà un abandon"
    other_notice = grouping.fingerprint(other_title, notice.format(other_title))
    decision = grouping.decide(
        grouping.fingerprint(title, notice.format(title)),
        versions.ANNULMENT,
        [
            grouping.Candidate(1, 10, named.shingles, named.title_key),
            grouping.Candidate(2, 20, other_notice.shingles, other_notice.title_key),
        ],
    )
    assert decision.story_id == 10


def _partition(ids) -> set[frozenset[int]]:
    """The stories of these articles, as sets of article ids."""
    stories_of: dict[int, set[int]] = {}
    for pk, story_id in Article.objects.filter(pk__in=ids).values_list("pk", "story_id"):
        stories_of.setdefault(story_id, set()).add(pk)
    return {frozenset(members) for members in stories_of.values()}


def _import(dispatches, folder: Path) -> dict[int, dict]:
    """Write the dispatches as files, import the folder; return each article's case."""
    write_files(dispatches, folder)
    report = import_files(paths=[folder])
    assert not report.rejected and report.articles_created == len(dispatches)
    created = {Path(f.name).name: f.article_ids for f in report.files}
    case_of = {}
    for case in dispatches:
        (pk,) = created[file_name(case)]
        case_of[pk] = case
    return case_of


def _sample(cases) -> list[dict]:
    families = sorted({case["family"] for case in cases["dispatches"]})
    chosen = set(random.Random(SEED).sample(families, DATABASE_FAMILIES))
    return [case for case in cases["dispatches"] if case["family"] in chosen]


def _group_in_shuffled_batches(ids, seed: int = SEED) -> None:
    shuffled = list(ids)
    random.Random(seed).shuffle(shuffled)
    for start in range(0, len(shuffled), 9):
        stories.group_articles(shuffled[start : start + 9])


def _score(partition: set[frozenset[int]], case_of: dict[int, dict]) -> float:
    story_of = {pk: index for index, members in enumerate(partition) for pk in members}
    return bcubed(story_of, {pk: case["family"] for pk, case in case_of.items()})["f1"]


@pytest.mark.django_db
def test_the_service_regroups_imported_cases_as_the_replay_does(cases, tmp_path):
    dispatches = _sample(cases)
    case_of = _import(dispatches, tmp_path)
    read = Article.objects.filter(pk__in=case_of).values_list("pk", "version_kind", "published_on")
    for pk, kind, published_on in read:
        expected = (case_of[pk]["kind_expected"], case_of[pk]["date"])
        assert (kind, published_on.isoformat()) == expected

    _group_in_shuffled_batches(case_of)
    stories.regroup_all()
    regrouped = _partition(case_of)
    assert _score(regrouped, case_of) >= MIN_F1
    # The pure replay decides exactly as the service: same stories, dispatch for dispatch.
    replayed = evaluate(dispatches, grouping.DEFAULT_THRESHOLDS)["stories_by_id"]
    pk_of = {case["id"]: pk for pk, case in case_of.items()}
    members: dict[int, set[int]] = {}
    for case_id, story in replayed.items():
        members.setdefault(story, set()).add(pk_of[case_id])
    assert regrouped == {frozenset(m) for m in members.values()}

    stories.regroup_all()
    assert _partition(case_of) == regrouped


@pytest.mark.django_db
def test_grouping_in_any_order_gives_the_regrouped_stories(cases, tmp_path):
    case_of = _import(_sample(cases), tmp_path)
    _group_in_shuffled_batches(case_of)
    grouped = _partition(case_of)
    stories.regroup_all()
    assert _partition(case_of) == grouped
    assert _score(grouped, case_of) >= MIN_F1
