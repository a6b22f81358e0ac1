"""Reads that several pages share."""

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, Substr, TruncDate, TruncMonth
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from articles.diffing import word_diff
from articles.models import Article, Entity, ImportBatch, Mention, Quote


def article_list() -> QuerySet[Article]:
    """Return articles newest first, with what a list row shows."""
    return Article.objects.select_related("source").defer("body").order_by("-imported_at", "-pk")


def article_mentions(article: Article) -> list[Mention]:
    """Return an article's live mentions in text order, with their entities."""
    return list(article.mentions.filter(rejected=False).select_related("entity").order_by("start"))


def article_entities(article: Article) -> dict[str, list[Entity]]:
    """Group an article's entities by kind, most mentioned first."""
    rows = (
        Entity.objects.filter(mentions__article=article, mentions__rejected=False)
        .annotate(count=Count("mentions"))
        .order_by("-count", "name")
    )
    grouped: dict[str, list[Entity]] = {kind: [] for kind in Entity.Kind.values}
    for entity in rows:
        grouped[entity.kind].append(entity)
    return grouped


def entity_articles(entity: Entity) -> QuerySet[Article]:
    """Return the articles that mention an entity, newest first."""
    return (
        Article.objects.filter(mentions__entity=entity, mentions__rejected=False)
        .distinct()
        .select_related("source")
        .defer("body")
        .order_by("-published_on", "-imported_at", "-pk")
    )


def batch_list() -> QuerySet[ImportBatch]:
    """Return import batches newest first."""
    return ImportBatch.objects.select_related("source", "created_by").order_by("-created_at")


@dataclass(frozen=True)
class TaggingProgress:
    """Where a batch's dispatches stand in tagging."""

    tagged: int = 0
    pending: int = 0
    failed: int = 0
    skipped: int = 0  # not French: never tagged

    @property
    def total(self) -> int:
        return self.tagged + self.pending + self.failed + self.skipped

    @property
    def finished(self) -> bool:
        return self.pending == 0

    def as_dict(self) -> dict:
        return {
            "tagged": self.tagged,
            "pending": self.pending,
            "failed": self.failed,
            "skipped": self.skipped,
            "total": self.total,
            "finished": self.finished,
        }


def batch_tagging(batch: ImportBatch) -> TaggingProgress:
    """Count a batch's dispatches tagged, waiting for tagging, failed and skipped (one query)."""
    counts = dict(
        batch.articles.order_by().values_list("tagging_status").annotate(count=Count("pk"))
    )
    return TaggingProgress(
        tagged=counts.get(Article.Tagging.DONE, 0),
        pending=counts.get(Article.Tagging.PENDING, 0),
        failed=counts.get(Article.Tagging.FAILED, 0),
        skipped=counts.get(Article.Tagging.SKIPPED, 0),
    )


def entity_timeline(entity: Entity) -> list[dict]:
    """Count the articles mentioning an entity per month, with bar heights in percent."""
    rows = list(
        Article.objects.filter(mentions__entity=entity, mentions__rejected=False)
        .annotate(month=TruncMonth(Coalesce("published_on", TruncDate("imported_at"))))
        .values("month")
        .annotate(count=Count("pk", distinct=True))
        .order_by("month")
    )
    peak = max((row["count"] for row in rows), default=0)
    for row in rows:
        row["percent"] = round(100 * row["count"] / peak) if peak else 0
    return rows


def co_mentioned_entities(entity: Entity, *, limit: int = 12) -> QuerySet[Entity]:
    """Return the entities that most often share an article with this one."""
    articles = Mention.objects.filter(entity=entity, rejected=False).values("article_id")
    return (
        Entity.objects.filter(mentions__article_id__in=articles, mentions__rejected=False)
        .exclude(pk=entity.pk)
        .annotate(shared=Count("mentions__article", distinct=True))
        .order_by("-shared", "name")[:limit]
    )


def version_label(article: Article) -> str:
    """The version kind as the wire says it: « Urgent », « 2e lead », « Rectificatif »."""
    if article.version_kind == Article.VersionKind.LEAD and article.version_number:
        number = article.version_number
        if number == 1:
            return gettext("1st lead")
        return gettext("Lead %(number)s") % {"number": number}
    return str(Article.VersionKind(article.version_kind).label)


@dataclass
class StoryView:
    """An article's place in its story, as its page shows it."""

    timeline: list[Article]  # every version in story order, bodies left out, each .label set
    copies: list[Article] = field(default_factory=list)  # versions from the other sources
    annulment: Article | None = None  # the notice that annulled this version
    correction: Article | None = None  # the first later correction still standing
    correction_diff: SafeString | None = None  # this version against that correction
    orphan_correction: bool = False  # a correction whose original is not in the archive
    diff_new: Article | None = None  # the version compared, and the one before it
    diff_old: Article | None = None
    diff: SafeString | None = None


def article_story(article: Article, *, diff_id: int | None = None) -> StoryView:
    """Read an article's story in two queries: its versions, then the bodies compared.

    The comparison is between the chosen version (`diff_id`, else the article) and the
    version before it in the story.
    """
    timeline = list(
        Article.objects.filter(story_id=article.story_id)
        .select_related("source")
        .defer("body")
        .order_by("version_rank", "pk")
    )
    for version in timeline:
        version.label = version_label(version)
    if not any(version.pk == article.pk for version in timeline):
        timeline = [article]  # moved to another story meanwhile
        article.label = version_label(article)
    story = StoryView(timeline=timeline)
    position = next(i for i, version in enumerate(timeline) if version.pk == article.pk)
    later = timeline[position + 1 :]
    story.copies = [version for version in timeline if version.source_id != article.source_id]
    story.annulment = next(
        (v for v in later if v.version_kind == Article.VersionKind.ANNULMENT), None
    )
    story.correction = next(
        (v for v in later if v.version_kind == Article.VersionKind.CORRECTION and not v.annulled),
        None,
    )
    story.orphan_correction = (
        position == 0 and article.version_kind == Article.VersionKind.CORRECTION
    )
    chosen = next((i for i, v in enumerate(timeline) if v.pk == diff_id), position)
    if chosen > 0:
        story.diff_new, story.diff_old = timeline[chosen], timeline[chosen - 1]
    bodies = _bodies(article, [story.correction, story.diff_new, story.diff_old])
    if story.correction:
        story.correction_diff = word_diff(article.body, bodies[story.correction.pk])
    if story.diff_new:
        story.diff = word_diff(bodies[story.diff_old.pk], bodies[story.diff_new.pk])
    return story


def _bodies(article: Article, versions: list[Article | None]) -> dict[int, str]:
    """The bodies of the given versions in one query (none for the article, already read)."""
    wanted = {version.pk for version in versions if version is not None} - {article.pk}
    bodies = dict(Article.objects.filter(pk__in=wanted).values_list("pk", "body")) if wanted else {}
    return bodies | {article.pk: article.body}


# --- quotations -----------------------------------------------------------------------

ENTITY_QUOTES_SHOWN = 50


def article_quotes(article: Article) -> list[Quote]:
    """Return an article's quotations in text order, each with its speaker and `.words`."""
    quotes = list(
        article.quotes.filter(rejected=False).select_related("speaker").order_by("start", "pk")
    )
    for quote in quotes:
        quote.words = article.body[quote.start : quote.end]
    return quotes


def entity_quotes(entity: Entity, *, limit: int = ENTITY_QUOTES_SHOWN) -> list[Quote]:
    """Return what an entity said, newest dispatch first, each quote with its `.words`."""
    return list(
        Quote.objects.filter(speaker=entity, rejected=False)
        .select_related("article__source")
        .defer("article__body")
        .annotate(words=Substr("article__body", F("start") + 1, F("end") - F("start")))
        .order_by(
            F("article__published_on").desc(nulls_last=True),
            F("article__published_at").desc(nulls_last=True),
            "-article__imported_at",
            "-article_id",
            "start",
        )[:limit]
    )


def entity_quote_timeline(entity: Entity) -> list[dict]:
    """Count an entity's quotations per month of their dispatches, with bar heights in percent."""
    rows = list(
        Quote.objects.filter(speaker=entity, rejected=False)
        .annotate(
            month=TruncMonth(Coalesce("article__published_on", TruncDate("article__imported_at")))
        )
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    peak = max((row["count"] for row in rows), default=0)
    for row in rows:
        row["percent"] = round(100 * row["count"] / peak) if peak else 0
    return rows
