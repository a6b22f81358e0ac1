"""Haystack engines with French analysis; SEARCH_URL picks one (see search.engines)."""

from search.backends.elasticsearch import FrenchElasticsearchBackend, FrenchElasticsearchEngine
from search.backends.whoosh import FrenchWhooshBackend, FrenchWhooshEngine

__all__ = [
    "FrenchElasticsearchBackend",
    "FrenchElasticsearchEngine",
    "FrenchWhooshBackend",
    "FrenchWhooshEngine",
]
