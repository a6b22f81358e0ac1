"""Who said what stays current in the index, on both engines: corrections, check_index."""

from datetime import date

import pytest
from django.urls import reverse

from articles.curation.quotes import change_quote_speaker, reject_quote
from articles.importing import import_files
from articles.models import Quote, Source
from articles.tagging import tag_articles
from search import indexing, services
from search.query import SearchRequest
from tests.conftest import user_in
from tests.search.conftest import entity, make_article

BODY = "ANKARA - «La Syrie a besoin d'une transition», a affirmé M. Erdogan."


@pytest.fixture
def quoted(db, fresh_index, editor):
    source = Source.objects.create(name="AFP")
    article = make_article(source=source, title="Ankara", body=BODY, published_on=date(2016, 8, 9))
    erdogan, lavrov = entity("PER", "Recep Tayyip Erdogan"), entity("PER", "Sergueï Lavrov")
    words = "La Syrie a besoin d'une transition"
    start = BODY.index(words)
    quote = Quote.objects.create(
        article=article, start=start, end=start + len(words), speaker=erdogan
    )
    indexing.mark_articles([article.pk])
    indexing.process_queue()
    return article, quote, erdogan, lavrov


def ids(q: str) -> list[int]:
    return services.run(SearchRequest(q=q)).ids


def test_a_corrected_speaker_is_searched_under_the_new_one(quoted, editor):
    article, quote, _, lavrov = quoted
    assert ids('said:"Recep Tayyip Erdogan" Syrie') == [article.pk]
    change_quote_speaker(quote=quote, entity=lavrov, user=editor)
    indexing.process_queue()
    assert ids('said:"Recep Tayyip Erdogan" Syrie') == []
    assert ids('said:"Sergueï Lavrov" Syrie') == [article.pk]


def test_a_rejected_quote_is_no_longer_said(quoted, editor):
    article, quote, _, _ = quoted
    reject_quote(quote=quote, user=editor)
    indexing.process_queue()
    assert ids('said:"Recep Tayyip Erdogan"') == []
    assert ids("Syrie") == [article.pk]  # the dispatch itself stays


def test_check_index_sees_a_quote_the_index_does_not_hold(quoted):
    article, quote, _, lavrov = quoted
    assert indexing.find_drift().clean
    # Changed behind the services' back: nothing marked the article.
    Quote.objects.filter(pk=quote.pk).update(speaker=lavrov)
    drift = indexing.find_drift()
    assert drift.stale == [article.pk]
    indexing.repair(drift)
    assert indexing.find_drift().clean
    assert ids('said:"Sergueï Lavrov" Syrie') == [article.pk]


def test_tagged_reference_dispatches_answer_said(db, fresh_index, reference_path, client):
    report = import_files(paths=[reference_path])
    turkey, aleppo = sorted(report.files[0].article_ids)
    tag_articles(article_ids=[turkey, aleppo], force=True)
    indexing.mark_articles([turkey, aleppo])
    indexing.process_queue()
    assert ids('said:"Vladimir Poutine" "travail difficile"') == [turkey]
    assert ids("said:Cavusoglu terroriste") == [turkey]
    assert ids('said:"ministère russe de la Défense" combattants') == [aleppo]
    assert ids("said:Cavusoglu combattants") == []  # the ministry said it, not him
    client.force_login(user_in("journalist"))
    page = client.get(
        reverse("search:search"), {"q": "said:Cavusoglu terroriste", "vue": "citations"}
    ).text
    assert "Combattons ensemble le groupe <mark>terroriste</mark>" in page
    assert "Mevlüt Cavusoglu" in page
