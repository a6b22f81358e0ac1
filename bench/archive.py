"""Fill and empty the benchmark archive: import, tag, and synthetic mentions at scale.

Tagging 100,000 dispatches with spaCy on two cores takes hours, so beyond the ingest
sample the archive's entities are synthetic: each untagged article gets the entities of
a really tagged article, half of them swapped for entities drawn by their real frequency.
Facet counts then have the shape of real ones; mention offsets are placeholders.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from articles.importing import import_files
from articles.models import (
    Article,
    Entity,
    EntityAlias,
    ImportBatch,
    ImportFileResult,
    Mention,
    RejectedForm,
    Source,
    Story,
    StorySignature,
)
from articles.tagging import chunked, tag_articles
from bench.measure import Stopwatch

SYNTHETIC_TAGGER = "bench-synthetic"
SEED_TAGGED = 500
_WRITE_BATCH = 5000


def reset_archive() -> None:
    """Empty every archive table (and the index queue) and restart their ids."""
    from django.apps import apps

    models = [
        Mention,
        EntityAlias,
        Entity,
        RejectedForm,
        StorySignature,
        Article,
        Story,
        ImportFileResult,
        ImportBatch,
    ]
    tables = [model._meta.db_table for model in [*models, Source]]
    existing = set(connection.introspection.table_names())
    if apps.is_installed("search"):
        tables += [m._meta.db_table for m in apps.get_app_config("search").get_models()]
    tables = [table for table in tables if table in existing]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def import_paths(paths: Sequence[Path]) -> tuple[list[int], float]:
    """Import files in-process as the import command does; return new ids and seconds."""
    with Stopwatch() as watch:
        report = import_files(paths=list(paths))
    ids = [pk for file_report in report.files for pk in file_report.article_ids]
    return ids, watch.seconds


def tag_in_process(article_ids: Sequence[int]) -> tuple[int, int, float]:
    """Tag articles in this process in the workers' batch size; return (tagged, failed, s)."""
    tagged = failed = 0
    with Stopwatch() as watch:
        for batch in chunked(list(article_ids), settings.TAGGING_BATCH_SIZE):
            report = tag_articles(article_ids=batch, force=False)
            tagged += len(report.tagged)
            failed += len(report.failed)
    return tagged, failed, watch.seconds


def ensure_tagged_seed(count: int = SEED_TAGGED) -> int:
    """Make sure some articles are really tagged (the synthetic mentions copy them)."""
    done = Article.objects.filter(tagging_status=Article.Tagging.DONE).exclude(
        tagger=SYNTHETIC_TAGGER
    )
    if done.exists():
        return 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:count])
    return tag_in_process(ids)[0]


def synthesize_mentions(*, seed: int) -> dict:
    """Give every untagged article synthetic mentions drawn from the really tagged ones."""
    rng = random.Random(seed)
    templates: dict[int, list[int]] = {}
    for article_id, entity_id in (
        Mention.objects.filter(rejected=False, article__tagging_status=Article.Tagging.DONE)
        .values_list("article_id", "entity_id")
        .order_by("article_id", "start")
    ):
        entities = templates.setdefault(article_id, [])
        if entity_id not in entities:
            entities.append(entity_id)
    frequency = Counter(e for entities in templates.values() for e in entities)
    if not frequency:
        raise RuntimeError("no tagged article to draw entities from")
    population, weights = list(frequency), list(frequency.values())
    names = dict(Entity.objects.values_list("pk", "name"))
    pool = [templates[pk] for pk in sorted(templates)]
    pending = Article.objects.exclude(tagging_status=Article.Tagging.DONE).order_by("pk")
    ids = list(pending.values_list("pk", flat=True))
    created = 0
    with Stopwatch() as watch:
        for batch in chunked(ids, _WRITE_BATCH):
            mentions = []
            for article_id in batch:
                chosen: dict[int, None] = {}
                for entity_id in rng.choice(pool):
                    if rng.random() < 0.5:
                        entity_id = rng.choices(population, weights)[0]
                    chosen[entity_id] = None
                mentions += [
                    Mention(
                        article_id=article_id,
                        entity_id=entity_id,
                        start=2 * position,
                        end=2 * position + 1,
                        surface=names[entity_id][:300],
                        origin=Mention.Origin.MODEL,
                    )
                    for position, entity_id in enumerate(chosen)
                ]
            with transaction.atomic():
                Mention.objects.bulk_create(mentions, batch_size=_WRITE_BATCH)
                Article.objects.filter(pk__in=batch).update(
                    tagging_status=Article.Tagging.DONE,
                    tagger=SYNTHETIC_TAGGER,
                    tagged_at=timezone.now(),
                )
            created += len(mentions)
    return {
        "articles": len(ids),
        "mentions": created,
        "template_articles": len(pool),
        "distinct_entities": len(population),
        "seconds": round(watch.seconds, 2),
    }


def archive_counts() -> dict:
    """Count what the archive holds."""
    real = Article.objects.filter(tagging_status=Article.Tagging.DONE).exclude(
        tagger=SYNTHETIC_TAGGER
    )
    return {
        "articles": Article.objects.count(),
        "tagged_by_model": real.count(),
        "tagged_synthetic": Article.objects.filter(tagger=SYNTHETIC_TAGGER).count(),
        "entities": Entity.objects.count(),
        "mentions": Mention.objects.count(),
        "sources": sorted(Source.objects.values_list("name", flat=True)),
    }
