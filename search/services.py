"""Search service: run a request on the configured engine and load what the page shows."""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from urllib.parse import quote

from django.db.models import Count, Subquery
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from haystack import connections
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from whoosh.qparser import QueryParser, QueryParserError

from articles.models import Article, Mention
from search.backends.schema import build_whoosh_schema
from search.highlighting import marked, matched_spans, snippet
from search.query import (
    IndexUnavailable,
    QuerySyntaxError,
    SearchHits,
    SearchRequest,
    check_syntax,
    make_parser,
    parse,
    positive_terms,
)

logger = logging.getLogger(__name__)

CHIPS_PER_RESULT = 8
# The export pages through the engine (search_after on OpenSearch): no 10,000 window.
EXPORT_LIMIT = 100_000
EXPORT_PAGE = 1000
# Page numbers are for reading, not for walking the archive: past this, the page says so
# and points to the export (OpenSearch also refuses a deeper `from`).
RESULT_WINDOW = 10_000


class EngineUnavailable(RuntimeError):
    """The search engine did not answer (a cluster down, a corrupt index)."""


@contextmanager
def engine_call(backend) -> Iterator[None]:
    """Turn the engine's own failures into QuerySyntaxError or EngineUnavailable."""
    try:
        yield
    except QueryParserError as error:
        raise QuerySyntaxError(
            gettext("The search could not be read: %(error)s") % {"error": error}
        ) from error
    except (IndexUnavailable, QuerySyntaxError):
        raise
    except backend.engine_errors as error:
        logger.exception("search engine failed")
        raise EngineUnavailable(str(error)) from error


@dataclass
class Chip:
    kind: str
    name: str
    url: str
    slug: str = ""


@dataclass
class Versions:
    """Where a result stands in its story, for its badges."""

    count: int = 1
    kind: str = Article.VersionKind.ORIGINAL
    annulled: bool = False
    corrected_by: int | None = None  # the correction that followed it


@dataclass
class Result:
    article: Article
    title: SafeString
    snippet: SafeString
    chips: list[Chip] = field(default_factory=list)
    url: str = ""
    versions: Versions = field(default_factory=Versions)
    corrected_url: str = ""


@dataclass
class SearchOutcome:
    request: SearchRequest
    hits: SearchHits = field(default_factory=SearchHits)
    results: list[Result] = field(default_factory=list)
    error: str = ""
    unavailable: bool = False
    engine_failed: bool = False  # the engine did not answer (`error` says so)
    empty_archive: bool = False
    beyond_window: bool = False


def run(request: SearchRequest) -> SearchHits:
    """Run a checked request on the engine; raise QuerySyntaxError, IndexUnavailable or
    EngineUnavailable."""
    check_syntax(request.q)
    backend = connections["default"].get_backend()
    with engine_call(backend):
        return backend.archive_search(request)


def matching_ids(request: SearchRequest, *, limit: int = EXPORT_LIMIT) -> Iterator[list[int]]:
    """Yield the ids of every match, in the request's order, a page at a time."""
    check_syntax(request.q)
    backend = connections["default"].get_backend()
    pages = backend.matching_ids(request, limit=limit, page=EXPORT_PAGE)
    while True:
        with engine_call(backend):
            ids = next(pages, None)
        if ids is None:
            return
        yield ids


@lru_cache(maxsize=1)
def _query_parser() -> QueryParser:
    """The search page's parser over the index's fields, whatever the engine."""
    fields = connections["default"].get_unified_index().all_searchfields()
    ids = {"id": ID, "django_ct": DJANGO_CT, "django_id": DJANGO_ID}
    content_field, schema = build_whoosh_schema(fields, id_fields=ids)
    return make_parser(schema, content_field)


def query_terms(q: str) -> frozenset[str]:
    """Return the indexed terms a query highlights; none for a query that does not read."""
    if not q.strip():
        return frozenset()
    try:
        check_syntax(q)
        parsed = parse(_query_parser(), q)
    except (QuerySyntaxError, QueryParserError):
        return frozenset()
    return positive_terms(parsed) if parsed is not None else frozenset()


def searched_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Return where the words a query searched occur in a text, as the snippets mark them."""
    return matched_spans(text, query_terms(q))


ENTITY_FILTERS = {"PER": "person", "LOC": "place", "ORG": "org", "MISC": "misc"}


def entity_context(*, kind: str, name: str, limit: int = 10) -> SearchHits:
    """Return an entity's dispatches per month and the entities most often beside it.

    For entity pages: `months` maps months since 1970-01 to counts, `facets` the top names
    per kind among the entity's dispatches (the entity itself left out). Raises
    IndexUnavailable or EngineUnavailable like `run`.
    """
    request = SearchRequest(filters=((ENTITY_FILTERS[kind], name),), limit=0, facet_limit=limit + 1)
    hits = run(request)
    hits.facets = {
        field: [(other, count) for other, count in names if other != name][:limit]
        for field, names in hits.facets.items()
    }
    return hits


def search_articles(request: SearchRequest) -> SearchOutcome:
    """Answer the search page: hits, the page's articles with snippets and entity chips."""
    outcome = SearchOutcome(request)
    if request.offset + request.limit > RESULT_WINDOW:
        outcome.beyond_window = True
        request = replace(request, offset=0, limit=0)
    try:
        outcome.hits = run(request)
    except QuerySyntaxError as error:
        outcome.error = str(error)
        return outcome
    except IndexUnavailable:
        # A new archive has no index yet, and nothing to rebuild.
        outcome.empty_archive = not Article.objects.exists()
        outcome.unavailable = not outcome.empty_archive
        return outcome
    except EngineUnavailable:
        outcome.error = gettext("The search engine does not answer: try again in a moment.")
        outcome.engine_failed = True
        return outcome
    outcome.results = load_results(outcome.hits.ids, outcome.hits.terms, collapse=request.collapse)
    return outcome


def story_versions(ids: list[int]) -> tuple[dict[int, int], dict[int, list[dict]]]:
    """The stories of some articles, and every version of those stories in order."""
    stories = Article.objects.filter(pk__in=ids).values("story_id")
    members: dict[int, list[dict]] = defaultdict(list)
    rows = (
        Article.objects.filter(story_id__in=Subquery(stories))
        .order_by("story_id", "version_rank", "pk")
        .values("pk", "story_id", "version_kind", "annulled", "is_current_version")
    )
    for row in rows:
        members[row["story_id"]].append(row)
    story_of = {row["pk"]: story for story, found in members.items() for row in found}
    return story_of, members


def _versions_of(pk: int, rows: list[dict]) -> Versions:
    found = Versions(count=len(rows) or 1)
    after = False
    for row in rows:
        if row["pk"] == pk:
            found.kind, found.annulled, after = row["version_kind"], row["annulled"], True
        elif (
            after
            and row["version_kind"] == Article.VersionKind.CORRECTION
            and not row["annulled"]
            and found.corrected_by is None
        ):
            found.corrected_by = row["pk"]
    return found


def load_results(ids: list[int], terms: frozenset[str], *, collapse: bool = False) -> list[Result]:
    """Load the page's articles in the engine's order (four queries), with snippets.

    Collapsed, each hit stands for its story: the page shows the story's current version,
    or its last annulled version when the whole story was annulled.
    """
    story_of, members = story_versions(ids)
    if collapse:
        current = {
            story: next((r["pk"] for r in rows if r["is_current_version"]), None)
            or next((r["pk"] for r in reversed(rows) if r["annulled"]), None)
            for story, rows in members.items()
        }
        ids = list(dict.fromkeys(current.get(story_of.get(pk)) or pk for pk in ids))
    articles = Article.objects.select_related("source").in_bulk(ids)
    chips = entity_chips(list(articles))
    detail_url = url_maker("articles:detail")
    results = []
    for pk in ids:
        if pk not in articles:
            continue
        article = articles[pk]
        versions = _versions_of(pk, members.get(story_of.get(pk), []))
        results.append(
            Result(
                article=article,
                title=marked(article.title, terms),
                snippet=snippet(article.body, terms),
                chips=chips.get(pk, []),
                url=detail_url(pk),
                versions=versions,
                corrected_url=detail_url(versions.corrected_by) if versions.corrected_by else "",
            )
        )
    return results


def url_maker(name: str) -> Callable[[object], str]:
    """Return a function building the URL of a one-argument route, as reverse() would.

    One reverse() per page instead of one per result and entity chip.
    """
    marker = "0"
    prefix, _, suffix = reverse(name, args=[marker]).rpartition(marker)
    return lambda value: f"{prefix}{quote(str(value), safe=RFC3986_SUBDELIMS + '/~:@')}{suffix}"


def entity_chips(article_ids: list[int]) -> dict[int, list[Chip]]:
    """Return each article's most mentioned entities, in one query."""
    rows = (
        Mention.objects.filter(article_id__in=article_ids, rejected=False)
        .values("article_id", "entity__kind", "entity__name", "entity__slug")
        .annotate(mentions=Count("id"))
        .order_by("article_id", "-mentions", "entity__name")
    )
    chips: dict[int, list[Chip]] = defaultdict(list)
    entity_url = url_maker("articles:entity")
    for row in rows:
        found = chips[row["article_id"]]
        if len(found) < CHIPS_PER_RESULT:
            url = entity_url(row["entity__slug"])
            found.append(Chip(row["entity__kind"], row["entity__name"], url, row["entity__slug"]))
    return chips


EXPORT_COLUMNS = (
    "id",
    "date",
    "source",
    "titre",
    "signature",
    "lieu",
    "personnes",
    "lieux",
    "organisations",
    "url",
    "version",
    "statut",
)
KIND_NAMES = dict(Article.VersionKind.choices)


def export_status(article: Article, corrected: bool) -> str:
    if article.annulled:
        return "annulée"
    if article.version_kind == Article.VersionKind.ANNULMENT:
        return "avis d'annulation"
    return "rectifiée" if corrected else ""


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    text = "" if cell is None else str(cell)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def export_rows(
    request: SearchRequest, *, absolute_url, with_annulled: bool = False
) -> Iterator[list[str]]:
    """Yield the CSV header and one row per result (at most EXPORT_LIMIT), neutralised.

    Every version is exported (no collapse); annulled dispatches only when asked, marked.
    The first page is fetched before the header, so an engine that fails, fails first.
    """
    pages = matching_ids(replace(request, collapse=False))
    first = next(pages, [])
    yield list(EXPORT_COLUMNS)
    for chunk in chain([first], pages):
        articles = Article.objects.select_related("source").defer("body").in_bulk(chunk)
        names: dict[tuple[int, str], list[str]] = defaultdict(list)
        mentions = (
            Mention.objects.filter(article_id__in=chunk, rejected=False)
            .values_list("article_id", "entity__kind", "entity__name")
            .distinct()
            .order_by("article_id", "entity__name")
        )
        for article_id, kind, name in mentions:
            names[(article_id, kind)].append(name)
        _, members = story_versions(chunk)
        for pk in chunk:
            article = articles.get(pk)
            if article is None or (article.annulled and not with_annulled):
                continue
            versions = _versions_of(pk, members.get(article.story_id, []))
            row = [
                article.pk,
                article.published_on.isoformat() if article.published_on else "",
                article.source.name,
                article.title,
                article.byline,
                article.dateline_place,
                "; ".join(names[(pk, "PER")]),
                "; ".join(names[(pk, "LOC")]),
                "; ".join(names[(pk, "ORG")]),
                absolute_url(article.get_absolute_url()),
                KIND_NAMES.get(article.version_kind, ""),
                export_status(article, bool(versions.corrected_by)),
            ]
            yield [neutralise(cell) for cell in row]
