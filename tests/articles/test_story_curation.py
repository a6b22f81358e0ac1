"""Editors placing dispatches in stories: split, merge, undo, in the service and the admin."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from articles.curation import CurationError
from articles.curation.stories import merge_stories, split_out, undo_story_correction
from articles.importing import import_files
from articles.models import Article, Correction, Story
from articles.signals import articles_changed
from articles.stories import group_articles, refresh_stories
from tests.conftest import user_in
from tests.factories import ArticleFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2016, 8, 11, 10, 0, tzinfo=UTC)
STORIES = reverse("admin:articles_story_changelist")
ARTICLES = reverse("admin:articles_article_changelist")

QUAKE = (
    "Un puissant séisme de magnitude 6,2 a frappé jeudi matin l'est de la Turquie, faisant "
    "au moins 22 morts et des dizaines de blessés dans la province de Malatya, selon un "
    "bilan provisoire de l'agence turque de gestion des catastrophes. Les secours fouillent "
    "les décombres de plusieurs immeubles effondrés à la recherche de survivants, et le "
    "ministre de l'Intérieur s'est rendu sur place dans la matinée."
)
FLOODS = (
    "De violentes inondations ont touché mercredi soir le sud de la France, où plusieurs "
    "routes ont été coupées et des centaines de foyers privés d'électricité dans le Gard et "
    "l'Hérault, a indiqué la préfecture, qui appelle les habitants à la plus grande prudence "
    "et à limiter leurs déplacements jusqu'à nouvel ordre."
)
WIRE = f"""URGENT Séisme meurtrier en Turquie

MALATYA, 11 août 2016 (AFP) - {QUAKE}

---

Séisme meurtrier en Turquie (1er LEAD)

MALATYA, 11 août 2016 (AFP) - {QUAKE} Un nouveau bilan est attendu en soirée.

---

Séisme meurtrier en Turquie (RECTIFICATIF)

MALATYA, 11 août 2016 (AFP) - {QUAKE.replace("22 morts", "23 morts")} Un nouveau \
bilan est attendu en soirée.

---

Inondations dans le sud de la France

MONTPELLIER, 11 août 2016 (AFP) - {FLOODS}
"""


def partition() -> set[frozenset[int]]:
    """The archive's stories as sets of article ids: what a split or merge changes."""
    stories: dict[int, set[int]] = {}
    for pk, story_id in Article.objects.values_list("pk", "story_id"):
        stories.setdefault(story_id, set()).add(pk)
    return {frozenset(ids) for ids in stories.values()}


def placements() -> dict[int, tuple[int, bool]]:
    return {pk: (story, pinned) for pk, story, pinned in
            Article.objects.values_list("pk", "story_id", "story_pinned")}  # fmt: skip


def story_of(count: int, *, source: str = "AFP", start: int = 0) -> list[Article]:
    story = Story.objects.create()
    articles = [
        ArticleFactory(
            story=story,
            source=SourceFactory(name=source),
            published_at=NOON + timedelta(minutes=start + 10 * n),
        )
        for n in range(count)
    ]
    refresh_stories([story.pk])
    return articles


@pytest.fixture
def announced():
    """Collect the article ids the archive announces to the index."""
    ids: list[int] = []

    def receive(sender, article_ids, **kwargs):
        ids.extend(article_ids)

    articles_changed.connect(receive, weak=False)
    yield ids
    articles_changed.disconnect(receive)


@pytest.fixture
def wire(tmp_path) -> list[Article]:
    """The reference wire imported and grouped: three versions of a quake, one flood."""
    path = tmp_path / "wire.txt"
    path.write_text(WIRE, encoding="utf-8")
    ids = import_files(paths=[path]).files[0].article_ids
    group_articles(ids)
    articles = list(Article.objects.filter(pk__in=ids).order_by("pk"))
    assert [a.version_kind for a in articles] == ["urgent", "lead", "correction", "original"]
    return articles


# --- the service -----------------------------------------------------------------------


def test_the_wire_is_grouped_as_expected(wire):
    urgent, lead, correction, floods = wire
    assert partition() == {frozenset({urgent.pk, lead.pk, correction.pk}), frozenset({floods.pk})}


def test_split_moves_one_dispatch_to_a_pinned_story_of_its_own_and_logs_it(wire, editor, announced):
    urgent, lead, correction, floods = wire
    old = lead.story_id
    before = placements()

    done = split_out(article=lead, user=editor)

    lead.refresh_from_db()
    assert lead.story_id not in (old, floods.story_id) and lead.story_pinned
    assert partition() == {
        frozenset({urgent.pk, correction.pk}),
        frozenset({lead.pk}),
        frozenset({floods.pk}),
    }
    stayed = Article.objects.filter(story_id=old).order_by("version_rank")
    assert [(a.pk, a.version_rank, a.story_pinned) for a in stayed] == [
        (urgent.pk, 1, True),
        (correction.pk, 2, True),
    ]
    assert lead.version_rank == 1 and lead.is_current_version
    assert Article.objects.get(pk=floods.pk).story_pinned is False  # not involved
    assert done.action == Correction.Action.SPLIT_STORY and done.user == editor
    assert "sortie de l'histoire" in done.summary and lead.title in done.summary
    recorded = {a["id"]: (a["story"], a["pinned"]) for a in done.before["articles"]}
    assert recorded == {pk: before[pk] for pk in (urgent.pk, lead.pk, correction.pk)}
    assert done.after["moved"] == [lead.pk]
    assert lead.pk in announced


def test_split_refuses_a_dispatch_alone_in_its_story(wire, editor):
    with pytest.raises(CurationError, match="déjà seule"):
        split_out(article=wire[3], user=editor)
    assert not Correction.objects.exists()


def test_merge_moves_every_version_into_the_kept_story_and_deletes_the_others(editor, announced):
    keep = story_of(2)
    other = story_of(2, source="Reuters", start=5)
    third = story_of(1, start=20)
    gone = {other[0].story_id, third[0].story_id}

    done = merge_stories(keep=keep[0].story, others=[other[0].story, third[0].story], user=editor)

    rows = list(Article.objects.filter(story_id=keep[0].story_id).order_by("version_rank"))
    expected = [keep[0], other[0], keep[1], other[1], third[0]]
    assert [a.pk for a in rows] == [a.pk for a in expected]
    assert all(a.story_pinned for a in rows)
    assert [a.is_current_version for a in rows] == [False, False, False, False, True]
    assert not Story.objects.filter(pk__in=gone).exists()
    assert done.action == Correction.Action.MERGE_STORIES
    assert sorted(done.after["moved"]) == sorted(a.pk for a in [*other, *third])
    assert set(done.before["stories"]) == {keep[0].story_id, *gone}
    assert set(a.pk for a in [*other, *third]) <= set(announced)


def test_merge_needs_another_story(editor):
    keep = story_of(2)
    with pytest.raises(CurationError):
        merge_stories(keep=keep[0].story, others=[keep[0].story], user=editor)


def test_undo_split_restores_the_previous_stories_exactly(wire, editor):
    before, stories_before = placements(), set(Story.objects.values_list("pk", flat=True))
    done = split_out(article=wire[1], user=editor)
    new_story = Article.objects.get(pk=wire[1].pk).story_id

    undo = undo_story_correction(correction=done, user=editor)

    assert placements() == before
    assert set(Story.objects.values_list("pk", flat=True)) == stories_before
    assert not Story.objects.filter(pk=new_story).exists()
    ranks = Article.objects.filter(pk__in=[a.pk for a in wire[:3]]).order_by("pk")
    assert [a.version_rank for a in ranks] == [1, 2, 3]
    done.refresh_from_db()
    assert done.reverted_by == undo and undo.action == Correction.Action.UNDO_STORY
    with pytest.raises(CurationError, match="pas encore annulée"):
        undo_story_correction(correction=done, user=editor)
    with pytest.raises(CurationError):
        undo_story_correction(correction=undo, user=editor)


def test_undo_merge_recreates_the_deleted_stories_under_their_old_ids(editor):
    keep = story_of(2)
    other = story_of(3, source="Reuters", start=5)
    Article.objects.filter(pk=other[0].pk).update(story_pinned=True)
    before = placements()
    done = merge_stories(keep=keep[0].story, others=[other[0].story], user=editor)
    assert not Story.objects.filter(pk=other[0].story_id).exists()

    undo_story_correction(correction=done, user=editor)

    assert placements() == before
    assert Story.objects.filter(pk=other[0].story_id).exists()
    restored = Article.objects.filter(story_id=other[0].story_id).order_by("version_rank")
    assert [a.pk for a in restored] == [a.pk for a in other]
    assert restored.last().is_current_version


def test_undo_refuses_when_a_moved_dispatch_is_gone(editor):
    keep, other = story_of(1), story_of(1, start=5)
    done = merge_stories(keep=keep[0].story, others=[other[0].story], user=editor)
    Article.objects.filter(pk=other[0].pk).delete()
    with pytest.raises(CurationError, match="n'existe plus"):
        undo_story_correction(correction=done, user=editor)
    assert Correction.objects.get(pk=done.pk).reverted_by is None


def test_undo_refuses_while_a_later_correction_placed_the_same_dispatches(editor):
    keep, other = story_of(2), story_of(1, start=5)
    merged = merge_stories(keep=keep[0].story, others=[other[0].story], user=editor)
    split = split_out(article=keep[1], user=editor)
    with pytest.raises(CurationError, match="annulez-la d'abord"):
        undo_story_correction(correction=merged, user=editor)
    undo_story_correction(correction=split, user=editor)
    undo_story_correction(correction=merged, user=editor)
    assert partition() == {frozenset({a.pk for a in keep}), frozenset({other[0].pk})}


def test_grouping_again_leaves_the_split_dispatch_where_the_editor_put_it(wire, editor):
    urgent, lead, correction, _floods = wire
    split_out(article=lead, user=editor)
    after_split = partition()
    ids = [a.pk for a in wire]

    group_articles(ids, force=True)
    group_articles([lead.pk], force=True)
    group_articles([urgent.pk, correction.pk], force=True)

    assert partition() == after_split
    assert frozenset({lead.pk}) in partition()


def test_grouping_again_keeps_a_merge(wire, editor):
    urgent, *_, floods = wire
    merge_stories(keep=urgent.story, others=[floods.story], user=editor)
    group_articles([a.pk for a in wire], force=True)
    assert partition() == {frozenset(a.pk for a in wire)}


# --- the admin -------------------------------------------------------------------------


def select(action: str, rows, **extra) -> dict:
    return {"action": action, "_selected_action": [r.pk for r in rows], **extra}


def story_url(story_id: int) -> str:
    return reverse("admin:articles_story_change", args=[story_id])


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_story_list_shows_titles_sizes_kinds_and_dates_in_constant_queries(
    desk, django_assert_max_num_queries
):
    story_of(3)
    with django_assert_max_num_queries(8):
        response = desk.get(STORIES)
    for _ in range(20):
        story_of(2)
    lead = story_of(1)[0]
    Article.objects.filter(pk=lead.pk).update(version_kind="lead", title="Le <b>bilan</b>")
    with django_assert_max_num_queries(8):
        response = desk.get(STORIES)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 22
    html = response.content.decode()
    assert "Le &lt;b&gt;bilan&lt;/b&gt;" in html and "Lead" in html
    found = desk.get(STORIES, {"q": "bilan"}).context["cl"].result_list
    assert [s.pk for s in found] == [lead.story_id]


def test_story_page_shows_the_versions_read_only(desk):
    articles = story_of(3)
    html = desk.get(story_url(articles[0].story_id)).content.decode()
    for article in articles:
        assert article.title in html
        assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "version en cours" in html
    assert 'name="_save"' not in html


def test_merge_action_asks_then_keeps_the_story_that_began_first(desk, editor):
    late = story_of(2, start=60)
    early = story_of(1, source="Reuters")
    chosen = [late[0].story, early[0].story]

    page = desk.post(STORIES, select("merge_selected_stories", chosen, index=0))

    assert page.status_code == 200
    assert "admin/articles/story/confirm.html" in [t.name for t in page.templates]
    html = page.content.decode()
    assert f"Histoire #{early[0].story_id} — conservée" in html
    assert all(a.title in html for a in [*late, *early])
    assert Story.objects.count() == 2  # nothing moves before the confirmation

    done = desk.post(STORIES, select("merge_selected_stories", chosen, post="yes"))

    assert done.status_code == 302 and done["Location"] == story_url(early[0].story_id)
    assert partition() == {frozenset(a.pk for a in [*late, *early])}
    correction = Correction.objects.get(action="merge_stories")
    assert correction.user == editor
    messages = [str(m) for m in desk.get(STORIES).context["messages"]]
    assert any(f"dans l'histoire #{early[0].story_id}" in m for m in messages)


def test_split_action_on_articles_asks_then_splits(desk):
    articles = story_of(3)
    page = desk.post(ARTICLES, select("split_out_of_story", [articles[1]], index=0))
    assert page.status_code == 200 and "Sortir de leur histoire" in page.content.decode()
    assert len(partition()) == 1

    done = desk.post(ARTICLES, select("split_out_of_story", [articles[1]], post="yes"))

    assert done.status_code == 302
    assert partition() == {
        frozenset({articles[0].pk, articles[2].pk}),
        frozenset({articles[1].pk}),
    }
    messages = [str(m) for m in desk.get(ARTICLES).context["messages"]]
    assert any("sortie de l'histoire" in m for m in messages)


def test_story_page_offers_the_undo_and_the_undo_restores(desk):
    articles = story_of(2)
    old = articles[0].story_id
    desk.post(ARTICLES, select("split_out_of_story", [articles[1]], post="yes"))
    correction = Correction.objects.get(action="split_story")
    undo_url = reverse("admin:articles_story_undo", args=[correction.pk])
    html = desk.get(story_url(old)).content.decode()
    assert undo_url in html and "Annuler la séparation" in html

    assert desk.get(undo_url).status_code == 405
    response = desk.post(undo_url)

    assert response.status_code == 302 and response["Location"] == story_url(old)
    assert partition() == {frozenset(a.pk for a in articles)}
    html = desk.get(story_url(old)).content.decode()
    assert undo_url not in html and "annulée le" in html
    again = desk.post(undo_url, follow=True)
    assert any("pas encore annulée" in str(m) for m in again.context["messages"])


def test_staff_without_the_editor_role_gets_403(client):
    articles = story_of(2)
    other = story_of(1, start=30)
    correction = split_out(article=articles[1], user=None)
    client.force_login(UserFactory(is_staff=True))
    before = partition()
    undo = reverse("admin:articles_story_undo", args=[correction.pk])
    assert client.get(STORIES).status_code == 403
    assert client.get(story_url(other[0].story_id)).status_code == 403
    chosen = [articles[0].story, other[0].story]
    assert (
        client.post(STORIES, select("merge_selected_stories", chosen, post="yes")).status_code
        == 403
    )
    split = select("split_out_of_story", [articles[0]], post="yes")
    assert client.post(ARTICLES, split).status_code == 403
    assert client.post(undo).status_code == 403
    assert partition() == before and Correction.objects.count() == 1


def test_staff_journalists_cannot_use_the_actions_and_others_are_sent_to_log_in(client):
    articles = story_of(2)
    other = story_of(1, start=30)
    client.force_login(user_in("journalist", is_staff=True))
    before = partition()
    assert client.get(STORIES).status_code == 403
    # The action is not offered to them: the list ignores it.
    response = client.post(ARTICLES, select("split_out_of_story", [articles[1]], post="yes"))
    assert response.status_code in (200, 302)
    chosen = [articles[0].story, other[0].story]
    assert (
        client.post(STORIES, select("merge_selected_stories", chosen, post="yes")).status_code
        == 403
    )
    assert partition() == before and not Correction.objects.exists()
    client.force_login(user_in("journalist"))
    response = client.post(STORIES, select("merge_selected_stories", chosen, post="yes"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
