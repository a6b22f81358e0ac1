"""Search figures: the search page against the raw engine query, and the cost of facets.

Runs in a fresh process (see `measure.run_isolated`) so that its peak memory is that of a
web process. For each query of a typical mix it times, round after round:
- the search page through Django's test client, logged in as a journalist
  (query, facets, month histogram, highlighted snippets, entity chips, template);
- the search engine call with facets and without them (`search.services.run`), whose
  paired difference is the cost of facets alone;
- the raw engine query. On Whoosh: the same text parsed with the same parser and French
  analyzer, filters as plain terms and a date range, top 20 hits and their stored ids, on
  a searcher opened once, with no facets and no highlighting. On OpenSearch: the page's own
  request body (facets, month histogram and story collapse included, as issue 11 asks:
  "the same request body through the client, with facets on"), with the same search type,
  sent straight through the client; the same body without aggregations is timed beside it.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from articles.models import Article, Entity
from articles.roles import JOURNALIST
from bench import operators
from bench.measure import latency_summary, percentile
from bench.report import at_most, row

ROUNDS = 30
WARM_ROUNDS = 2
PAGE_SIZE = 20
RAW_RATIO_TARGET = 2.0
P95_TARGET_MS = 300.0
# Issue 11's targets for the scaled-out engine: page p95 < 250 ms and ≤ 1.5× the raw query.
TARGETS = {"raw_whoosh": (RAW_RATIO_TARGET, P95_TARGET_MS), "raw_opensearch": (1.5, 250.0)}
COMMON_WORDS = "président gouvernement"
PHRASE = '"premier ministre"'
FILTERED_WORD = "président"
DATED_WORD = "économie"
DATE_RANGE = (datetime.date(2018, 1, 1), datetime.date(2019, 6, 30))
DATED = "date range"
_LONG_WORD = re.compile(r"\b[a-zéèêàùâîôûç]{9,}\b")


@dataclasses.dataclass(frozen=True)
class Query:
    name: str
    q: str
    filters: tuple[tuple[str, str], ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Query:
        """Rebuild a query of the mix from its description in the figures."""

        def day(value):
            return datetime.date.fromisoformat(value) if isinstance(value, str) else value

        return cls(
            name=data["name"],
            q=data["q"],
            filters=tuple(tuple(pair) for pair in data["filters"]),
            date_from=day(data["date_from"]),
            date_to=day(data["date_to"]),
        )

    def params(self) -> dict[str, str]:
        found = {"q": self.q}
        found.update(self.filters)
        if self.date_from:
            found["date_from"] = self.date_from.isoformat()
        if self.date_to:
            found["date_to"] = self.date_to.isoformat()
        return found

    def page_request(self):
        """The engine request the search page builds for this query, through its form."""
        from django.http import QueryDict
        from django.utils.http import urlencode

        from search.forms import SearchForm

        form = SearchForm(QueryDict(urlencode(self.params())))
        if not form.is_valid():
            raise ValueError(f"the search form refuses {self.params()}: {form.errors}")
        return form.search_request(page=1, per_page=PAGE_SIZE)

    def request(self, *, with_facets: bool = True):
        from search.query import SearchRequest

        return SearchRequest(
            q=self.q,
            filters=self.filters,
            date_from=self.date_from,
            date_to=self.date_to,
            limit=PAGE_SIZE,
            with_facets=with_facets,
        )


def rare_word(reader) -> str:  # reader: anything with doc_frequency(field, term)
    """Pick the long word of the first articles with the fewest documents (at least one)."""
    from search.analysis import analyse_word

    words = set()
    for body in Article.objects.order_by("pk").values_list("body", flat=True)[:100]:
        words.update(_LONG_WORD.findall(body))
    scored = []
    for word in words:
        analysed = analyse_word(word)
        if analysed:
            frequency = reader.doc_frequency("text", analysed[1])
            if frequency:
                scored.append((frequency, word))
    return min(scored)[1]


def top_person() -> str:
    """The person mentioned in the most articles."""
    top = (
        Entity.objects.filter(kind=Entity.Kind.PERSON)
        .annotate(articles=Count("mentions__article", distinct=True))
        .order_by("-articles", "name")
        .first()
    )
    return top.name if top else ""


def query_mix(reader) -> list[Query]:
    mix = [
        Query("rare word", rare_word(reader)),
        Query("two common words", COMMON_WORDS),
        Query("phrase", PHRASE),
        Query(DATED, DATED_WORD, date_from=DATE_RANGE[0], date_to=DATE_RANGE[1]),
    ]
    if person := top_person():
        mix.insert(3, Query("person filter", FILTERED_WORD, filters=(("person", person),)))
    return mix


class RawWhoosh:
    """The same query straight on Whoosh: parse, filter terms, date range, top page."""

    def __init__(self, path: str):
        from whoosh import index

        from search.query import make_parser

        self.index = index.open_dir(path)
        self.searcher = self.index.searcher()
        self.parser = make_parser(self.index.schema, "text")

    def run(self, query: Query) -> list[str]:
        from whoosh import query as wq

        from search.analysis import name_key
        from search.query import FILTER_FIELDS, parse

        parts = [parse(self.parser, query.q)]
        parts += [wq.Term(FILTER_FIELDS[name], name_key(value)) for name, value in query.filters]
        if query.date_from or query.date_to:
            start = datetime.datetime.combine(query.date_from, datetime.time.min)
            end = datetime.datetime.combine(query.date_to, datetime.time.max)
            parts.append(wq.DateRange("published", start, end))
        results = self.searcher.search(wq.And(parts), limit=PAGE_SIZE)
        return [hit["django_id"] for hit in results]

    def document_frequency(self, word: str) -> int:
        from search.analysis import analyse_word

        analysed = analyse_word(word)
        return self.searcher.doc_frequency("text", analysed[1]) if analysed else 0


class RawOpenSearch:
    """The search page's request body, built once per query and sent straight through the
    client with the page's search type: no parsing, no reading of the response, no rows."""

    def __init__(self):
        from search.indexing import search_backend

        self.backend = search_backend()
        self.conn, self.index = self.backend.conn, self.backend.index_name
        self._bodies: dict[tuple[Query, bool], dict] = {}

    def body(self, query: Query, *, aggregations: bool = True) -> dict:
        key = (query, aggregations)
        if key not in self._bodies:
            body, _ = self.backend.search_body(query.page_request())
            if not aggregations:
                body.pop("aggs", None)
            self._bodies[key] = body
        return self._bodies[key]

    def _send(self, body: dict) -> list[str]:
        params = self.backend.search_params(body)
        hits = self.conn.search(index=self.index, body=body, params=params)["hits"]["hits"]
        return [hit["_source"]["django_id"] for hit in hits]

    def run(self, query: Query) -> list[str]:
        return self._send(self.body(query))

    def run_without_aggregations(self, query: Query) -> list[str]:
        return self._send(self.body(query, aggregations=False))

    def doc_frequency(self, field: str, term: str) -> int:
        body = {"query": {"term": {field: term}}}
        return self.conn.count(index=self.index, body=body)["count"]

    def document_frequency(self, word: str) -> int:
        from search.analysis import analyse_word

        analysed = analyse_word(word)
        return self.doc_frequency("text", analysed[1]) if analysed else 0

    def doc_count(self) -> int:
        return self.conn.count(index=self.index)["count"]


def raw_engine():
    """The raw baseline of the configured engine, and its name in the figures."""
    connection = settings.HAYSTACK_CONNECTIONS["default"]
    if "PATH" in connection:
        raw = RawWhoosh(connection["PATH"])
        return raw, raw.searcher.reader(), raw.searcher.doc_count, "raw_whoosh"
    raw = RawOpenSearch()
    return raw, raw, raw.doc_count, "raw_opensearch"


def raw_key(latency: dict) -> str:
    return "raw_opensearch" if "raw_opensearch" in latency else "raw_whoosh"


RAW_NAMES = {"raw_whoosh": "raw Whoosh", "raw_opensearch": "raw OpenSearch query"}


def journalist_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="bench-journalist")
    user.groups.add(Group.objects.get(name=JOURNALIST))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _page_renders_results(client: Client, query: Query) -> tuple[bool, str]:
    from search.services import search_articles

    ids = search_articles(query.request()).hits.ids
    response = client.get(reverse("search:search"), query.params())
    if response.status_code != 200:
        return False, f"the search page answers HTTP {response.status_code}"
    if not ids:
        return False, f"no result for {query.q!r}"
    if reverse("articles:detail", args=[ids[0]]) not in response.content.decode():
        return False, "the search page does not show the engine's results"
    return True, ""


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(*, rounds: int = ROUNDS) -> dict:
    """Time the query mix on every path; return the figures (runs in a fresh process)."""
    from search.services import run

    raw, reader, doc_count, raw_name = raw_engine()
    mix = query_mix(reader)
    client = journalist_client()
    url = reverse("search:search")
    page_ok, page_reason = _page_renders_results(client, mix[0])
    methods: dict[str, Callable[[Query], object]] = {
        raw_name: raw.run,
        **(
            {"raw_opensearch_without_aggregations": raw.run_without_aggregations}
            if raw_name == "raw_opensearch"
            else {}
        ),
        "engine_without_facets": lambda q: run(q.request(with_facets=False)),
        "engine_with_facets": lambda q: run(q.request()),
    }
    if page_ok:
        methods["page"] = lambda q: client.get(url, q.params())
    times: dict[str, dict[str, list[float]]] = {m: {q.name: [] for q in mix} for m in methods}
    order = list(methods)
    for round_number in range(WARM_ROUNDS + rounds):
        for query in mix:
            shift = round_number % len(order)
            for method in order[shift:] + order[:shift]:
                seconds = _timed(lambda m=method, q=query: methods[m](q))
                if round_number >= WARM_ROUNDS:
                    times[method][query.name].append(seconds)
    operator_figures = operators.measure(rounds=rounds)
    facet_costs = [
        with_facets - without
        for name in times["engine_with_facets"]
        for with_facets, without in zip(
            times["engine_with_facets"][name], times["engine_without_facets"][name], strict=True
        )
    ]
    return {
        "rounds": rounds,
        "documents": doc_count(),
        "queries": [
            {
                **dataclasses.asdict(q),
                "hits": run(q.request(with_facets=False)).total,
                "q_doc_frequency": raw.document_frequency(q.q) if " " not in q.q else None,
            }
            for q in mix
        ],
        "page_measured": page_ok,
        "page_not_measured_reason": page_reason,
        "latency": {
            method: {
                "all": latency_summary([s for samples in per_query.values() for s in samples]),
                # Whoosh's own date range is slow: without it, the raw baseline is not
                # inflated by one query of the mix.
                "without_date_range": latency_summary(
                    [s for name, samples in per_query.items() if name != DATED for s in samples]
                ),
                "by_query": {name: latency_summary(s) for name, s in per_query.items()},
            }
            for method, per_query in times.items()
        },
        "operators": operator_figures,
        "facet_cost": {
            "p50_ms": round(percentile(facet_costs, 50) * 1000, 2),
            "p95_ms": round(percentile(facet_costs, 95) * 1000, 2),
        },
    }


def _page_rows(latency: dict, subset: str, label: str) -> list[dict]:
    engine_key = raw_key(latency)
    raw, page = latency[engine_key][subset], latency["page"][subset]
    ratio_target, p95_target = TARGETS[engine_key]
    found = []
    for quantile in ("p50", "p95", "p99"):
        key = f"{quantile}_ms"
        target, met = "", None
        if quantile == "p95":
            target = f"≤ {ratio_target:g}× raw and < {p95_target:g} ms"
            met = at_most(page[key] / raw[key], ratio_target) and page[key] < p95_target
        found.append(
            row(
                "search",
                f"search page {quantile} ({label})",
                unit="ms",
                baseline=raw[key],
                baseline_name=f"{RAW_NAMES[engine_key]} {quantile}",
                measured=page[key],
                target=target,
                met=met,
                note=f"{page['samples']} requests",
            )
        )
    return found


def rows(figures: dict) -> list[dict]:
    latency = figures["latency"]
    key = raw_key(latency)
    raw, raw_name = latency[key]["all"], RAW_NAMES[key]
    found = []
    if figures["page_measured"]:
        found += _page_rows(latency, "all", "query mix")
        found += _page_rows(latency, "without_date_range", "mix without the date range")
    else:
        found.append(
            row(
                "search",
                "search page p95 (query mix)",
                unit="ms",
                baseline=raw["p95_ms"],
                baseline_name=f"{raw_name} p95",
                measured=None,
                note=f"not measured: {figures['page_not_measured_reason']}",
            )
        )
    if bare := latency.get("raw_opensearch_without_aggregations"):
        found.append(
            row(
                "search",
                "raw OpenSearch query without aggregations p95",
                unit="ms",
                baseline=raw["p95_ms"],
                baseline_name=f"{raw_name} p95",
                measured=bare["all"]["p95_ms"],
                note="the page's body without facets or the story count",
            )
        )
    engine = latency["engine_with_facets"]["all"]
    found.append(
        row(
            "search",
            "engine with facets p95 (search.services.run)",
            unit="ms",
            baseline=raw["p95_ms"],
            baseline_name=f"{raw_name} p95",
            measured=engine["p95_ms"],
            note="no page: no DB rows, snippets or template",
        )
    )
    without = latency["engine_without_facets"]["all"]
    for quantile in ("p50", "p95"):
        key = f"{quantile}_ms"
        found.append(
            row(
                "facets",
                f"engine with facets {quantile}",
                unit="ms",
                baseline=without[key],
                baseline_name=f"same query without facets {quantile}",
                measured=engine[key],
                note=f"paired facet cost {figures['facet_cost'][key]} ms",
            )
        )
    if "operators" in figures:
        found += operators.rows(figures["operators"])
    return found
