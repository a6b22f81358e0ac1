"""« Dépêches proches »: the dispatches most like one, leaving out versions of its story.

Both engines use their own more-like-this: the dispatch's most distinctive words (Whoosh's
Bo1 key terms from its title and body, analysed the French way; OpenSearch's
`more_like_this` on the same text) become one weighted OR query, and the best matches
outside the dispatch's story are kept. No stored text is needed in either index.
"""

from __future__ import annotations

import logging

from haystack import connections
from haystack.constants import DJANGO_ID
from whoosh import query as wq

from articles.models import Article

logger = logging.getLogger(__name__)

KEY_TERMS = 12
SAMPLE_CHARS = 6000  # the opening of a long dispatch says what it is about


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
    terms = searcher.key_terms_from_text("text", _text(article), numterms=KEY_TERMS)
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
