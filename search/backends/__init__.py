"""Haystack engines with French analysis; SEARCH_URL picks one (see search.engines)."""

from search.backends.opensearch import FrenchOpenSearchBackend, FrenchOpenSearchEngine
from search.backends.whoosh import FrenchWhooshBackend, FrenchWhooshEngine

__all__ = [
    "FrenchOpenSearchBackend",
    "FrenchOpenSearchEngine",
    "FrenchWhooshBackend",
    "FrenchWhooshEngine",
]
