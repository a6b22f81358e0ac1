"""Reads that several pages share."""

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from articles.models import Article, Entity, ImportBatch, Mention


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
