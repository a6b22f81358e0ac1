"""Haystack's Elasticsearch 7 backend, in French.

(OpenSearch needs a 7.x client without the product check: elasticsearch<=7.13; see README.)

The index settings mirror search.analysis: elision, lowercase, accent folding, the same
folded stop words, Snowball French stemming. Whole names are keywords; their folded keys sit
beside them (`people_keys`...) computed by the same Python function as the Whoosh index.
The search page's query syntax is parsed once by Whoosh's parser (search.query) and
translated to the query DSL, so both engines read a query the same way.
"""

import re

from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from whoosh import query as wq

from search.analysis import ELISIONS, STOP_WORDS, name_key
from search.backends.schema import NAMES_FIELD_TYPE, VERSION_FIELD_TYPE, build_whoosh_schema
from search.backends.tables import FACET_FIELDS
from search.query import (
    FILTER_FIELDS,
    QuerySyntaxError,
    SearchHits,
    SearchRequest,
    make_parser,
    normalise_operators,
    parse,
    positive_terms,
)

FRENCH_ANALYZER = "french_folded"
KEYS_SUFFIX = "_keys"
FOLDED_SUBFIELD = "folded"
TEXT_MAPPING = {"type": "text", "analyzer": FRENCH_ANALYZER}

FRENCH_SETTINGS = {
    "settings": {
        "index": {"max_ngram_diff": 2, "max_result_window": 10000},
        "analysis": {
            "char_filter": {
                "apostrophes": {"type": "mapping", "mappings": ["’ => '", "ʼ => '", "‘ => '"]}
            },
            "filter": {
                "french_elision": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": sorted(ELISIONS),
                },
                "french_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
                "french_stemmer": {"type": "snowball", "language": "French"},
                **Elasticsearch7SearchBackend.DEFAULT_SETTINGS["settings"]["analysis"]["filter"],
            },
            "analyzer": {
                FRENCH_ANALYZER: {
                    "tokenizer": "standard",
                    "char_filter": ["apostrophes"],
                    "filter": [
                        "french_elision",
                        "lowercase",
                        "asciifolding",
                        "french_stop",
                        "french_stemmer",
                    ],
                },
                "french_unstemmed": {
                    "tokenizer": "standard",
                    "char_filter": ["apostrophes"],
                    "filter": ["french_elision", "lowercase", "asciifolding"],
                },
                **Elasticsearch7SearchBackend.DEFAULT_SETTINGS["settings"]["analysis"]["analyzer"],
            },
        },
    }
}


class FrenchElasticsearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = FRENCH_SETTINGS
    DEFAULT_FIELD_MAPPING = TEXT_MAPPING
    FIELD_MAPPINGS = {
        **Elasticsearch7SearchBackend.FIELD_MAPPINGS,
        NAMES_FIELD_TYPE: {"type": "keyword"},
        VERSION_FIELD_TYPE: {"type": "keyword", "index": False},
    }

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field in fields.values():
            if field.field_type == NAMES_FIELD_TYPE:
                mapping[field.index_fieldname + KEYS_SUFFIX] = {"type": "keyword"}
        mapping[content_field_name] = {
            **TEXT_MAPPING,
            "fields": {FOLDED_SUBFIELD: {"type": "text", "analyzer": "french_unstemmed"}},
        }
        return content_field_name, mapping

    def _prepare_object(self, index, obj):
        prepared = super()._prepare_object(index, obj)
        for fieldname in FACET_FIELDS:
            names = prepared.get(fieldname) or []
            prepared[fieldname + KEYS_SUFFIX] = sorted({name_key(n) for n in names} - {""})
        return prepared

    def apply(self, index, objects, removed_ids=()) -> int:
        """Index `objects` and delete documents by haystack id, in one bulk request."""
        from elasticsearch.helpers import bulk

        if not self.setup_complete:
            self.setup()
        actions = [{"_op_type": "delete", "_id": identifier} for identifier in removed_ids]
        indexed = 0
        for obj in objects:
            try:
                prepared = self._prepare_object(index, obj)
            except SkipDocument:
                continue
            source = {key: self._from_python(value) for key, value in prepared.items()}
            actions.append({"_op_type": "index", "_id": source[ID], "_source": source})
            indexed += 1
        if actions:
            bulk(self.conn, actions, index=self.index_name, ignore_status=(404,))
            self.conn.indices.refresh(index=self.index_name)
        return indexed

    def update(self, index, iterable, commit=True):
        self.apply(index, iterable)

    def indexed_versions(self) -> dict[int, str]:
        """Return {article id: indexed version} for every document in the index."""
        from elasticsearch.helpers import scan

        hits = scan(self.conn, index=self.index_name, _source=[DJANGO_ID, "version"])
        return {int(hit["_source"][DJANGO_ID]): hit["_source"].get("version", "") for hit in hits}

    # The search page ---------------------------------------------------------------------

    def query_parser(self):
        """Whoosh's parser over the same fields: the one reading of the query syntax."""
        from haystack import connections

        if getattr(self, "_parser", None) is None:
            fields = connections[self.connection_alias].get_unified_index().all_searchfields()
            content_field, schema = build_whoosh_schema(fields, id_fields=_ID_FIELDS)
            self._parser = make_parser(schema, content_field)
        return self._parser

    def search_body(self, request: SearchRequest) -> tuple[dict, frozenset[str]]:
        """Build the request body for a search, and the terms to highlight."""
        must, terms = [{"match_all": {}}], frozenset()
        if request.q.strip():
            parsed = parse(self.query_parser(), request.q)
            if parsed is None:
                from search.backends.whoosh_search import nothing_to_search

                raise QuerySyntaxError(nothing_to_search(request.q))
            must = [to_dsl(parsed, normalise_operators(request.q))]
            terms = positive_terms(parsed)
        filters = [
            {"term": {FILTER_FIELDS[name] + KEYS_SUFFIX: name_key(value)}}
            for name, value in request.filters
        ]
        if request.date_from or request.date_to:
            bounds = {"gte": request.date_from, "lte": request.date_to}
            dates = {key: value.isoformat() for key, value in bounds.items() if value}
            filters.append({"range": {"published": dates}})
        if terms and request.sort == "relevance":
            sort = ["_score", {DJANGO_ID: "desc"}]
        else:
            order = "asc" if request.sort == "oldest" else "desc"
            sort = [{"published": {"order": order, "missing": "_last"}}, {DJANGO_ID: order}]
        body = {
            "query": {"bool": {"must": must, "filter": filters}},
            "from": request.offset,
            "size": request.limit,
            "sort": sort,
            "_source": [DJANGO_ID],
            "track_total_hits": True,
        }
        if request.with_facets:
            body["aggs"] = {
                field: {"terms": {"field": field, "size": request.facet_limit}}
                for field in FACET_FIELDS
            }
            body["aggs"]["months"] = {
                "date_histogram": {
                    "field": "published",
                    "calendar_interval": "month",
                    "min_doc_count": 1,
                }
            }
        return body, terms

    def archive_search(self, request: SearchRequest) -> SearchHits:
        """Run the search page's query: results, facets, months and a suggestion."""
        body, terms = self.search_body(request)
        response = self.conn.search(index=self.index_name, body=body)
        hits = read_response(response, terms)
        if not hits.total and request.q.strip():
            hits.suggestion = self.suggest(request.q)
        return hits

    def suggest(self, text: str) -> str:
        body = {
            "suggest": {
                "text": text,
                "words": {"term": {"field": f"text.{FOLDED_SUBFIELD}", "suggest_mode": "missing"}},
            }
        }
        response = self.conn.search(index=self.index_name, body={**body, "size": 0})
        corrected, changed = text, False
        for entry in response.get("suggest", {}).get("words", []):
            if entry["options"]:
                original = text[entry["offset"] : entry["offset"] + entry["length"]]
                corrected = corrected.replace(original, entry["options"][0]["text"], 1)
                changed = True
        return corrected if changed else ""


_ID_FIELDS = {"id": ID, "django_ct": "django_ct", "django_id": DJANGO_ID}
_FIELD_PREFIX = re.compile(r"^\w+:")


def read_response(response: dict, terms: frozenset[str]) -> SearchHits:
    """Turn an Elasticsearch response into the page's hits."""
    aggregations = response.get("aggregations", {})
    facets = {
        field: [(b["key"], b["doc_count"]) for b in aggregations[field]["buckets"]]
        for field in FACET_FIELDS
        if field in aggregations
    }
    months = {}
    for bucket in aggregations.get("months", {}).get("buckets", []):
        year, month = (int(part) for part in bucket["key_as_string"][:7].split("-"))
        months[(year - 1970) * 12 + month - 1] = bucket["doc_count"]
    total = response["hits"]["total"]
    return SearchHits(
        total=total["value"] if isinstance(total, dict) else total,
        ids=[int(hit["_source"][DJANGO_ID]) for hit in response["hits"]["hits"]],
        facets=facets,
        months=months,
        terms=terms,
    )


def to_dsl(node: wq.Query, text: str) -> dict:
    """Translate a parsed query (French parser) to the query DSL on the raw words."""
    if isinstance(node, wq.And):
        return {"bool": {"must": [to_dsl(child, text) for child in node.children()]}}
    if isinstance(node, wq.Or):
        return {
            "bool": {
                "should": [to_dsl(c, text) for c in node.children()],
                "minimum_should_match": 1,
            }
        }
    if isinstance(node, wq.Not):
        return {"bool": {"must_not": [to_dsl(node.query, text)]}}
    if isinstance(node, wq.AndNot):
        return {"bool": {"must": [to_dsl(node.a, text)], "must_not": [to_dsl(node.b, text)]}}
    if isinstance(node, wq.Phrase):
        return {"match_phrase": {node.fieldname: _original(node, text)}}
    if isinstance(node, wq.Term):
        if node.fieldname in FACET_FIELDS:
            return {"term": {node.fieldname + KEYS_SUFFIX: node.text}}
        return {
            "match": {node.fieldname: {"query": _original(node, text), "zero_terms_query": "all"}}
        }
    raise QuerySyntaxError("Cette forme de requête n'est pas prise en charge.")


def _original(node: wq.Query, text: str) -> str:
    # The parser keeps where each word came from: send Elasticsearch the words as typed.
    ranges = getattr(node, "char_ranges", None)
    if ranges and ranges[0][0] is not None and ranges[-1][1] is not None:
        return text[ranges[0][0] : ranges[-1][1]]
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    if start is None or end is None:
        return node.text if isinstance(node, wq.Term) else " ".join(node.words)
    return _FIELD_PREFIX.sub("", text[start:end]).strip('"')


class FrenchElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = FrenchElasticsearchBackend
    query = Elasticsearch7SearchQuery
