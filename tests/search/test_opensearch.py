"""SEARCH_URL=opensearch://… : the connection, the French analysis, the query DSL, and what
only a cluster has: the alias swapped by rebuild_index, shards and replicas, search_after.

The behaviour shared with Whoosh (relevance, facets, paging, export, check_index...) runs
on both engines in the other modules; this one holds what is OpenSearch's own, against the
project's two-node cluster (tests.engines starts it).
"""

import random
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from haystack import connections

from articles.models import Article, Source
from search import indexing, services
from search.analysis import FRENCH, STOP_WORDS, query_terms
from search.backends import opensearch as opensearch_backend
from search.backends.opensearch import FrenchOpenSearchBackend
from search.backends.opensearch_query import read_response
from search.documents import articles_for_index
from search.engines import haystack_connections
from search.query import SearchRequest
from tests.conftest import CORPORA
from tests.engines import opensearch_index, opensearch_url, search_connection
from tests.search.conftest import entity, make_article, masakhane_rows, mention


@pytest.fixture
def offline_backend():
    """A backend that never reaches a server: for what is built without the network."""
    with search_connection(haystack_connections("opensearch://os.invalid:9200/archive")) as b:
        yield b


def test_search_url_builds_the_opensearch_connection():
    conf = haystack_connections("opensearch://os.internal:9200/archive?shards=3&replicas=2")
    assert conf["default"] == {
        "ENGINE": "search.backends.FrenchOpenSearchEngine",
        "URL": "http://os.internal:9200/",
        "INDEX_NAME": "archive",
        "SHARDS": 3,
        "REPLICAS": 2,
    }
    secure = haystack_connections("opensearchs://user:secret@search.example:443/")["default"]
    assert secure["URL"] == "https://user:secret@search.example:443/"
    assert secure["INDEX_NAME"] == "newsroom"


def test_a_misspelt_url_option_is_refused_by_name():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="shard=2 is not understood"):
        haystack_connections("opensearch://os.internal:9200/archive?shard=2")


def test_the_engine_loads_the_french_backend(offline_backend):
    assert isinstance(offline_backend, FrenchOpenSearchBackend)
    assert offline_backend.index_name == "archive"
    settings = offline_backend.index_settings()["index"]
    assert (settings["number_of_shards"], settings["auto_expand_replicas"]) == (2, "0-1")


def test_index_settings_carry_the_french_analysis(offline_backend):
    analysis = offline_backend.DEFAULT_SETTINGS["settings"]["analysis"]
    filters = analysis["filter"]
    assert set(filters["french_stop"]["stopwords"]) == STOP_WORDS
    assert {"etait", "l", "qu", "jusqu"} <= set(filters["french_stop"]["stopwords"])
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


# Against the cluster ------------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?»])\s+")


def real_sentences(count: int) -> list[str]:
    """Sentences of French news from both corpora, drawn the same way every run."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPORA.glob("wikinews-fr/*.txt"))]
    texts += [row["headline"] + ". " + row["text"] for row in masakhane_rows(60)]
    sentences = [s.strip() for text in texts for s in SENTENCE_END.split(text) if len(s) > 20]
    return random.Random(7).sample(sentences, count)


@pytest.fixture
def live(db):
    with opensearch_index(opensearch_url()) as backend:
        backend.setup()
        yield backend


def index_all(backend) -> None:
    indexing.mark_articles(Article.objects.values_list("pk", flat=True))
    indexing.process_queue()


@pytest.fixture
def dispatches(db):
    source = Source.objects.create(name="BBC Afrique")
    return [
        make_article(source=source, title=row["headline"], body=row["text"])
        for row in masakhane_rows(12)
    ]


def analysed(backend, analyzer: str, text: str) -> list[str]:
    answer = backend.conn.indices.analyze(
        index=backend.index_name, body={"analyzer": analyzer, "text": text}
    )
    return [token["token"] for token in answer["tokens"]]


def test_opensearch_analyses_french_as_we_do(live):
    """On 400 real sentences: the same words, folded, with the same stop words and elisions
    dropped; the same stems but for the Snowball revision's few (see the README)."""
    unstemmed, stems, differing = [], 0, set()
    for sentence in real_sentences(400):
        ours = [token.text for token in FRENCH(sentence, no_morph=True)]
        theirs = analysed(live, "french_unstemmed", sentence)
        if ours != theirs:
            unstemmed.append((sentence, ours, theirs))
            continue
        for word, our_stem, their_stem in zip(
            ours, query_terms(sentence), analysed(live, "french_folded", sentence), strict=True
        ):
            stems += 1
            if our_stem != their_stem:
                differing.add((word, our_stem, their_stem))
    assert unstemmed == []
    # Lucene bundles an older revision of Snowball's French than PyStemmer: a few words
    # ending in -ais/-aise stem apart ("francaise": franc here, francais there).
    assert stems > 5000
    assert len(differing) <= 0.01 * stems, sorted(differing)
    assert all(word.endswith(("ais", "aise", "aises")) for word, _, _ in differing), differing


def test_new_indices_get_the_configured_shards_and_replicas(live, dispatches):
    index_all(live)
    (serving,) = live.serving_indices()
    settings = live.conn.indices.get_settings(index=serving)[serving]["settings"]["index"]
    assert settings["number_of_shards"] == "2"
    health = live.conn.cluster.health(index=serving, wait_for_status="green")
    # Two data nodes: one replica of each of the two shards, all assigned.
    assert (health["status"], health["active_shards"]) == ("green", 4)
    with opensearch_index(opensearch_url() + "?shards=1&replicas=0") as single:
        single.setup()
        (name,) = single.serving_indices()
        index = single.conn.indices.get_settings(index=name)[name]["settings"]["index"]
        assert (index["number_of_shards"], index["number_of_replicas"]) == ("1", "0")


def test_rebuild_fills_a_new_index_while_the_old_one_serves_then_swaps(live, dispatches):
    index_all(live)
    (before,) = live.serving_indices()
    seen_during = []

    def batches():
        for batch in indexing.article_batches(batch_size=4):
            seen_during.append((live.serving_indices(), services.run(SearchRequest()).total))
            yield batch

    live_index = connections["default"].get_unified_index().get_index(Article)
    assert live.rebuild(live_index, batches()) == len(dispatches)
    assert seen_during == [([before], len(dispatches))] * 3, "the old index served throughout"
    (after,) = live.serving_indices()
    assert after != before
    assert not live.conn.indices.exists(index=before), "the old index is deleted"
    assert services.run(SearchRequest()).total == len(dispatches)
    assert indexing.find_drift().clean


def test_changes_made_during_a_rebuild_are_caught_up_after_the_swap(live, dispatches, monkeypatch):
    index_all(live)
    first, second = dispatches[:2]
    every_batch = indexing.article_batches

    def batches(batch_size):
        for number, batch in enumerate(every_batch(batch_size)):
            if number == 1:
                # The index worker goes on meanwhile: an edit and a deletion, on the old index.
                Article.objects.filter(pk=first.pk).update(
                    title="Zanzibar sous la pluie", updated_at=timezone.now()
                )
                Article.objects.filter(pk=second.pk).delete()
                indexing.mark_articles([first.pk, second.pk])
                indexing.process_queue()
            yield batch

    monkeypatch.setattr(indexing, "article_batches", batches)
    report = indexing.rebuild(batch_size=5)
    # Both were sent to the new index before they changed: the catch-up fixed them.
    assert report.indexed == len(dispatches)
    assert (report.repaired.indexed, report.repaired.removed) == (1, 1)
    assert indexing.find_drift().clean
    assert services.run(SearchRequest(q="Zanzibar")).ids == [first.pk]
    assert services.run(SearchRequest()).total == len(dispatches) - 1


def test_a_rebuild_that_fails_leaves_the_old_index_and_the_next_one_completes(live, dispatches):
    index_all(live)
    (before,) = live.serving_indices()
    live_index = connections["default"].get_unified_index().get_index(Article)

    def failing():
        yield next(indexing.article_batches(batch_size=4))
        raise ConnectionError("the database went away")

    with pytest.raises(ConnectionError):
        live.rebuild(live_index, failing())
    assert live.serving_indices() == [before]
    assert services.run(SearchRequest()).total == len(dispatches)
    # A rebuild killed outright (no clean-up) leaves an index nothing points to.
    live._create_index(f"{live.index_name}-20200101000000000000")
    assert live.drop_orphans() == [f"{live.index_name}-20200101000000000000"]
    live._create_index(f"{live.index_name}-20200101000000000001")
    assert live.rebuild(live_index, indexing.article_batches()) == len(dispatches)
    assert len(live.conn.indices.get(index=f"{live.index_name}-*")) == 1
    assert indexing.find_drift().clean


def test_an_index_made_before_aliases_is_replaced_in_one_step(db, dispatches):
    url = opensearch_url()
    with opensearch_index(url) as live:
        live.setup()
        # An index of the alias's own name, as haystack made them.
        (first,) = live.serving_indices()
        live.conn.indices.delete(index=first)
        live._create_index(live.index_name)
        live.setup_complete = True
        index_all(live)
        assert live.serving_indices() == [live.index_name]
        call_command("rebuild_index", "--noinput", stdout=StringIO())
        (serving,) = live.serving_indices()
        assert serving.startswith(live.index_name + "-")
        assert services.run(SearchRequest()).total == len(dispatches)


def test_export_and_deep_pages_go_past_the_result_window(live, db, monkeypatch):
    source = Source.objects.create(name="AFP")
    for number in range(130):
        make_article(
            source=source,
            title=f"Crue numéro {number}",
            body=f"La crue de la Loire, relevé {number}.",
            published_on=date(2020, 1, 1 + number % 28),
        )
    index_all(live)
    # A small window shows that nothing below asks for `from + size` past it.
    live.conn.indices.put_settings(index=live.index_name, body={"index": {"max_result_window": 50}})
    monkeypatch.setattr(services, "EXPORT_PAGE", 40)
    monkeypatch.setattr(opensearch_backend, "RESULT_WINDOW", 50)
    request = SearchRequest(q="crue", sort="newest")
    ids = [pk for page in live.matching_ids(request, limit=1000, page=40) for pk in page]
    assert len(ids) == len(set(ids)) == 130
    published = dict(Article.objects.values_list("pk", "published_on"))
    assert [published[pk] for pk in ids] == sorted(published.values(), reverse=True)
    rows = list(services.export_rows(request, absolute_url=str))
    assert [int(row[0]) for row in rows[1:]] == ids
    deep = services.run(SearchRequest(q="crue", sort="newest", offset=100, limit=20))
    assert (deep.total, deep.ids) == (130, ids[100:120])


def test_facets_count_whole_names_and_filters_fold_them(live, db):
    source = Source.objects.create(name="Agence France-Presse")
    article = make_article(source=source, title="Alep", body="Bachar al-Assad à Alep.")
    mention(article, entity("PER", "Bachar al-Assad"), "Bachar al-Assad")
    index_all(live)
    index = connections["default"].get_unified_index().get_index(Article)
    document = live._prepare_object(index, articles_for_index().get(pk=article.pk))
    assert document["people_keys"] == ["bachar al assad"]
    hits = services.run(SearchRequest(filters=(("person", "BACHAR AL ASSAD"),)))
    assert hits.ids == [article.pk]
    assert hits.facets["people"] == [("Bachar al-Assad", 1)]
    assert hits.facets["source"] == [("Agence France-Presse", 1)]


def test_an_index_whose_shards_have_not_started_is_unavailable_not_an_error(db):
    """Another process just created it: readers (check_index, the drift) wait, as for none."""
    from search.query import IndexUnavailable

    with opensearch_index(opensearch_url()) as backend:
        backend.conn.indices.create(
            index=f"{backend.index_name}-1",
            body={
                "settings": {
                    "number_of_replicas": 0,
                    "index.routing.allocation.require._name": "no-such-node",
                },
                "aliases": {backend.index_name: {}},
            },
            params={"wait_for_active_shards": "0"},
        )
        with pytest.raises(IndexUnavailable):
            backend.indexed_versions()
        source = Source.objects.create(name="AFP")
        article = make_article(source=source, title="Séisme", body="Un séisme au Japon.")
        assert indexing.find_drift().missing == [article.pk]


def test_a_word_on_one_shard_only_is_not_corrected_from_the_other(live):
    """The term suggester decides "missing" shard by shard: « alep » on shard 0 alone must
    not become the « alex » of shard 1."""
    source = Source.objects.create(name="AFP")
    aleppo = make_article(source=source, title="Frappes sur Alep", body="Des frappes sur Alep.")
    alex = make_article(source=source, title="Alex", body="Alex a gagné la course.")
    index = connections["default"].get_unified_index().get_index(Article)
    (name,) = live.serving_indices()
    by_shard = {}
    for routing in map(str, range(50)):
        shard = live.conn.search_shards(index=name, routing=routing)["shards"][0][0]["shard"]
        by_shard.setdefault(shard, routing)
    assert set(by_shard) == {0, 1}
    for article, shard in ((aleppo, 0), (alex, 1)):
        (action,) = live._actions(index, [article])
        live.conn.index(
            index=name, id=action["_id"], body=action["_source"], routing=by_shard[shard]
        )
    live.conn.indices.refresh(index=name)

    assert live.suggest("alep") == ""
    assert live.suggest("frapes alep") == "frappes alep"
