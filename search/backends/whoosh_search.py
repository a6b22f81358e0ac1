"""Run the search page's query on Whoosh: matches, filters, facets, months, page, suggestion.

Words joined by AND, OR and NOT are matched and ranked (Whoosh's BM25F) from their postings
as numpy arrays (search.backends.matching); phrases are left to Whoosh, which scores every
match in one pass. Facet filters, the date range, facet counts, the month histogram and
date sorting run on the searcher's numpy tables (search.backends.tables). The matches of
the last few queries are kept per commit: paging, sorting and facet clicks reuse them.
"""

import re
from datetime import date

import numpy as np
from django.utils.translation import gettext_lazy
from haystack.constants import DJANGO_ID
from whoosh.collectors import TopCollector

from search.analysis import WORD, analyse_word
from search.backends.matching import Postings, matching_docs, ranked, terms_only
from search.backends.tables import FACET_FIELDS, ArchiveTables
from search.operators import expand_operators
from search.query import (
    FILTER_FIELDS,
    QuerySyntaxError,
    SearchHits,
    SearchRequest,
    parse,
    positive_terms,
)

_EPOCH = date(1970, 1, 1)
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_FIELD_VALUE = re.compile(r'\w+:(?:"[^"]*"|\S+)')
ONLY_STOP_WORDS = gettext_lazy(
    "Your search holds only words too common to search for (le, de, la, est…): "
    "add a more precise word."
)
NO_WORDS = gettext_lazy(
    "Your search holds no word, only signs (* - ( ) …): type at least one word."
)


def nothing_to_search(text: str) -> str:
    """The message for a query left empty by analysis: signs only, or stop words only."""
    return ONLY_STOP_WORDS if re.search(r"[^\W_]", text) else NO_WORDS


def _day(value: date | None) -> int | None:
    return None if value is None else (value - _EPOCH).days


def filter_mask(tables: ArchiveTables, request: SearchRequest) -> np.ndarray | None:
    """Return the mask of documents the facet filters and dates allow, or None for all."""
    keep = None
    for name, value in request.filters:
        mask = tables.with_name(FILTER_FIELDS[name], value)
        keep = mask if keep is None else keep & mask
    if request.date_from or request.date_to:
        mask = tables.in_days(_day(request.date_from), _day(request.date_to))
        keep = mask if keep is None else keep & mask
    return keep


class RecordingTopCollector(TopCollector):
    """Keep the best `limit` allowed documents and record every match, in one scored pass.

    For a query Whoosh must evaluate itself (a phrase reads positions), scoring every match
    once costs about what its top-N search costs; a second pass for the facets would not.
    """

    def __init__(self, limit: int, allowed: set[int] | None):
        # No block-quality skipping and no pruning of OR branches: every match must be seen.
        super().__init__(limit=limit, usequality=False, replace=0)
        self.allowed = allowed
        self.matched: list[int] = []

    def _collect(self, global_docnum, score):
        self.matched.append(global_docnum)
        if self.allowed is not None and global_docnum not in self.allowed:
            return 0
        return super()._collect(global_docnum, score)


def ranked_page(searcher, parsed, allow: set[int] | None, start: int, end: int) -> list[int]:
    """Return the document numbers of one page of results, best first (BM25F)."""
    results = searcher.search(parsed, limit=max(end, 1), filter=allow)
    return [hit.docnum for hit in results[start:end]]


def _collapsed_page(searcher, tables, postings, parsed, docs, request, by_relevance) -> list:
    """One page of results, one per story: every match ordered, then each story's first."""
    if request.limit <= 0 or not len(docs):
        return []
    if by_relevance and terms_only(parsed):
        lengths = lambda fieldname: tables.field_lengths(fieldname, searcher)  # noqa: E731
        ordered = ranked(postings, parsed, docs, lengths)
    elif by_relevance:
        ordered = np.array(ranked_page(searcher, parsed, set(docs.tolist()), 0, len(docs)))
    else:
        ordered = tables.by_date(docs, newest_first=request.sort != "oldest")
    firsts = tables.first_of_each_story(np.asarray(ordered, dtype=np.int64))
    return firsts[request.offset : request.offset + request.limit].tolist()


def _first_matches(searcher, tables, postings, parsed, request, allowed, by_relevance):
    """Find every match of new words: (matches, the page when scoring found it too)."""
    if by_relevance and not terms_only(parsed):
        # Phrases and the like: Whoosh scores (and so finds) every match in one pass.
        end = request.offset + request.limit
        allow = None if allowed is None else set(np.flatnonzero(allowed).tolist())
        recorder = RecordingTopCollector(max(end, 1), allow)
        searcher.search_with_collector(parsed, recorder)
        page = [hit.docnum for hit in recorder.results()[request.offset : end]]
        return np.array(sorted(recorder.matched), dtype=np.int64), page
    return matching_docs(postings, parsed, tables.live), None


def _page(searcher, tables, postings, parsed, docs, request, by_relevance, narrowed) -> list:
    start, end = request.offset, request.offset + request.limit
    if start >= len(docs) or request.limit <= 0:
        return []
    if by_relevance and terms_only(parsed):
        lengths = lambda fieldname: tables.field_lengths(fieldname, searcher)  # noqa: E731
        return ranked(postings, parsed, docs, lengths)[start:end].tolist()
    if by_relevance:
        return ranked_page(searcher, parsed, set(docs.tolist()) if narrowed else None, start, end)
    return tables.by_date(docs, newest_first=request.sort != "oldest")[start:end].tolist()


def run_search(backend, request: SearchRequest) -> SearchHits:
    """Answer a search request from the Whoosh index."""
    searcher, tables = backend.snapshot()
    parsed = None
    if request.q.strip():
        parsed = parse(backend.page_parser, request.q)
        if parsed is None:
            raise QuerySyntaxError(nothing_to_search(request.q))
    terms = positive_terms(parsed) if parsed is not None else frozenset()
    if parsed is not None:
        parsed = expand_operators(parsed, searcher.reader())
    by_relevance = bool(terms) and request.sort == "relevance"
    allowed = filter_mask(tables, request)
    postings = Postings(searcher)
    page = None
    matched = tables.all_docs() if parsed is None else backend.cached_matches(request.q)
    if matched is None:
        matched, page = _first_matches(
            searcher, tables, postings, parsed, request, allowed, by_relevance
        )
        backend.cache_matches(request.q, matched)
    docs = matched if allowed is None else matched[allowed[matched]]
    if request.collapse:
        page = _collapsed_page(searcher, tables, postings, parsed, docs, request, by_relevance)
    elif page is None:
        narrowed = allowed is not None
        page = _page(searcher, tables, postings, parsed, docs, request, by_relevance, narrowed)
    hits = SearchHits(total=len(docs), terms=terms)
    if request.collapse:
        hits.stories = tables.story_count(docs)
    if request.with_facets:
        hits.facets = {f: tables.count(f, docs, request.facet_limit) for f in FACET_FIELDS}
        hits.months = tables.month_counts(docs)
    hits.ids = [int(searcher.stored_fields(docnum)[DJANGO_ID]) for docnum in page]
    if not hits.total and parsed is not None:
        hits.suggestion = suggest(backend.page_parser, searcher, request.q)
    return hits


def _correction(reader, fieldname: str, word: str) -> str | None:
    analysed = analyse_word(word)
    if analysed is None:
        return None
    folded, stem = analysed
    if reader.doc_frequency(fieldname, stem):
        return None
    for distance in (1, 2):
        candidates = set(reader.terms_within(fieldname, stem, distance, prefix=1))
        if candidates:
            best = max(candidates, key=lambda c: (reader.doc_frequency(fieldname, c), c))
            guess = best + folded[len(stem) :] if folded.startswith(stem) else best
            check = analyse_word(guess)
            return guess if check is not None and check[1] == best else best
    return None


def suggest(parser, searcher, text: str) -> str:
    """Return the query with misspelt words replaced by close indexed words, if that finds
    something; else ''."""
    reader = searcher.reader()
    protected = [m.span() for m in _FIELD_VALUE.finditer(text)]
    pieces, position, changed = [], 0, False
    for match in WORD.finditer(text):
        word = match.group(0)
        if word in _OPERATORS or any(a <= match.start() < b for a, b in protected):
            continue
        replacement = _correction(reader, parser.fieldname, word)
        # Never offer digits for letters ("Al*" is not "a0*").
        if replacement and any(c.isdigit() for c in replacement) <= any(c.isdigit() for c in word):
            pieces += [text[position : match.start()], replacement]
            position, changed = match.end(), True
    if not changed:
        return ""
    corrected = "".join([*pieces, text[position:]])
    parsed = parse(parser, corrected)
    if parsed is None or searcher.search(parsed, limit=1).is_empty():
        return ""
    return corrected
