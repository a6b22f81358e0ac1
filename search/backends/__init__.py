"""Haystack engines with French analysis; SEARCH_URL picks one (see search.engines)."""

from opensearchpy.exceptions import ConnectionError as ClusterUnreachable
from whoosh.index import LockError

from search.backends.opensearch import FrenchOpenSearchBackend, FrenchOpenSearchEngine
from search.backends.whoosh import FrenchWhooshBackend, FrenchWhooshEngine

# Failures that pass: a cluster down or timing out, a Whoosh write lock held, or the index
# folder deleted under a batch by rebuild_index. The index worker retries them later.
TRANSIENT_ENGINE_ERRORS = (ClusterUnreachable, LockError, FileNotFoundError)

__all__ = [
    "TRANSIENT_ENGINE_ERRORS",
    "FrenchOpenSearchBackend",
    "FrenchOpenSearchEngine",
    "FrenchWhooshBackend",
    "FrenchWhooshEngine",
]
