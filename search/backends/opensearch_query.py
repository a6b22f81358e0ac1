"""The search page's request as OpenSearch's query DSL, and OpenSearch's answer as hits.

The query syntax is parsed once by Whoosh's parser (search.query) and translated here, so
both engines read a query the same way. Filters use the folded name keys (`people_keys`...)
computed by the same Python function as the Whoosh index; facets count the whole names.
"""

import re

from django.utils.translation import gettext
from haystack.constants import DJANGO_ID
from whoosh import query as wq

from search import operators
from search.analysis import name_key
from search.backends.tables import FACET_FIELDS
from search.query import FILTER_FIELDS, QuerySyntaxError, SearchHits, SearchRequest

KEYS_SUFFIX = "_keys"
_FIELD_PREFIX = re.compile(r"^\w+:")


def request_filters(request: SearchRequest) -> list[dict]:
    """The facet filters and the date range, as filter clauses."""
    filters = [
        {"term": {FILTER_FIELDS[name] + KEYS_SUFFIX: name_key(value)}}
        for name, value in request.filters
    ]
    if request.date_from or request.date_to:
        bounds = {"gte": request.date_from, "lte": request.date_to}
        dates = {key: value.isoformat() for key, value in bounds.items() if value}
        filters.append({"range": {"published": dates}})
    return filters


def sort_clause(request: SearchRequest, has_terms: bool) -> list:
    """Relevance or date order, with the article id last: a total order for search_after."""
    if has_terms and request.sort == "relevance":
        return ["_score", {DJANGO_ID: "desc"}]
    order = "asc" if request.sort == "oldest" else "desc"
    return [{"published": {"order": order, "missing": "_last"}}, {DJANGO_ID: order}]


def aggregations(facet_limit: int) -> dict:
    """Facet counts over the whole names, and the month histogram."""
    aggs = {field: {"terms": {"field": field, "size": facet_limit}} for field in FACET_FIELDS}
    aggs["months"] = {
        "date_histogram": {"field": "published", "calendar_interval": "month", "min_doc_count": 1}
    }
    return aggs


def read_response(response: dict, terms: frozenset[str]) -> SearchHits:
    """Turn an OpenSearch response into the page's hits."""
    found = response.get("aggregations", {})
    facets = {
        field: [(b["key"], b["doc_count"]) for b in found[field]["buckets"]]
        for field in FACET_FIELDS
        if field in found
    }
    months = {}
    for bucket in found.get("months", {}).get("buckets", []):
        year, month = (int(part) for part in bucket["key_as_string"][:7].split("-"))
        months[(year - 1970) * 12 + month - 1] = bucket["doc_count"]
    total = response["hits"]["total"]
    stories = found.get("stories", {}).get("value")
    return SearchHits(
        total=total["value"] if isinstance(total, dict) else total,
        ids=[int(hit["_source"][DJANGO_ID]) for hit in response["hits"]["hits"]],
        facets=facets,
        months=months,
        terms=terms,
        stories=stories,
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
    if isinstance(node, operators.Pattern):
        return _pattern(node)
    if isinstance(node, operators.Fuzzy):
        fuzzy = {"value": node.text, "max_expansions": operators.MAX_EXPANSIONS}
        return {"fuzzy": {node.fieldname: {**fuzzy, **_fuzziness(node)}}}
    if isinstance(node, operators.Near | wq.Phrase) and (
        isinstance(node, operators.Near) or node.slop > 1
    ):
        return {"intervals": {_near_field(node): _interval(node, text)}}
    if isinstance(node, wq.Phrase):
        return {"match_phrase": {node.fieldname: _original(node, text)}}
    if isinstance(node, wq.Term):
        if node.fieldname in FACET_FIELDS:
            return {"term": {node.fieldname + KEYS_SUFFIX: node.text}}
        return {
            "match": {node.fieldname: {"query": _original(node, text), "zero_terms_query": "all"}}
        }
    raise QuerySyntaxError(gettext("This form of query is not supported."))


def _fuzziness(node: operators.Fuzzy) -> dict:
    # Levenshtein with the first letter kept, as on Whoosh (search.operators.stems).
    return {"fuzziness": node.distance, "prefix_length": 1, "transpositions": False}


def _pattern(node: operators.Pattern) -> dict:
    """A pattern on the stems: the stems that fit it, and the shorter stems it spells."""
    # Scoring each expanded stem like a term (not a constant score), as Whoosh does; past
    # the cluster's clause limit (1,024) OpenSearch refuses with too_many_clauses.
    fitting = [
        {"wildcard": {node.fieldname: {"value": variant, "rewrite": "scoring_boolean"}}}
        for variant in operators.pattern_variants(node.text)
    ]
    stems = sorted(operators.shorter_stems(node.text))
    shorter = [{"term": {node.fieldname: stem}} for stem in stems]
    return {"bool": {"should": [*fitting, *shorter], "minimum_should_match": 1}}


def _near_field(node) -> str:
    return next(leaf.field() for leaf in node.leaves())


def _interval(node, text: str) -> dict:
    """An intervals rule: words at most `distance` words apart (positions, see README)."""
    if isinstance(node, wq.Phrase):
        rules = [{"match": {"query": text[start:end]}} for start, end in node.char_ranges]
        rule = rules[0]
        for following in rules[1:]:
            pair = [rule, following]
            rule = {"all_of": {"ordered": True, "max_gaps": node.slop - 1, "intervals": pair}}
        return rule
    if isinstance(node, operators.Near):
        rules = [_interval(child, text) for child in node.children()]
        return {"all_of": {"ordered": False, "max_gaps": node.distance, "intervals": rules}}
    if isinstance(node, operators.Pattern):
        rules = [
            {"wildcard": {"pattern": variant, "analyzer": "keyword"}}
            for variant in operators.pattern_variants(node.text)
        ]
        rules += [
            {"match": {"query": stem, "analyzer": "keyword"}}
            for stem in sorted(operators.shorter_stems(node.text))
        ]
        return {"any_of": {"intervals": rules}} if len(rules) > 1 else rules[0]
    if isinstance(node, operators.Fuzzy):
        return {"fuzzy": {"term": node.text, "analyzer": "keyword", **_fuzziness(node)}}
    return {"match": {"query": _original(node, text)}}


def _original(node: wq.Query, text: str) -> str:
    # The parser keeps where each word came from: send OpenSearch the words as typed.
    ranges = getattr(node, "char_ranges", None)
    if ranges and ranges[0][0] is not None and ranges[-1][1] is not None:
        return text[ranges[0][0] : ranges[-1][1]]
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    if start is None or end is None:
        return node.text if isinstance(node, wq.Term) else " ".join(node.words)
    return _FIELD_PREFIX.sub("", text[start:end]).strip('"')
