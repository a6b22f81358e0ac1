"""Index figures: `rebuild_index` rate, incremental update rate, index size on disk."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.tagging import chunked
from bench.measure import Stopwatch
from bench.report import row

UPDATE_BATCH = 500  # the index worker's batch size (search.indexing.BATCH_SIZE)


def on_opensearch() -> bool:
    return "PATH" not in settings.HAYSTACK_CONNECTIONS["default"]


def index_path() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])


def disk_size_mb(path: Path | None = None) -> float:
    """The index's size: its folder (Whoosh), its primaries' store (OpenSearch)."""
    if on_opensearch():
        from search.indexing import search_backend

        backend = search_backend()
        stats = backend.conn.indices.stats(index=backend.index_name, metric="store")
        return round(stats["_all"]["primaries"]["store"]["size_in_bytes"] / 1024 / 1024, 2)
    path = path or index_path()
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return round(total / 1024 / 1024, 2)


def clear_index() -> None:
    """Start from no index: delete the folder, or the indices behind the alias."""
    if on_opensearch():
        from search.indexing import search_backend

        search_backend().clear()
    else:
        shutil.rmtree(index_path(), ignore_errors=True)


def node_rss_mb() -> float | None:
    """The OpenSearch nodes' resident memory, added up (None on Whoosh)."""
    if not on_opensearch():
        return None
    # Only the cluster that runs now: a stopped one leaves its pid files behind.
    folder = Path(settings.BASE_DIR, "var", "opensearch")
    nodes = (folder / "nodes").read_text().strip() if (folder / "nodes").is_file() else ""
    pids = folder.glob(f"cluster-{nodes}/node-*/pid") if nodes else []
    total = 0
    for pid_file in pids:
        try:
            total += psutil.Process(int(pid_file.read_text())).memory_info().rss
        except (psutil.Error, ValueError):
            continue
    return round(total / 1024 / 1024, 1) or None


def index_articles(article_ids: Sequence[int]) -> float:
    """Index articles the way the index worker does (batches, one commit each); seconds."""
    from search.documents import articles_for_index
    from search.indexing import article_index, search_backend

    backend, index = search_backend(), article_index()
    with Stopwatch() as watch:
        for batch in chunked(list(article_ids), UPDATE_BATCH):
            backend.apply(index, list(articles_for_index().filter(pk__in=batch)))
    return watch.seconds


def indexed_documents() -> int:
    from search.indexing import search_backend

    backend = search_backend()
    if on_opensearch():
        return backend.conn.count(index=backend.index_name)["count"]
    return backend.searcher().doc_count()


def build_and_update(*, updates: int) -> dict:
    """Rebuild the whole index, then re-index the newest `updates` articles (isolated)."""
    clear_index()
    with Stopwatch() as rebuild:
        call_command("rebuild_index", interactive=False, verbosity=0)
    articles = Article.objects.count()
    size_mb = disk_size_mb()
    documents = indexed_documents()
    ids = list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:updates])
    # A re-tagged or corrected article is saved again: its document must be replaced.
    Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    seconds = index_articles(sorted(ids))
    return {
        "articles": articles,
        "documents": documents,
        "rebuild_s": round(rebuild.seconds, 2),
        "rebuild_articles_per_s": round(articles / rebuild.seconds, 1),
        "size_mb": size_mb,
        "size_after_updates_mb": disk_size_mb(),
        "node_rss_mb": node_rss_mb(),
        "updates": len(ids),
        "update_batch": UPDATE_BATCH,
        "update_s": round(seconds, 2),
        "updates_per_s": round(len(ids) / seconds, 1) if seconds else None,
    }


def rows(figures: dict) -> list[dict]:
    """Table rows for the index figures (no baseline: rates and sizes)."""
    return [
        row(
            "index",
            "rebuild_index",
            unit="articles/s",
            measured=figures["rebuild_articles_per_s"],
            note=f"{figures['articles']} articles in {figures['rebuild_s']} s",
        ),
        row(
            "index",
            f"incremental update ({figures['update_batch']}/commit)",
            unit="articles/s",
            measured=figures["updates_per_s"],
            note=f"{figures['updates']} articles re-indexed in {figures['update_s']} s",
        ),
        row(
            "index",
            "index size on disk",
            unit="MB",
            measured=figures["size_mb"],
            note=f"{round(1024 * figures['size_mb'] / max(figures['articles'], 1), 1)} KB/article",
        ),
    ]
