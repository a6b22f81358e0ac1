"""Story service: group dispatches into stories and keep each story's versions in order.

The decisions come from `articles.grouping` (pure); this module reads the candidates from
PostgreSQL, stores the LSH keys (`StorySignature`) and the stories, and announces the
articles it moved. It runs in the workers after import (before tagging, in the same task)
and from `manage.py group_stories`, never in a request.

Determinism: a dispatch only joins the story of an *earlier* dispatch, earlier meaning the
order key (publication time, else import time; the wire's sequence of kinds inside one day;
then the id). Grouping everything in that order (`--all`) therefore gives one answer,
whatever order the files came in; a dispatch that arrives late (an URGENT imported after
its lead) regroups the later dispatches that resemble it.

Concurrency: grouping transactions take one advisory lock, so two workers grouping versions
of one story at the same moment are serialised and make one story.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from articles import grouping, versions
from articles.models import Article, Story, StorySignature
from articles.parsing import derive_title
from articles.signals import announce_changed

logger = logging.getLogger(__name__)

# A fixed 64-bit advisory lock key for "story grouping" (see articles.locks for the other).
STORY_GROUPING = 0x4E_65_77_73_53_74_6F_72  # "NewsStor"
MAX_CANDIDATES = 30
MAX_CASCADE = 200  # decisions a late arrival may revisit
_FIELDS = (
    "id",
    "story_id",
    "title",
    "body",
    "version_kind",
    "version_number",
    "published_at",
    "published_on",
    "imported_at",
    "story_pinned",
    "guid",
    "source_id",
    "item_version",
)


@dataclass
class GroupReport:
    grouped: int = 0
    joined: int = 0  # dispatches placed in an existing story
    moved: list[int] = field(default_factory=list)  # articles whose story changed


def moment(article: Article) -> datetime:
    """When a dispatch happened, for the window and the order: publication, else import."""
    if article.published_at:
        return article.published_at
    if article.published_on:
        return datetime.combine(article.published_on, time(0), tzinfo=UTC)
    return article.imported_at


def order_key(article: Article) -> tuple:
    stage = versions.STAGE.get(article.version_kind, 40) + (article.version_number or 0)
    return (moment(article), stage, article.item_version or 0, article.pk)


def window() -> timedelta:
    return timedelta(hours=settings.STORY_WINDOW_HOURS)


def version_fields(
    raw_title: str, body: str, *, derived: bool = False, slug: str = "", overrides=None
) -> dict:
    """An article's title and version fields from its headline as delivered.

    The displayed title drops the markers; a headline made only of markers gives way to the
    body's first sentence. The raw headline is kept as it came.
    """
    try:
        markers = versions.read_markers(raw_title, slug, overrides) if not derived else None
    except (ValueError, TypeError) as error:  # markers saved around the admin's check
        logger.warning("ignoring the source's version markers (%s): using the defaults", error)
        markers = versions.read_markers(raw_title, slug)
    if markers is None:
        markers = versions.Markers(title=raw_title)
    title = markers.title
    if not title:
        title, derived = derive_title(body), True
    return {
        "title": title[:500],
        "title_derived": derived,
        "raw_title": raw_title[:500],
        "version_kind": markers.kind,
        "version_number": markers.number,
        "version_note": markers.note[:500],
    }


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORY_GROUPING])


class _Grouper:
    """One grouping transaction: fingerprints cached, stories touched collected."""

    def __init__(self, thresholds: grouping.Thresholds):
        self.thresholds = thresholds
        self.prints: dict[int, grouping.Fingerprint] = {}
        self.touched: set[int] = set()
        self.report = GroupReport()

    def fingerprint(self, article: Article) -> grouping.Fingerprint:
        found = self.prints.get(article.pk)
        if found is None:
            found = self.prints[article.pk] = grouping.fingerprint(article.title, article.body)
        return found

    def store_keys(self, articles: Sequence[Article]) -> None:
        """Write the batch's LSH keys in one statement (replacing older ones)."""
        StorySignature.objects.bulk_create(
            [
                StorySignature(article_id=a.pk, at=moment(a), keys=list(self.fingerprint(a).keys))
                for a in articles
            ],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["at", "keys"],
        )

    def candidates(self, article: Article) -> list[Article]:
        """Articles of the window sharing an LSH key with this one, most shared keys first."""
        fp = self.fingerprint(article)
        if not fp.keys:
            return []
        at = moment(article)
        rows = list(
            StorySignature.objects.filter(
                keys__overlap=list(fp.keys), at__range=(at - window(), at + window())
            )
            .exclude(article_id=article.pk)
            .values_list("article_id", "keys")
        )
        if not rows:
            return []
        mine = set(fp.keys)
        rows.sort(key=lambda row: (-len(mine.intersection(row[1])), row[0]))
        ids = [pk for pk, _ in rows[:MAX_CANDIDATES]]
        return list(Article.objects.filter(pk__in=ids).only(*_FIELDS).order_by("pk"))

    def decide(self, article: Article, candidates: Sequence[Article]) -> grouping.Decision:
        mine = order_key(article)
        if article.guid:
            # Revisions of one item id are versions of one story, whatever their text.
            revisions = [other for other in _revisions(article) if order_key(other) < mine]
            if revisions:
                first = min(revisions, key=order_key)
                return grouping.Decision(first.story_id, first.pk, 1.0, "guid")
        earlier = [c for c in candidates if order_key(c) < mine]
        return grouping.decide(
            self.fingerprint(article),
            article.version_kind,
            [
                grouping.Candidate(c.pk, c.story_id, fp.shingles, fp.title_key)
                for c, fp in ((c, self.fingerprint(c)) for c in earlier)
            ],
            self.thresholds,
        )

    def place(self, article: Article, decision: grouping.Decision) -> None:
        """Put the article in the decided story (or one of its own) and remember both."""
        old = article.story_id
        if decision.story_id is not None:
            target = decision.story_id
            self.report.joined += 1
        elif self._follows_others(article):
            target = Story.objects.create().pk  # it leaves the story of earlier versions
        else:
            target = old  # alone, or the first of its story: the story stays its own
        if target != old:
            Article.objects.filter(pk=article.pk).update(story_id=target)
            article.story_id = target
            self.report.moved.append(article.pk)
        self.touched.update({old, target})

    @staticmethod
    def _follows_others(article: Article) -> bool:
        """Whether the article's story holds versions earlier than it."""
        mine = order_key(article)
        others = (
            Article.objects.filter(story_id=article.story_id)
            .exclude(pk=article.pk)
            .only(
                "id",
                "version_kind",
                "version_number",
                "published_at",
                "published_on",
                "imported_at",
                "item_version",
            )
        )
        return any(order_key(other) < mine for other in others)

    def group(self, article: Article, *, cascade: bool) -> None:
        self.report.grouped += 1
        candidates = self.candidates(article)
        if not article.story_pinned:
            self.place(article, self.decide(article, candidates))
        else:
            self.touched.add(article.story_id)
        if cascade:
            self.regroup_later(article, candidates)

    def regroup_later(self, article: Article, candidates: Sequence[Article]) -> None:
        """Decide again for the later dispatches a late arrival may change: those that
        resemble it and, when one of them moves, those that had joined its story after it
        (they may have joined through it). Bounded: MAX_CASCADE decisions."""
        mine = order_key(article)
        queue = [c.pk for c in candidates if order_key(c) > mine]
        if article.guid:
            queue += [other.pk for other in _revisions(article) if order_key(other) > mine]
        seen = {article.pk}
        while queue and len(seen) <= MAX_CASCADE:
            pk = queue.pop(0)
            if pk in seen:
                continue
            seen.add(pk)
            later = Article.objects.only(*_FIELDS).get(pk=pk)
            if later.story_pinned:
                continue
            old, own = later.story_id, order_key(later)
            its_candidates = self.candidates(later)
            self.place(later, self.decide(later, its_candidates))
            queue += [c.pk for c in its_candidates if order_key(c) > own]
            if later.story_id != old:
                followers = Article.objects.filter(story_id=old).only(*_FIELDS)
                queue += [a.pk for a in followers if order_key(a) > own]


def _revisions(article: Article) -> list[Article]:
    """The other revisions of the article's feed item (same item id, same source)."""
    return list(
        Article.objects.filter(guid=article.guid, source_id=article.source_id)
        .exclude(pk=article.pk)
        .only(*_FIELDS)
    )


def _load(ids: Iterable[int]) -> list[Article]:
    articles = list(
        Article.objects.filter(pk__in=list(ids))
        .select_related("source")
        .only(*_FIELDS, "source__version_markers", "grouped_at", "raw_title")
    )
    return sorted(articles, key=order_key)


def group_articles(
    article_ids: Sequence[int],
    *,
    force: bool = False,
    cascade: bool = True,
    thresholds: grouping.Thresholds = grouping.DEFAULT_THRESHOLDS,
) -> GroupReport:
    """Group the given articles (those not grouped yet, or all with force) in one
    transaction; announce every article whose story changed."""
    grouper = _Grouper(thresholds)
    with transaction.atomic():
        _lock()
        todo = [a for a in _load(article_ids) if force or a.grouped_at is None]
        if not todo:
            return grouper.report
        grouper.store_keys(todo)
        for article in todo:
            grouper.group(article, cascade=cascade)
        Article.objects.filter(pk__in=[a.pk for a in todo]).update(grouped_at=timezone.now())
        changed = refresh_stories(grouper.touched)
        announce_changed([*grouper.report.moved, *changed])
    return grouper.report


def refresh_stories(story_ids: Iterable[int]) -> list[int]:
    """Recompute ranks, the current version and annulments of stories; delete empty ones.

    Returns the articles whose flags changed. An annulment annuls every earlier version of
    its story; the current version is the latest version neither annulled nor an annulment.
    """
    ids = sorted({pk for pk in story_ids if pk is not None})
    if not ids:
        return []
    members: dict[int, list[Article]] = {pk: [] for pk in ids}
    for article in Article.objects.filter(story_id__in=ids).only(
        "id", "story_id", "version_kind", "version_number", "version_rank",
        "is_current_version", "annulled", "published_at", "published_on", "imported_at",
        "item_version",
    ):  # fmt: skip
        members[article.story_id].append(article)
    changed: list[Article] = []
    for articles in members.values():
        articles.sort(key=order_key)
        last_annulment = max(
            (i for i, a in enumerate(articles) if a.version_kind == versions.ANNULMENT), default=-1
        )
        current = None
        for index, article in enumerate(articles):
            if index >= last_annulment and article.version_kind != versions.ANNULMENT:
                current = index
        for index, article in enumerate(articles):
            state = (index + 1, index == current, index < last_annulment)
            if state != (article.version_rank, article.is_current_version, article.annulled):
                article.version_rank, article.is_current_version, article.annulled = state
                changed.append(article)
    Article.objects.bulk_update(
        changed, ["version_rank", "is_current_version", "annulled"], batch_size=1000
    )
    empty = [pk for pk, articles in members.items() if not articles]
    Story.objects.filter(pk__in=empty).annotate(n=Count("versions")).filter(n=0).delete()
    Story.objects.filter(pk__in=[pk for pk in ids if pk not in empty]).update(
        updated_at=timezone.now()
    )
    return [a.pk for a in changed]


def pending_ids(limit: int | None = None, older_than: timedelta | None = None) -> list[int]:
    queryset = Article.objects.filter(grouped_at__isnull=True)
    if older_than is not None:
        queryset = queryset.filter(imported_at__lt=timezone.now() - older_than)
    ids = queryset.order_by("pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


def regroup_all(*, batch_size: int = 500, on_batch=None) -> GroupReport:
    """Regroup the whole archive in the order key, editors' placements kept: the same
    archive always gives the same stories."""
    total = GroupReport()
    rows = list(
        Article.objects.values_list(
            "pk",
            "published_at",
            "published_on",
            "imported_at",
            "version_kind",
            "version_number",
            "item_version",
        )
    )
    proxies = []
    for pk, published_at, published_on, imported_at, kind, number, item_version in rows:
        proxy = Article(
            pk=pk,
            published_at=published_at,
            published_on=published_on,
            imported_at=imported_at,
            version_kind=kind,
            version_number=number,
            item_version=item_version,
        )
        proxies.append(proxy)
    proxies.sort(key=order_key)
    with transaction.atomic():
        _lock()
        # Start over: every unpinned dispatch alone, in a story of its own.
        _separate_all()
    for start in range(0, len(proxies), batch_size):
        chunk = [p.pk for p in proxies[start : start + batch_size]]
        report = group_articles(chunk, force=True, cascade=False)
        total.grouped += report.grouped
        total.joined += report.joined
        total.moved += report.moved
        if on_batch:
            on_batch(total)
    return total


def _separate_all() -> None:
    """Give every unpinned dispatch that shares its story a story of its own."""
    shared = (
        Article.objects.filter(story_pinned=False)
        .values("story_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("story_id", flat=True)
    )
    moved = []
    for story_id in list(shared):
        articles = list(
            Article.objects.filter(story_id=story_id, story_pinned=False).order_by("pk")
        )
        keep_first = not Article.objects.filter(story_id=story_id, story_pinned=True).exists()
        for article in articles[1:] if keep_first else articles:
            article.story_id = Story.objects.create().pk
            moved.append(article)
    Article.objects.bulk_update(moved, ["story_id"], batch_size=1000)
    announce_changed(a.pk for a in moved)
