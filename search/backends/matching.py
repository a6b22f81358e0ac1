"""Every document matching a query, and their BM25F ranking, as numpy arrays.

Whoosh steps through matches one document at a time in Python: counting facets over tens of
thousands of matches, or scoring them, costs far more than reading their postings. Here a
term's postings are read a block at a time (Whoosh's W3 format: about a hundred ids and
weights per pickled, delta-encoded block), AND, OR and NOT become sorted-array set
operations, and BM25F is computed for all matches at once with Whoosh's own statistics, so
the order is Whoosh's. Queries of any other kind (phrases, ranges) are left to Whoosh.
"""

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

_EMPTY = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)


def _block_weights(stored, count: int) -> np.ndarray:
    # Whoosh stores no weights when all are 1.0, and one number when all are equal.
    if stored is None:
        return np.ones(count)
    if isinstance(stored, float):
        return np.full(count, stored)
    return np.asarray(stored, dtype=np.float64)


def _segment_postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return _EMPTY, _NO_WEIGHTS
    # Deletions are masked out by the caller, with the rest of the query.
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        pairs = []
        while matcher.is_active():
            pairs.append((matcher.id(), matcher.weight()))
            matcher.next()
        ids, weights = zip(*pairs, strict=True) if pairs else ((), ())
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    ids, weights = [], []
    while True:
        if matcher._data is None:
            matcher._read_data()
        block = np.cumsum(np.asarray(matcher._data[0], dtype=np.int64))
        ids.append(block)
        weights.append(_block_weights(matcher._data[1], len(block)))
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return np.concatenate(ids), np.concatenate(weights)


class Postings:
    """The postings of the terms of one query, read once for matching and ranking."""

    def __init__(self, searcher):
        self.searcher = searcher
        self._read: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (sorted global document numbers, weights) of a term."""
        key = (fieldname, text)
        if key not in self._read:
            ids, weights = [], []
            for reader, offset in self.searcher.reader().leaf_readers():
                segment_ids, segment_weights = _segment_postings(reader, fieldname, text)
                ids.append(segment_ids + offset)
                weights.append(segment_weights)
            self._read[key] = (
                np.concatenate(ids) if ids else _EMPTY,
                np.concatenate(weights) if weights else _NO_WEIGHTS,
            )
        return self._read[key]


def _docs(postings, node, everything) -> np.ndarray:
    if isinstance(node, query.Term):
        return postings(node.fieldname, node.text)[0]
    if isinstance(node, query.And):
        wanted = [c for c in node.children() if not isinstance(c, query.Not)]
        unwanted = [c.query for c in node.children() if isinstance(c, query.Not)]
        docs = everything() if not wanted else None
        for child in sorted(wanted, key=_cost):
            found = _docs(postings, child, everything)
            docs = found if docs is None else np.intersect1d(docs, found, assume_unique=True)
            if not len(docs):
                return docs
        for child in unwanted:
            docs = np.setdiff1d(docs, _docs(postings, child, everything), assume_unique=True)
        return docs
    if isinstance(node, query.Or):
        parts = [_docs(postings, child, everything) for child in node.children()]
        return np.unique(np.concatenate(parts)) if parts else _EMPTY
    if isinstance(node, query.Not):
        return np.setdiff1d(everything(), _docs(postings, node.query, everything), True)
    if isinstance(node, query.AndNot):
        found = _docs(postings, node.a, everything)
        return np.setdiff1d(found, _docs(postings, node.b, everything), assume_unique=True)
    docs = np.fromiter(postings.searcher.docs_for_query(node), dtype=np.int64)
    docs.sort()
    return docs


def _cost(node) -> int:
    # Intersect from the cheapest side: plain terms first, phrases and the rest last.
    return 0 if isinstance(node, query.Term) else 1


def matching_docs(postings: Postings, parsed, live: np.ndarray) -> np.ndarray:
    """Return the sorted global numbers of the live documents matching a parsed query."""
    everything = np.flatnonzero(live)
    docs = _docs(postings, parsed, lambda: everything)
    return docs[live[docs]]


def terms_only(node) -> bool:
    """True when a query is terms joined by AND, OR and NOT: what `ranked` can score."""
    if isinstance(node, query.Term):
        return True
    if isinstance(node, query.Not):
        return terms_only(node.query)
    if isinstance(node, query.And | query.Or | query.AndNot):
        return all(terms_only(child) for child in node.children())
    return False


def _scored_terms(node) -> list[query.Term]:
    # Every term that adds to a document's score in Whoosh: all but the NOT ones.
    if isinstance(node, query.Term):
        return [node]
    if isinstance(node, query.Not):
        return []
    if isinstance(node, query.AndNot):
        return _scored_terms(node.a)
    return [term for child in node.children() for term in _scored_terms(child)]


def ranked(postings: Postings, parsed, docs: np.ndarray, lengths) -> np.ndarray:
    """Order `docs` (all matching `parsed`, a terms-only query) best first, as Whoosh's
    BM25F does: each term adds idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl)).

    `lengths(fieldname)` returns every document's length in a scored field.
    """
    searcher, weighting = postings.searcher, BM25F()
    scores = np.zeros(len(docs))
    for term in _scored_terms(parsed):
        term_ids, weights = postings(term.fieldname, term.text)
        if not len(term_ids):
            continue
        found = np.minimum(np.searchsorted(term_ids, docs), len(term_ids) - 1)
        present = term_ids[found] == docs
        tf = weights[found[present]]
        if not searcher.schema[term.fieldname].scorable:
            scores[present] += tf
            continue
        idf = searcher.idf(term.fieldname, term.text)
        average = searcher.avg_field_length(term.fieldname) or 1
        length = lengths(term.fieldname)[docs[present]]
        b, k1 = weighting.B, weighting.K1
        scores[present] += idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average))
    return docs[np.lexsort((docs, -scores))]
