"""OpenSearch's index settings: the French analysis of search.analysis, step by step."""

from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchBackend

from search.analysis import STOP_WORDS

FRENCH_ANALYZER = "french_folded"
FOLDED_SUBFIELD = "folded"
TEXT_MAPPING = {"type": "text", "analyzer": FRENCH_ANALYZER}
# OpenSearch's index.max_result_window: `from + size` may not go past it.
RESULT_WINDOW = 10_000
# 1 replica once a second node holds data, none on a single node (else it stays yellow).
AUTO_REPLICAS = "0-1"

# The same steps as search.analysis, in the same order: words are runs of letters and
# digits (so "l'Élysée" is "l" and "Élysée"), lowercased, folded, stop words and elisions
# dropped, then single letters (not digits), then Snowball French stemming.
FRENCH_TOKENIZER = {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}
FRENCH_FILTERS = {
    "french_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
    "single_letter": {"type": "pattern_replace", "pattern": "^\\D$", "replacement": ""},
    "not_empty": {"type": "length", "min": 1},
    "french_stemmer": {"type": "snowball", "language": "French"},
}
FOLDING = ["lowercase", "asciifolding"]

FRENCH_SETTINGS = {
    "settings": {
        "index": {"max_ngram_diff": 2, "max_result_window": RESULT_WINDOW},
        "analysis": {
            "tokenizer": {"french_words": FRENCH_TOKENIZER},
            "filter": {
                **FRENCH_FILTERS,
                **Elasticsearch7SearchBackend.DEFAULT_SETTINGS["settings"]["analysis"]["filter"],
            },
            "analyzer": {
                FRENCH_ANALYZER: {
                    "tokenizer": "french_words",
                    "filter": [
                        *FOLDING,
                        "french_stop",
                        "single_letter",
                        "not_empty",
                        "french_stemmer",
                    ],
                },
                "french_unstemmed": {
                    "tokenizer": "french_words",
                    "filter": [*FOLDING, "french_stop", "single_letter", "not_empty"],
                },
                **Elasticsearch7SearchBackend.DEFAULT_SETTINGS["settings"]["analysis"]["analyzer"],
            },
        },
    }
}
