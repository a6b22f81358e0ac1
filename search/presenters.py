"""What the search page shows around the results: facet links, filter chips, the histogram,
pagination. Every link is the current permalink with one parameter changed."""

import calendar
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import quote_plus

from django.http import QueryDict
from django.template.defaultfilters import date as format_date
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from articles.models import Article
from articles.selectors import version_label
from search.query import FILTER_FIELDS, SearchHits, SearchRequest
from search.services import Result

FACET_LABELS = {
    "person": gettext_lazy("People"),
    "place": gettext_lazy("Places"),
    "org": gettext_lazy("Organisations"),
    "source": gettext_lazy("Sources"),
    "misc": gettext_lazy("Miscellaneous"),
}
# Django's month abbreviations, in French as the press writes them (Django says « jan. »).
MONTHS = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)
MONTHLY_SPAN = 36


class Permalink:
    """The current search's parameters, each encoded once; every link the page shows is
    this permalink with one parameter changed, and the page number always goes (a new
    filter means a new first page)."""

    def __init__(self, params: QueryDict):
        self._lists = {key: params.getlist(key) for key in params if key != "page"}
        self._encoded: dict[tuple[str, str], str] = {}

    def url(self, *, add=(), remove=(), replace=None) -> str:
        """Return "?…" with some parameters added, removed or replaced."""
        query = {key: list(values) for key, values in self._lists.items()}
        for key, value in remove:
            if key in query:
                query[key] = [v for v in query[key] if " ".join(v.split()) != value]
        for key, value in add:
            query.setdefault(key, []).append(value)
        for key, value in (replace or {}).items():
            if value:
                query[key] = [value]
            else:
                query.pop(key, None)
        return "?" + "&".join(self._pair(key, value) for key in query for value in query[key])

    def _pair(self, key: str, value: str) -> str:
        encoded = self._encoded.get((key, value))
        if encoded is None:
            encoded = self._encoded[key, value] = f"{quote_plus(key)}={quote_plus(value)}"
        return encoded


def url_with(params: QueryDict, *, add=(), remove=(), replace=None) -> str:
    """Return "?…" for the current parameters with some added, removed or replaced."""
    return Permalink(params).url(add=add, remove=remove, replace=replace)


def grouped(number: int) -> str:
    """Format a count as humanize's intcomma does in the active language ("1 234")."""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@dataclass
class FacetItem:
    name: str
    count: int
    shown_count: str
    url: str
    active: bool


@dataclass
class FacetGroup:
    label: str
    param: str
    items: list[FacetItem]


def facet_groups(hits: SearchHits, request: SearchRequest, link: Permalink) -> list[FacetGroup]:
    """Top names per facet, each a link that adds its filter, or removes it when active."""
    active = set(request.filters)
    groups = []
    for param, label in FACET_LABELS.items():
        items = []
        for name, count in hits.facets.get(FILTER_FIELDS[param], []):
            on = (param, name) in active
            change = {"remove": [(param, name)]} if on else {"add": [(param, name)]}
            items.append(FacetItem(name, count, grouped(count), link.url(**change), on))
        if items:
            groups.append(FacetGroup(label, param, items))
    return groups


def view_links(link: Permalink, *, citations_view: bool) -> list[tuple[str, str, bool]]:
    """(label, url, active) for the two views of the results: dispatches, quotations."""
    return [
        (gettext("Dispatches"), link.url(replace={"vue": "", "auteur": ""}), not citations_view),
        (gettext("Quotes"), link.url(replace={"vue": "citations"}), citations_view),
    ]


def speaker_facet(citations, link: Permalink) -> list[FacetItem]:
    """Link each speaker of the Citations view to their quotes only (active: to all again)."""
    active = citations.speaker.slug if citations.speaker else ""
    return [
        FacetItem(
            speaker.name,
            speaker.count,
            grouped(speaker.count),
            link.url(replace={"auteur": "" if speaker.slug == active else speaker.slug}),
            speaker.slug == active,
        )
        for speaker in citations.speakers
    ]


@dataclass
class ActiveFilter:
    label: str
    value: str
    remove_url: str


def active_filters(request: SearchRequest, link: Permalink) -> list[ActiveFilter]:
    """The filters in force, each with a link that removes it."""
    chips = [
        ActiveFilter(FACET_LABELS[param], value, link.url(remove=[(param, value)]))
        for param, value in request.filters
    ]
    if request.date_from or request.date_to:
        start = request.date_from.strftime("%d/%m/%Y") if request.date_from else "…"
        end = request.date_to.strftime("%d/%m/%Y") if request.date_to else "…"
        remove = link.url(replace={"date_from": "", "date_to": ""})
        chips.append(ActiveFilter(gettext("Dates"), f"{start} – {end}", remove))
    return chips


@dataclass
class Bar:
    label: str
    count: int
    level: int
    url: str
    start: date
    end: date


def histogram(months: dict[int, int], link: Permalink) -> tuple[str, list[Bar]]:
    """Bars of results per month, or per year when the results span more than three years;
    each bar links to its period. A bar's level (0-20) is its height in twentieths."""
    if not months:
        return "", []
    first, last = min(months), max(months)
    periods: list[tuple[str, int, date, date]] = []
    if last - first < MONTHLY_SPAN:
        for month in range(first, last + 1):
            year, index = 1970 + month // 12, month % 12
            end_day = calendar.monthrange(year, index + 1)[1]
            start, end = date(year, index + 1, 1), date(year, index + 1, end_day)
            periods.append((f"{MONTHS[index]} {year}", months.get(month, 0), start, end))
        granularity = gettext("month")
    else:
        years: dict[int, int] = {}
        for month, count in months.items():
            years[1970 + month // 12] = years.get(1970 + month // 12, 0) + count
        for year in range(min(years), max(years) + 1):
            periods.append((str(year), years.get(year, 0), date(year, 1, 1), date(year, 12, 31)))
        granularity = gettext("year")
    tallest = max(count for _, count, _, _ in periods)
    bars = [
        Bar(
            label=label,
            count=count,
            level=max(1, round(20 * count / tallest)) if count else 0,
            url=link.url(replace={"date_from": start.isoformat(), "date_to": end.isoformat()}),
            start=start,
            end=end,
        )
        for label, count, start, end in periods
    ]
    return granularity, bars


@dataclass
class Pagination:
    number: int
    pages: int
    previous_url: str
    next_url: str
    last_url: str


def pagination(total: int, page: int, per_page: int, link: Permalink) -> Pagination:
    pages = max(1, -(-total // per_page))

    def page_url(number: int) -> str:
        return link.url(replace={"page": str(number) if number > 1 else ""})

    return Pagination(
        number=page,
        pages=pages,
        previous_url=page_url(page - 1) if 1 < page <= pages else "",
        next_url=page_url(page + 1) if page < pages else "",
        last_url=page_url(pages),
    )


def sort_links(link: Permalink, current: str, has_query: bool) -> list[tuple[str, str, bool]]:
    """(label, url, active) for each sort order; relevance only means something with words."""
    labels = {
        "relevance": gettext("Relevance"),
        "newest": gettext("Newest"),
        "oldest": gettext("Oldest"),
    }
    return [
        (label, link.url(replace={"sort": key}), key == current)
        for key, label in labels.items()
        if has_query or key != "relevance"
    ]


@dataclass
class ResultItem:
    url: str
    title: SafeString
    meta: SafeString
    snippet: SafeString
    chips: SafeString
    badges: SafeString


def version_badges(result: Result) -> SafeString:
    """Annulée, Rectifiée (linked to the correction), the kind and the story's size."""
    versions = result.versions
    parts = []
    if versions.annulled:
        parts.append(f'<span class="version-badge annulled">{escape(gettext("Annulled"))}</span>')
    if versions.corrected_by:
        parts.append(
            f'<a class="version-badge corrected" href="{escape(result.corrected_url)}">'
            f"{escape(gettext('Corrected'))}</a>"
        )
    language = result.article.language
    if language and language != "fr":
        parts.append(
            f'<span class="language" lang="{escape(language)}" '
            f'title="{escape(gettext("Language of the dispatch"))}">'
            f"{escape(language.upper())}</span>"
        )
    if versions.kind != Article.VersionKind.ORIGINAL:
        label = version_label(result.article)
        parts.append(f'<span class="version-kind">{escape(label)}</span>')
    if versions.count > 1:
        parts.append(
            f'<a class="versions-link" href="{escape(result.url)}#versions">'
            f"{versions.count} versions</a>"
        )
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece is escaped


def result_items(results: list[Result], *, search_query: str = "") -> list[ResultItem]:
    """Each result's line of details and entity chips, rendered once here: as template
    loops they were a third of the page's time (twenty results, up to eight chips each).

    Each link carries the search's query string (`search_query`): the article page marks
    its words and links back to this page of results."""
    suffix = f"?recherche={quote_plus(search_query)}" if search_query else ""
    items = []
    for result in results:
        if suffix:
            result = replace(result, url=f"{result.url}{suffix}")
        article = result.article
        parts = [escape(article.source)]
        if day := article.published_on:
            shown = escape(format_date(day, "j F Y"))
            parts.append(f'<time datetime="{day.isoformat()}">{shown}</time>')
        parts += [escape(text) for text in (article.dateline_place, article.byline) if text]
        chips = "".join(
            f'<li><a class="chip chip-{escape(chip.kind)}" href="{escape(chip.url)}">'
            f"{escape(chip.name)}</a></li>"
            for chip in result.chips
        )
        items.append(
            ResultItem(
                url=result.url,
                title=result.title,
                meta=mark_safe(" · ".join(parts)),  # noqa: S308 - every piece is escaped
                snippet=result.snippet,
                chips=mark_safe(chips),  # noqa: S308 - every piece is escaped
                badges=version_badges(result),
            )
        )
    return items
