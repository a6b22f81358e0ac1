"""The search page and its CSV export."""

import csv

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from search import presenters, quotations, services
from search.forms import SearchForm

PER_PAGE = 20


def _page_number(raw: str | None) -> tuple[int, str]:
    if raw in (None, ""):
        return 1, ""
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        return 1, gettext("« %(raw)s » is not a page number: here is the first page.") % {
            "raw": raw[:20]
        }
    return number, ""


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    params = request.GET
    context = {"form": form, "notices": [], "per_page": PER_PAGE}
    if not form.is_valid():
        return render(request, "search/search.html", context)
    page, notice = _page_number(params.get("page"))
    if notice:
        context["notices"].append(notice)
    search_request = form.search_request(page=page, per_page=PER_PAGE)
    link = presenters.Permalink(params)
    citations, citations_view = None, form.cleaned_data.get("vue") == "citations"
    if citations_view:
        outcome, citations = quotations.search_citations(
            search_request,
            speaker_slug=form.cleaned_data.get("auteur") or "",
            offset=search_request.offset,
            limit=PER_PAGE,
        )
    else:
        outcome = services.search_articles(search_request)
    hits = outcome.hits
    shown = hits.stories if search_request.collapse and hits.stories is not None else hits.total
    if citations is not None:
        shown = citations.total
    paging = presenters.pagination(shown, page, PER_PAGE, link)
    granularity, bars = presenters.histogram(hits.months, link)
    context.update(
        {
            "outcome": outcome,
            "results": presenters.result_items(
                outcome.results, search_query=request.GET.urlencode()
            ),
            "citations": citations,
            "citations_view": citations_view,
            "view_links": presenters.view_links(link, citations_view=citations_view),
            "speaker_facet": presenters.speaker_facet(citations, link) if citations else [],
            "speaker_facet_clear_url": link.url(replace={"auteur": ""}),
            "search": search_request,
            "has_query": bool(search_request.q),
            "browsing": not (
                search_request.q
                or search_request.filters
                or form.cleaned_data.get("date_from")
                or form.cleaned_data.get("date_to")
            ),
            "past_end": shown > 0 and page > paging.pages,
            "all_versions_url": link.url(replace={"versions": "toutes"}),
            "one_per_story_url": link.url(replace={"versions": ""}),
            "pagination": paging,
            "facet_groups": presenters.facet_groups(hits, search_request, link),
            "active_filters": presenters.active_filters(search_request, link),
            "histogram": bars,
            "granularity": granularity,
            "sort_links": presenters.sort_links(link, search_request.sort, bool(search_request.q)),
            "suggestion_url": link.url(replace={"q": hits.suggestion}) if hits.suggestion else "",
            "export_url": link.url(replace={"sort": search_request.sort}),
            "save_query": link.url()[1:],
            "save_name": (search_request.q or "Recherche")[:200],
        }
    )
    return render(request, "search/search.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@permission_required("articles.export_results", raise_exception=True)
def export(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(e for errors in form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    search_request = form.search_request(page=1, per_page=PER_PAGE)
    try:
        rows = services.export_rows(
            search_request,
            absolute_url=request.build_absolute_uri,
            with_annulled=form.cleaned_data.get("annulees", False),
        )
        first = next(rows)
    except services.QuerySyntaxError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    except (services.IndexUnavailable, services.EngineUnavailable):
        return HttpResponse(
            gettext("The search index is being rebuilt: try again in a moment."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(first)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="recherche-{stamp}.csv"'
    return response
