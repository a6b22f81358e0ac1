"""Pages of the archive: articles, entities, and the archivists' imports."""

import logging
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError as BrokerError

from articles import selectors
from articles.extensions import article_page_context, searched_words
from articles.forms import UploadForm
from articles.importing import count_input_files
from articles.models import Article, Entity, ImportBatch
from articles.reasons import translated_reason
from articles.tasks import run_import

logger = logging.getLogger(__name__)
PAGE_SIZE = 25


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.article_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/article_list.html", {"page": page})


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source", "import_batch"), pk=pk)
    diff = request.GET.get("diff", "")
    # A result link carries its search's query string: its words are marked in the text
    # and « ← Résultats » goes back to that very page of results.
    from_search = QueryDict(request.GET.get("recherche", "")[:4000])
    query = from_search.get("q", "")
    search = from_search.urlencode()
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "mentions": selectors.article_mentions(article),
            "entities": selectors.article_entities(article),
            "label": selectors.version_label(article),
            "searched": searched_words(article.body, query),
            "results_url": f"{reverse('search:search')}?{search}" if search else "",
            "search_param": urlencode({"recherche": search}) if search else "",
            "story": selectors.article_story(
                article, diff_id=int(diff) if diff.isdecimal() else None
            ),
            **article_page_context(article),  # e.g. search's « Dépêches proches »
        },
    )


@require_GET
def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=slug)
    articles = selectors.entity_articles(entity)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    quote_timeline = selectors.entity_quote_timeline(entity)
    return render(
        request,
        "articles/entity_detail.html",
        {
            "entity": entity,
            "aliases": entity.aliases.exclude(surface=entity.name).order_by("surface"),
            "mention_count": entity.mentions.filter(rejected=False).count(),
            "page": page,
            "timeline": selectors.entity_timeline(entity),
            "co_mentioned": selectors.co_mentioned_entities(entity),
            "quotes": selectors.entity_quotes(entity),
            "quote_timeline": quote_timeline,
            "quote_count": sum(row["count"] for row in quote_timeline),
        },
    )


@require_GET
@permission_required("articles.import_dispatches", raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.batch_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/batch_list.html", {"page": page})


def _store_uploads(batch: ImportBatch, uploads) -> tuple[list[str], list[str]]:
    folder = Path(settings.MEDIA_ROOT) / "imports" / str(batch.pk)
    folder.mkdir(parents=True, exist_ok=True)
    paths, names = [], []
    for number, upload in enumerate(uploads, start=1):
        name = Path(upload.name).name or f"file-{number}"
        path = folder / f"{number:04d}-{get_valid_filename(name)[:150]}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(str(path))
        names.append(name)
    return paths, names


@permission_required("articles.import_dispatches", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        if source.pk is None:
            source.save()
        batch = ImportBatch.objects.create(created_by=request.user, source=source)
        paths, names = _store_uploads(batch, form.cleaned_data["files"])
        batch.files_total = count_input_files([Path(p) for p in paths])
        batch.save(update_fields=["files_total"])
        encoding = form.cleaned_data["encoding"]
        try:
            run_import.delay(batch.pk, paths, names, encoding)
        except (BrokerError, ConnectionError, OSError) as error:
            logger.error("cannot queue import batch %s: %s", batch.pk, error)
            batch.status = ImportBatch.Status.FAILED
            batch.error = "The task queue is unreachable: nothing was imported. Try again shortly."
            batch.save(update_fields=["status", "error"])
            messages.error(request, batch.error)
        return redirect(batch)
    return render(request, "articles/upload.html", {"form": form})


def _batch_or_404(request: HttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(selectors.batch_list(), pk=pk)


@require_GET
@permission_required("articles.import_dispatches", raise_exception=True)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    return render(
        request,
        "articles/batch_detail.html",
        {
            "batch": batch,
            "files": batch.files.all(),
            "articles": batch.articles.defer("body")[:50],
            "tagging": selectors.batch_tagging(batch),
        },
    )


@require_GET
@permission_required("articles.import_dispatches", raise_exception=True)
def batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    batch = _batch_or_404(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "progress": batch.progress_percent,
            "files_total": batch.files_total,
            "files_done": batch.files_done,
            "files_rejected": batch.files_rejected,
            "articles_created": batch.articles_created,
            "duplicates": batch.duplicates,
            "error": batch.error,
            "tagging": selectors.batch_tagging(batch).as_dict(),
            "files": [
                {
                    "name": f.name,
                    "status": f.status,
                    "status_label": f.get_status_display(),
                    "encoding": f.encoding,
                    "articles": f.articles_created,
                    "duplicates": f.duplicates,
                    "reason": translated_reason(f.reason),
                }
                for f in batch.files.all()
            ],
        }
    )
