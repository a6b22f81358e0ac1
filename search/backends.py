"""Haystack engines with French analysis: the only place that configures the index."""

from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchEngine
from haystack.backends.whoosh_backend import WhooshEngine


class FrenchWhooshEngine(WhooshEngine):
    pass


class FrenchElasticsearchEngine(Elasticsearch7SearchEngine):
    pass
