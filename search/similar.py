"""« Dépêches proches »: the dispatches most like one, leaving out versions of its story.

Both engines use a more-like-this: the dispatch's most distinctive words become one
weighted OR query, and the best matches outside the dispatch's story are kept. No stored
text is needed in either index.

On Whoosh the words are chosen here (`key_terms`): the title and opening, analysed the
French way, weighted by tf·idf, leaving out the words found in more than a few per cent
of the archive. Those say little about one dispatch, and their long posting lists were
most of the cost in pure-Python Whoosh (Bo1 key terms: 130 ms p95 at 100,000 dispatches).
OpenSearch's `more_like_this` does the same on the same text.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable

from haystack import connections
from haystack.constants import DJANGO_ID
from whoosh import query as wq

from articles.models import Article

logger = logging.getLogger(__name__)

KEY_TERMS = 12
SAMPLE_CHARS = 3000  # the opening of a dispatch says what it is about
TITLE_WEIGHT = 2  # a title word counts as two in the body
MAX_DOC_SHARE = 0.02  # a word in more than 2% of dispatches (at least 20) is not distinctive
# Pure-Python Whoosh scores every posting of the OR query: its chosen terms may hold this
# many documents between them (a few milliseconds per thousand).
POSTINGS_BUDGET = 1000


def key_terms(
    title_terms: list[str],
    body_terms: list[str],
    *,
    doc_frequency: Callable[[str], int],
    doc_count: int,
    numterms: int = KEY_TERMS,
    postings: int = POSTINGS_BUDGET,
) -> list[tuple[str, float]]:
    """The `numterms` most distinctive analysed terms of a dispatch, by tf·idf, best first.

    A term no other dispatch holds cannot bring one, and a term in more than
    MAX_DOC_SHARE of the archive says little: both are left out. The chosen terms hold
    at most `postings` documents between them, which bounds the query's cost whatever
    the archive's size (a term that would pass it is skipped for a rarer one).
    """
    counts = Counter(body_terms)
    for term in title_terms:
        counts[term] += TITLE_WEIGHT
    ceiling = max(MAX_DOC_SHARE * doc_count, 20)
    weighted = []
    for term, count in counts.items():
        found = doc_frequency(term)
        if 1 < found <= ceiling:
            weighted.append((count * math.log(doc_count / found), term, found))
    weighted.sort(key=lambda row: (-row[0], row[1]))
    chosen, budget = [], postings
    for weight, term, found in weighted:
        if found <= budget:
            chosen.append((term, weight))
            budget -= found
            if len(chosen) == numterms:
                break
    return chosen


def _text(article: Article) -> str:
    return f"{article.title}\n\n{article.body[:SAMPLE_CHARS]}"


def similar_ids(article: Article, *, limit: int = 5) -> list[int]:
    """The ids of the `limit` dispatches most like this one, outside its story."""
    backend = connections["default"].get_backend()
    try:
        if hasattr(backend, "snapshot"):
            return _whoosh(backend, article, limit)
        return _opensearch(backend, article, limit)
    except Exception as error:  # the article page must show even when the engine fails
        logger.warning("similar dispatches of %s unavailable: %s", article.pk, error)
        return []


def _whoosh(backend, article: Article, limit: int) -> list[int]:
    searcher, tables = backend.snapshot()
    field = searcher.schema["text"]

    def analysed(text: str) -> list[str]:
        return list(field.process_text(text, mode="index"))

    terms = key_terms(
        analysed(article.title),
        analysed(article.body[:SAMPLE_CHARS]),
        doc_frequency=lambda term: searcher.doc_frequency("text", term),
        doc_count=searcher.doc_count(),
    )
    if not terms:
        return []
    top = max(weight for _, weight in terms)
    query = wq.Or([wq.Term("text", term, boost=weight / top) for term, weight in terms])
    found: list[int] = []
    for hit in searcher.search(query, limit=limit * 4 + 10):
        if int(tables.stories[hit.docnum]) == article.story_id:
            continue
        pk = int(hit[DJANGO_ID])
        if pk != article.pk:
            found.append(pk)
        if len(found) == limit:
            break
    return found


def _opensearch(backend, article: Article, limit: int) -> list[int]:
    body = {
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["text"],
                            "like": _text(article),
                            "max_query_terms": KEY_TERMS,
                            "min_term_freq": 1,
                            "min_doc_freq": 1,
                        }
                    }
                ],
                "must_not": [{"term": {"story": article.story_id}}],
            }
        },
        "size": limit,
        "_source": [DJANGO_ID],
    }
    hits = backend._search(body)["hits"]["hits"]
    return [
        int(hit["_source"][DJANGO_ID])
        for hit in hits
        if int(hit["_source"][DJANGO_ID]) != article.pk
    ]


def similar_articles(article: Article, *, limit: int = 5) -> list[Article]:
    ids = similar_ids(article, limit=limit)
    found = Article.objects.select_related("source").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
