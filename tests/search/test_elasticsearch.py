"""SEARCH_URL=elasticsearch://… : the connection, the French settings and mapping, the query DSL.

Elasticsearch does not run here: these tests build everything without the network. The
tests marked `elasticsearch` run against a live cluster when ELASTICSEARCH_URL is set.
"""

import os
import uuid
from datetime import date
from urllib.parse import urlsplit

import pytest
from haystack import connections

from articles.models import Article, Source
from search import services
from search.analysis import STOP_WORDS
from search.backends.elasticsearch import FrenchElasticsearchBackend, read_response
from search.documents import articles_for_index
from search.engines import haystack_connections
from search.query import SearchRequest
from tests.search.conftest import entity, make_article, mention, search_connection

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(
    not ELASTICSEARCH_URL, reason="set ELASTICSEARCH_URL=http://host:9200 to run live tests"
)


def elasticsearch_connection(url: str):
    return search_connection(haystack_connections(url))


@pytest.fixture
def offline_backend():
    with elasticsearch_connection("elasticsearch://es.invalid:9200/archive") as backend:
        yield backend


def test_search_url_builds_the_elasticsearch_connection():
    conf = haystack_connections("elasticsearch://es.internal:9200/archive")["default"]
    assert conf == {
        "ENGINE": "search.backends.FrenchElasticsearchEngine",
        "URL": "http://es.internal:9200/",
        "INDEX_NAME": "archive",
    }
    secure = haystack_connections("opensearchs://search.example:443/")["default"]
    assert (secure["URL"], secure["INDEX_NAME"]) == ("https://search.example:443/", "newsroom")


def test_the_engine_loads_the_french_backend(offline_backend):
    assert isinstance(offline_backend, FrenchElasticsearchBackend)
    assert offline_backend.index_name == "archive"


def test_index_settings_carry_the_french_analysis(offline_backend):
    analysis = offline_backend.DEFAULT_SETTINGS["settings"]["analysis"]
    analyzer = analysis["analyzer"]["french_folded"]
    assert analyzer["filter"] == [
        "french_elision",
        "lowercase",
        "asciifolding",
        "french_stop",
        "french_stemmer",
    ]
    filters = analysis["filter"]
    assert {"l", "d", "qu", "jusqu", "lorsqu", "puisqu"} <= set(
        filters["french_elision"]["articles"]
    )
    assert filters["french_elision"]["articles_case"] is True
    assert set(filters["french_stop"]["stopwords"]) == STOP_WORDS
    assert "etait" in filters["french_stop"]["stopwords"]
    assert filters["french_stemmer"] == {"type": "snowball", "language": "French"}


def test_mapping_uses_french_text_and_keyword_facets(offline_backend, db):
    fields = connections["default"].get_unified_index().all_searchfields()
    content_field, mapping = offline_backend.build_schema(fields)
    assert content_field == "text"
    for name in ("text", "title", "byline"):
        assert mapping[name]["analyzer"] == "french_folded"
    assert mapping["text"]["fields"]["folded"]["analyzer"] == "french_unstemmed"
    for name in ("people", "places", "orgs", "misc", "source"):
        assert mapping[name] == {"type": "keyword"}
        assert mapping[f"{name}_keys"] == {"type": "keyword"}
    assert mapping["published"] == {"type": "date"}
    assert mapping["version"] == {"type": "keyword", "index": False}


def test_documents_carry_name_keys(offline_backend, db):
    source = Source.objects.create(name="Agence France-Presse")
    article = make_article(source=source, title="Alep", body="Bachar al-Assad à Alep.")
    mention(article, entity("PER", "Bachar al-Assad"), "Bachar al-Assad")
    index = connections["default"].get_unified_index().get_index(Article)
    document = offline_backend._prepare_object(index, articles_for_index().get(pk=article.pk))
    assert document["people"] == ["Bachar al-Assad"]
    assert document["people_keys"] == ["bachar al assad"]
    assert document["source_keys"] == ["agence france presse"]


def test_the_query_syntax_becomes_the_query_dsl(offline_backend, db):
    request = SearchRequest(
        q='"État islamique" person:"Bachar al-Assad" -Russie (Alep OR Raqa)',
        filters=(("place", "Alep"),),
        date_from=date(2016, 1, 1),
        date_to=date(2016, 12, 31),
    )
    body, terms = offline_backend.search_body(request)
    query = body["query"]["bool"]
    assert query["must"] == [
        {
            "bool": {
                "must": [
                    {"match_phrase": {"text": "État islamique"}},
                    {"term": {"people_keys": "bachar al assad"}},
                    {
                        "bool": {
                            "must_not": [
                                {"match": {"text": {"query": "Russie", "zero_terms_query": "all"}}}
                            ]
                        }
                    },
                    {
                        "bool": {
                            "should": [
                                {"match": {"text": {"query": "Alep", "zero_terms_query": "all"}}},
                                {"match": {"text": {"query": "Raqa", "zero_terms_query": "all"}}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                ]
            }
        }
    ]
    assert query["filter"] == [
        {"term": {"places_keys": "alep"}},
        {"range": {"published": {"gte": "2016-01-01", "lte": "2016-12-31"}}},
    ]
    assert body["sort"][0] == "_score"
    assert set(body["aggs"]) == {"people", "places", "orgs", "misc", "source", "months"}
    assert terms == {"etat", "islam", "alep", "raq"}


def test_browsing_sorts_by_date_without_a_query(offline_backend, db):
    body, terms = offline_backend.search_body(SearchRequest(sort="oldest", offset=40, limit=20))
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"published": {"order": "asc", "missing": "_last"}}
    assert (body["from"], body["size"], terms) == (40, 20, frozenset())


def test_responses_become_hits():
    response = {
        "hits": {
            "total": {"value": 3, "relation": "eq"},
            "hits": [{"_source": {"django_id": "7"}}],
        },
        "aggregations": {
            "people": {"buckets": [{"key": "Bachar al-Assad", "doc_count": 2}]},
            "months": {"buckets": [{"key_as_string": "2016-08-01T00:00:00.000Z", "doc_count": 3}]},
        },
    }
    hits = read_response(response, frozenset({"alep"}))
    assert (hits.total, hits.ids) == (3, [7])
    assert hits.facets["people"] == [("Bachar al-Assad", 2)]
    assert hits.months == {(2016 - 1970) * 12 + 7: 3}


@pytest.fixture
def live_backend(search_db):
    parts = urlsplit(ELASTICSEARCH_URL)
    index_name = f"newsroom-test-{uuid.uuid4().hex[:8]}"
    url = f"elasticsearch{'s' if parts.scheme == 'https' else ''}://{parts.netloc}/{index_name}"
    with elasticsearch_connection(url) as backend:
        backend.apply(
            connections["default"].get_unified_index().get_index(type(search_db.aleppo)),
            articles_for_index().filter(pk__in=[a.pk for a in search_db.articles]),
        )
        yield backend
        backend.conn.indices.delete(index=index_name, ignore=[404])


@live
@pytest.mark.elasticsearch
def test_live_french_search(live_backend, search_db):
    def found(q="", **options):
        return set(services.run(SearchRequest(q=q, limit=100, **options)).ids)

    assert search_db.turkey.pk in found("etat islamique")
    assert search_db.aleppo.pk in found("medecin")
    assert search_db.elysee.pk in found("Elysee")
    assert found('person:"bachar al-assad"') == {search_db.turkey.pk, search_db.aleppo.pk}
    assert found(filters=(("place", "Alep"),), date_to=date(2016, 8, 11)) == {search_db.aleppo.pk}


@live
@pytest.mark.elasticsearch
def test_live_facets_and_versions(live_backend, search_db):
    hits = services.run(SearchRequest(q="Syrie"))
    assert ("Bachar al-Assad", 2) in hits.facets["people"]
    versions = live_backend.indexed_versions()
    assert len(versions) == len(search_db.articles)
