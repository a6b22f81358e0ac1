"""Corrections of stories: take a dispatch out of its story, merge stories, undo either.

An editor's placement is pinned (`story_pinned`): grouping never moves a pinned dispatch.
Every dispatch of the stories involved is pinned, not only the ones moved, because
grouping would otherwise regroup the unpinned ones around the editor's decision (the
first version of a story, alone in a window, leaves for a story of its own). Each
correction records every placement it changed, so undoing it restores exactly the
stories as they were, a deleted story under its old id included.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext, ngettext

from articles import stories
from articles.curation.records import Action, CurationError, User
from articles.models import Article, Correction, Story
from articles.signals import announce_changed

STORY_ACTIONS = (Action.SPLIT_STORY, Action.MERGE_STORIES)


@contextmanager
def placing() -> Iterator[None]:
    """One story correction's transaction, serialised against the grouping workers."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [stories.STORY_GROUPING])
        yield


def _placement(article: Article) -> dict:
    return {"id": article.pk, "story": article.story_id, "pinned": article.story_pinned}


def _record(action: str, user: User, summary: str, *, before: dict, after: dict) -> Correction:
    return Correction.objects.create(
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        summary=summary[:500],
        before=before,
        after=after,
    )


def _apply(placements: Iterable[dict], rows: dict[int, Article]) -> list[int]:
    """Put each article where its placement says; return the articles whose story changed."""
    changed, moved = [], []
    for place in placements:
        article = rows[place["id"]]
        if (article.story_id, article.story_pinned) != (place["story"], place["pinned"]):
            if article.story_id != place["story"]:
                moved.append(article.pk)
            article.story_id, article.story_pinned = place["story"], place["pinned"]
            changed.append(article)
    Article.objects.bulk_update(changed, ["story", "story_pinned"], batch_size=1000)
    return moved


def _settle(story_ids: Iterable[int], moved: list[int]) -> None:
    """Recompute the stories' versions and tell the index about every article affected."""
    announce_changed([*moved, *stories.refresh_stories(story_ids)])


def _members(story_ids: Sequence[int]) -> list[Article]:
    return list(
        Article.objects.select_for_update()
        .filter(story_id__in=story_ids)
        .only("id", "story_id", "story_pinned", "title", "is_current_version", "version_rank")
        .order_by("pk")
    )


def split_out(article: Article, user: User) -> Correction:
    """Move one dispatch out of its story into a story of its own, both pinned."""
    with placing():
        try:
            article = Article.objects.select_for_update().get(pk=article.pk)
        except Article.DoesNotExist:
            raise CurationError(gettext("This dispatch no longer exists.")) from None
        old = article.story_id
        members = _members([old])
        if len(members) < 2:
            raise CurationError(gettext("This dispatch is already alone in its story."))
        new = Story.objects.create().pk
        before = [_placement(a) for a in members]
        after = [p | {"pinned": True} | ({"story": new} if p["id"] == article.pk else {})
                 for p in before]  # fmt: skip
        moved = _apply(after, {a.pk: a for a in members})
        _settle([old, new], moved)
        return _record(
            Action.SPLIT_STORY, user,
            gettext("« %(title)s » taken out of story #%(old)s (new story #%(new)s)")
            % {"title": article.title, "old": old, "new": new},
            before={"stories": [old], "articles": before},
            after={"stories": [old, new], "articles": after, "moved": moved},
        )  # fmt: skip


def merge_stories(keep: Story, others: Sequence[Story], user: User) -> Correction:
    """Move every version of the others into keep, pinned, and delete the emptied stories."""
    other_ids = sorted({s.pk for s in others} - {keep.pk})
    if not other_ids:
        raise CurationError(gettext("Choose at least two stories to merge."))
    with placing():
        ids = [keep.pk, *other_ids]
        if len(Story.objects.select_for_update().filter(pk__in=ids).values_list("pk")) != len(ids):
            raise CurationError(gettext("One of the stories to merge no longer exists."))
        members = _members(ids)
        before = [_placement(a) for a in members]
        after = [p | {"story": keep.pk, "pinned": True} for p in before]
        moved = _apply(after, {a.pk: a for a in members})
        _settle(ids, moved)
        kept = [a for a in members if a.pk not in moved] or members
        title = (
            max(kept, key=lambda a: (a.is_current_version, a.version_rank)).title if kept else ""
        )
        merged = ngettext(
            "Story %(numbers)s merged", "Stories %(numbers)s merged", len(other_ids)
        ) % {"numbers": ", ".join(f"#{pk}" for pk in other_ids)}
        into = ngettext(
            "into story #%(keep)s « %(title)s » (%(count)d dispatch moved)",
            "into story #%(keep)s « %(title)s » (%(count)d dispatches moved)",
            len(moved),
        ) % {"keep": keep.pk, "title": title, "count": len(moved)}
        summary = f"{merged} {into}"
        return _record(
            Action.MERGE_STORIES, user, summary,
            before={"stories": ids, "articles": before},
            after={"stories": [keep.pk], "articles": after, "moved": moved},
        )  # fmt: skip


def corrections_for_story(story: Story):
    """Return the story corrections that involved a story, newest first."""
    return Correction.objects.filter(
        Q(before__stories__contains=[story.pk]) | Q(after__stories__contains=[story.pk]),
        action__in=[*STORY_ACTIONS, Action.UNDO_STORY],
    ).select_related("user", "reverted_by")


def _later_correction(correction: Correction, article_ids: list[int]) -> Correction | None:
    """A story correction made since this one, still standing, that placed the same articles."""
    touching = Q()
    for pk in article_ids:
        touching |= Q(before__articles__contains=[{"id": pk}])
    return (
        Correction.objects.filter(
            touching, action__in=STORY_ACTIONS, reverted_by__isnull=True, pk__gt=correction.pk
        )
        .order_by("pk")
        .first()
    )


def undo_story_correction(correction: Correction, user: User) -> Correction:
    """Put the dispatches of a split or a merge back where they were, stories recreated."""
    with placing():
        try:
            correction = Correction.objects.select_for_update().get(pk=correction.pk)
        except Correction.DoesNotExist:
            raise CurationError(gettext("This correction no longer exists.")) from None
        if correction.action not in STORY_ACTIONS or correction.reverted_by_id:
            raise CurationError(
                gettext("Only a split or a merge of stories not undone yet can be undone.")
            )
        placements = correction.before["articles"]
        ids = [place["id"] for place in placements]
        rows = Article.objects.select_for_update().only("id", "story_id", "story_pinned")
        rows = rows.in_bulk(ids)
        if len(rows) != len(ids):
            raise CurationError(
                gettext(
                    "One of the moved dispatches no longer exists: the correction cannot be undone."
                )
            )
        if later := _later_correction(correction, ids):
            raise CurationError(
                gettext("« %(later)s » moved these dispatches since: undo it first.")
                % {"later": later.summary}
            )
        restored = sorted({place["story"] for place in placements})
        for pk in restored:
            Story.objects.get_or_create(pk=pk)
        undone = [_placement(rows[pk]) for pk in ids]
        involved = {place["story"] for place in undone} | set(restored)
        moved = _apply(placements, rows)
        _settle(involved, moved)
        undo = _record(
            Action.UNDO_STORY, user,
            gettext("Undone: %(summary)s") % {"summary": correction.summary},
            before={"correction": correction.pk, "stories": sorted(involved), "articles": undone},
            after={"stories": restored, "articles": placements, "moved": moved},
        )  # fmt: skip
        correction.reverted_by = undo
        correction.save(update_fields=["reverted_by"])
    return undo
