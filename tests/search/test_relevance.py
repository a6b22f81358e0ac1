"""Relevance on both engines: French analysis, query syntax, filters, facets; and Whoosh's
own matching from postings against Whoosh itself."""

from datetime import date

import pytest

from articles.models import Article
from search import services
from search.query import QuerySyntaxError, SearchRequest


def search(q="", **options):
    return services.run(SearchRequest(q=q, limit=options.pop("limit", 500), **options))


def found(q="", **options) -> set[int]:
    return set(search(q, **options).ids)


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("etat islamique", "turkey"),
        ("ÉTAT ISLAMIQUE", "turkey"),
        ("medecin", "aleppo"),
        ("médecins", "aleppo"),
        ("Elysee", "elysee"),
        ("l'Élysée", "elysee"),
        ("elysée", "elysee"),
        ("Alep", "aleppo"),
        ("armée", "turkey"),
        ("frappe", "turkey"),
        ("opération conjointe", "turkey"),
        ("Cavusoglu", "turkey"),
        ("Karam Masri", "aleppo"),
    ],
)
def test_french_analysis_finds_accents_elisions_and_plurals(search_db, query, article):
    assert getattr(search_db, article).pk in found(query)


def test_words_are_all_required_by_default(search_db):
    assert found("médecins Cavusoglu") == set()
    both = found("médecins lettre")
    assert search_db.aleppo.pk in both
    assert not both & {search_db.turkey.pk, search_db.elysee.pk}


def test_or_and_not(search_db):
    either = found("Cavusoglu OR Élysée")
    assert {search_db.turkey.pk, search_db.elysee.pk} <= either
    assert search_db.aleppo.pk not in either
    syria = found("Syrie")
    assert {search_db.turkey.pk, search_db.aleppo.pk} <= syria
    for query in ("Syrie -médecins", "Syrie NOT médecins"):
        result = found(query)
        assert search_db.turkey.pk in result
        assert search_db.aleppo.pk not in result


def test_exact_phrase_needs_the_words_in_order(search_db):
    assert search_db.turkey.pk in found('"groupe terroriste"')
    assert search_db.turkey.pk not in found('"terroriste groupe"')
    assert found('"État islamique"') >= {search_db.turkey.pk, search_db.aleppo.pk}
    # Stop words inside a phrase are skipped on both sides.
    assert search_db.aleppo.pk in found('"lettre adressée au président"')


def test_title_prefix_searches_titles_only(search_db):
    assert search_db.aleppo.pk in found("title:médecins")
    assert search_db.turkey.pk not in found("title:médecins")
    assert search_db.turkey.pk in found("médecins OR Cavusoglu")


def test_entity_prefixes_match_whole_canonical_names(search_db):
    assert found('person:"Bachar al-Assad"') == {search_db.turkey.pk, search_db.aleppo.pk}
    assert found('person:"bachar al assad"') == {search_db.turkey.pk, search_db.aleppo.pk}
    assert found("person:Assad") == set()
    assert found("place:Alep") == {search_db.aleppo.pk, search_db.script.pk}
    assert found("org:onu") == {search_db.aleppo.pk}
    assert found('source:"le monde" Élysée') == {search_db.elysee.pk}
    assert found("source:AFP Élysée") == set()


def test_rejected_mentions_stay_out_of_the_index(search_db):
    assert found('person:"Vladimir Poutine"') == {search_db.turkey.pk}


def test_date_range(search_db):
    in_2016 = found(date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))
    assert in_2016 == {search_db.turkey.pk, search_db.aleppo.pk, search_db.script.pk}
    assert found("Alep", date_from=date(2016, 8, 12)) == {search_db.script.pk}
    assert found("Alep", date_to=date(2016, 8, 11)) == {search_db.aleppo.pk}


def test_facet_filters_combine_with_words_and_dates(search_db):
    assad = (("person", "Bachar al-Assad"),)
    assert found(filters=assad) == {search_db.turkey.pk, search_db.aleppo.pk}
    assert found("médecins", filters=assad) == {search_db.aleppo.pk}
    both = (("person", "Bachar al-Assad"), ("place", "Alep"))
    assert found(filters=both) == {search_db.aleppo.pk}
    assert found(filters=(*both, ("source", "Le Monde"))) == set()
    assert found(filters=assad, date_from=date(2017, 1, 1)) == set()


def test_facets_come_back_as_whole_names_with_counts(search_db):
    hits = search("Syrie OR Élysée")
    assert ("Bachar al-Assad", 2) in hits.facets["people"]
    assert ("Vladimir Poutine", 1) in hits.facets["people"]
    assert ("Alep", 1) in hits.facets["places"]
    assert ("ONU", 1) in hits.facets["orgs"]
    assert ("Daech", 1) in hits.facets["misc"]
    sources = dict(hits.facets["source"])
    assert sources["AFP"] == 2
    assert sources["Le Monde"] >= 1


def test_facets_over_the_whole_archive_when_there_is_no_query(search_db):
    hits = search()
    assert hits.total == len(search_db.articles)
    assert dict(hits.facets["source"]) == {
        "AFP": 5,
        "Le Monde": 1 + len(search_db.bbc[::3]),
        "BBC Afrique": len(search_db.bbc) - len(search_db.bbc[::3]),
    }
    months = hits.months
    assert sum(months.values()) == hits.total - 1  # the undated dispatch
    assert months[(2016 - 1970) * 12 + 7] == 3


def test_sorting_by_date(search_db):
    newest = search("Alep OR Élysée", sort="newest").ids
    assert newest.index(search_db.elysee.pk) < newest.index(search_db.script.pk)
    assert newest.index(search_db.script.pk) < newest.index(search_db.aleppo.pk)
    assert newest[-1] == search_db.undated.pk
    oldest = search("Alep OR Élysée", sort="oldest").ids
    assert oldest.index(search_db.aleppo.pk) < oldest.index(search_db.elysee.pk)
    assert oldest[-1] == search_db.undated.pk


def test_relevance_ranks_the_dispatch_that_is_about_it_first(search_db):
    assert search("médecins Alep", sort="relevance").ids[0] == search_db.aleppo.pk
    # Title words weigh more: the dispatches titled with "médecins" come first.
    top = Article.objects.in_bulk(search("médecins", sort="relevance").ids[:2])
    assert search_db.aleppo.pk in top
    assert all("médecins" in article.title for article in top.values())


def test_paging_is_stable_and_complete(search_db):
    everything = search(sort="newest").ids
    pages = [search(sort="newest", offset=start, limit=20).ids for start in range(0, 240, 20)]
    assert [pk for page in pages for pk in page] == everything
    assert search(sort="newest", offset=10_000, limit=20).ids == []


@pytest.mark.parametrize("query", ["Syrie OR médecins", "santé OR Afrique", "Kenya -football"])
def test_counts_and_facets_do_not_depend_on_the_page_size(search_db, query):
    small, large = search(query, limit=1), search(query, limit=500)
    assert small.total == large.total == len(large.ids)
    assert small.facets == large.facets
    assert small.ids == large.ids[:1]


def test_did_you_mean_suggests_a_close_indexed_word(search_db):
    hits = search("medecinz alep")
    assert hits.total == 0
    assert hits.suggestion.startswith("medecin")
    assert search(hits.suggestion).total > 0
    assert search("zzqxw").suggestion == ""


@pytest.mark.parametrize(
    "query",
    ['"État islamique', "(Syrie OR Irak", "Syrie OR", "NOT", "person: Assad", "le la les de"],
)
def test_queries_that_cannot_be_read_raise_a_clear_error(search_db, query):
    with pytest.raises(QuerySyntaxError) as error:
        search(query)
    assert str(error.value)


@pytest.mark.parametrize(
    "query",
    [
        "Syrie",
        "Syrie médecins",
        "Syrie OR Kenya OR football",
        "Syrie -Russie",
        "NOT Syrie",
        '"État islamique" OR title:Kenya',
        '(santé OR Afrique) -"Premier ministre" person:"Bachar al-Assad"',
        "place:Alep OR source:AFP",
        "zzqxw OR Syrie",
    ],
)
@pytest.mark.parametrize("corpus", ["whoosh"], indirect=True)
def test_matching_from_postings_agrees_with_whoosh(search_db, query):
    from haystack import connections

    from search.backends.matching import Postings, matching_docs
    from search.query import parse

    backend = connections["default"].get_backend()
    searcher, tables = backend.snapshot()
    parsed = parse(backend.page_parser, query)
    assert matching_docs(Postings(searcher), parsed, tables.live).tolist() == sorted(
        searcher.docs_for_query(parsed)
    )


@pytest.mark.parametrize(
    "query",
    [
        "Syrie",
        "santé Afrique",
        "Kenya OR football OR Syrie",
        "président -Kenya",
        "title:Coronavirus OR vaccin",
        'médecins OR person:"Bachar al-Assad"',
    ],
)
@pytest.mark.parametrize("corpus", ["whoosh"], indirect=True)
def test_ranking_from_postings_is_whooshs_bm25f(search_db, query):
    from haystack import connections

    from search.backends.matching import Postings, matching_docs, ranked
    from search.query import parse

    backend = connections["default"].get_backend()
    searcher, tables = backend.snapshot()
    parsed = parse(backend.page_parser, query)
    postings = Postings(searcher)
    docs = matching_docs(postings, parsed, tables.live)
    order = ranked(postings, parsed, docs, lambda f: tables.field_lengths(f, searcher))
    expected = searcher.search(parsed, limit=None)
    scores = {hit.docnum: hit.score for hit in expected}
    assert len(order) == len(expected) > 0
    # Same scores, so the same order (equal scores may come in either order).
    assert [round(scores[d], 6) for d in order] == [round(h.score, 6) for h in expected]


def test_haystack_searchqueryset_reads_the_same_index_in_french(search_db):
    from haystack.query import SearchQuerySet

    results = SearchQuerySet().filter(content="medecin").facet("people")
    assert search_db.aleppo.pk in {int(result.pk) for result in results}
    people = dict(results.facet_counts()["fields"]["people"])
    assert people["Bachar al-Assad"] == 1
    assert SearchQuerySet().models(Article).count() == len(search_db.articles)


@pytest.mark.parametrize("query", ['"État islamique"', "Syrie Alep", '"mort" OR Kenya'])
def test_repeated_queries_give_the_same_pages_filtered_or_not(search_db, query):
    """The second run of the same words reuses the matches of the first."""
    afp = (("source", "AFP"),)
    first = [search(query, offset=o, limit=2).ids for o in (0, 2, 4)]
    filtered = search(query, filters=afp).ids
    assert [search(query, offset=o, limit=2).ids for o in (0, 2, 4)] == first
    assert search(query, filters=afp).ids == filtered
    everything = search(query).ids
    assert [pk for page in first for pk in page] == everything[:6]
    assert filtered == [pk for pk in everything if pk in set(filtered)]
    assert set(filtered) <= {a.pk for a in search_db.articles if a.source.name == "AFP"}


def test_entity_context_gives_months_and_companions(search_db):
    context = services.entity_context(kind="PER", name="Bachar al-Assad")
    assert context.total == 2
    assert context.months == {(2016 - 1970) * 12 + 7: 2}
    assert ("Bachar al-Assad", 2) not in context.facets["people"]
    assert context.facets["people"] == [("Vladimir Poutine", 1)]
    assert ("Syrie", 2) in context.facets["places"]
