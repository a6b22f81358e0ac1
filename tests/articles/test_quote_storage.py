"""Quotations stored by tagging, kept through re-tagging, corrected by editors, shown on pages.

Real PostgreSQL and the real model: the reference dispatches are imported and tagged.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.curation import CurationError
from articles.curation.quotes import change_quote_speaker, reject_quote
from articles.importing import import_files
from articles.models import Article, Correction, Entity, Mention, Quote
from articles.tagging import tag_articles
from tests.conftest import user_in
from tests.factories import ArticleFactory, EntityFactory, MentionFactory

pytestmark = pytest.mark.django_db

QUOTES = reverse("admin:articles_quote_changelist")
CAVUSOGLU = "Mevlüt Cavusoglu"
REGIME = "Un régime qui massacre"


@pytest.fixture
def reference_ids(reference_path) -> list[int]:
    report = import_files(paths=[reference_path])
    ids = sorted(report.files[0].article_ids)
    tag_articles(article_ids=ids, force=True)
    return ids


def words(quote: Quote) -> str:
    return quote.article.body[quote.start : quote.end]


def spans(article_id: int) -> set[tuple[int, int]]:
    return set(Quote.objects.filter(article_id=article_id).values_list("start", "end"))


def regime_quote() -> Quote:
    return next(q for q in Quote.objects.select_related("article") if words(q).startswith(REGIME))


# --- tagging ---------------------------------------------------------------------------


def test_tagging_stores_the_quotations_with_their_speakers(reference_ids):
    quotes = list(Quote.objects.select_related("article", "speaker"))
    assert len(quotes) >= 5
    assert {q.article_id for q in quotes} <= set(reference_ids)
    for quote in quotes:
        body = quote.article.body
        before = body[: quote.start].rstrip(" \u00a0\u202f")
        after = body[quote.end :].lstrip(" \u00a0\u202f")
        assert before[-1] in '«“„"' and after[0] in '»”“"', words(quote)
        assert quote.origin == Quote.Origin.MODEL and not quote.rejected
    regime = regime_quote()
    assert regime.speaker is not None and regime.speaker.name == CAVUSOGLU
    assert "Cavusoglu" in regime.speaker_text and regime.verb == "expliquer"
    # The speaker is the entity the speaker's mention resolved to.
    assert Mention.objects.filter(
        article_id=regime.article_id, entity=regime.speaker, rejected=False
    ).exists()
    said = Quote.objects.filter(speaker__name=CAVUSOGLU)
    assert said.count() >= 2


def test_retagging_replaces_machine_quotes_and_keeps_editors_and_rejected_ones(
    reference_ids, editor
):
    regime = regime_quote()
    article_id = regime.article_id
    machine = list(Quote.objects.filter(article_id=article_id).order_by("start"))
    assert len(machine) >= 3, [words(q) for q in machine]
    first_spans = spans(article_id)
    rejected = next(q for q in machine if q.pk != regime.pk)
    reject_quote(quote=rejected, user=editor)
    someone = EntityFactory(name="Porte-parole choisi par la rédaction", slug="porte-parole-per")
    change_quote_speaker(quote=regime, entity=someone, user=editor)
    # An editor's quote over (part of) a machine quote's words keeps that one out.
    overlapped = next(q for q in machine if q.pk not in {regime.pk, rejected.pk})
    overlapped.delete()
    by_hand = Quote.objects.create(
        article_id=article_id, start=overlapped.start + 1, end=overlapped.end,
        speaker=someone, speaker_text="la rédaction", origin=Quote.Origin.EDITOR,
    )  # fmt: skip
    # A stale machine quote (from an older model) goes away.
    stale = Quote.objects.create(article_id=article_id, start=0, end=3, speaker_text="x")

    report = tag_articles(article_ids=reference_ids, force=True)

    assert sorted(report.tagged) == reference_ids
    assert not Quote.objects.filter(pk=stale.pk).exists()
    rejected.refresh_from_db()
    assert rejected.rejected and rejected.origin == Quote.Origin.MODEL
    assert Quote.objects.filter(article_id=article_id, start=rejected.start).count() == 1
    regime.refresh_from_db()
    assert (regime.speaker, regime.origin, regime.rejected) == (someone, "editor", False)
    by_hand.refresh_from_db()
    assert not Quote.objects.filter(
        article_id=article_id, start__lt=by_hand.end, end__gt=by_hand.start
    ).exclude(pk=by_hand.pk)
    # Every other quotation came back as the machine found it, the same once more.
    expected = first_spans - {(overlapped.start, overlapped.end)} | {(by_hand.start, by_hand.end)}
    assert spans(article_id) == expected
    before = sorted(Quote.objects.values_list("article_id", "start", "end", "speaker_id"))
    tag_articles(article_ids=reference_ids, force=True)
    assert sorted(Quote.objects.values_list("article_id", "start", "end", "speaker_id")) == before


def test_editors_mentions_are_speakers_of_the_quotes_read_after_them(editor):
    body = "«Nous ne céderons pas», a déclaré Zorglub Mirabelle devant la presse mardi."
    article = ArticleFactory(body=body)
    chosen = Entity.objects.create(kind="PER", name="Zorglub Mirabelle", slug="zm-per")
    start = body.index("Zorglub")
    Mention.objects.create(
        article=article, entity=chosen, start=start, end=start + len("Zorglub Mirabelle"),
        surface="Zorglub Mirabelle", origin=Mention.Origin.EDITOR,
    )  # fmt: skip
    tag_articles(article_ids=[article.pk], force=True)
    quote = Quote.objects.get(article=article)
    assert body[quote.start : quote.end] == "Nous ne céderons pas"
    assert quote.speaker == chosen


def test_retagging_takes_the_same_number_of_queries_for_one_or_all_dispatches(reference_ids):
    with_quotes = sorted(set(Quote.objects.values_list("article_id", flat=True)))
    with CaptureQueriesContext(connection) as one:
        tag_articles(article_ids=with_quotes[:1], force=True)
    with CaptureQueriesContext(connection) as every:
        tag_articles(article_ids=reference_ids, force=True)
    assert len(one) == len(every), "\n".join(q["sql"][:160] for q in every)
    quote_queries = [q for q in every if "articles_quote" in q["sql"]]
    assert len(quote_queries) == 3  # read the kept ones, delete the machine ones, insert


# --- corrections -----------------------------------------------------------------------


def test_corrections_are_logged_with_before_and_after(reference_ids, editor):
    regime = regime_quote()
    cavusoglu = regime.speaker
    other = EntityFactory(name="Zorglub Choisi", slug="zorglub-choisi-per")
    moved = change_quote_speaker(quote=regime, entity=other, user=editor)
    assert moved.action == Correction.Action.CHANGE_QUOTE_SPEAKER and moved.user == editor
    assert moved.before["speaker_id"] == cavusoglu.pk and moved.after["speaker_id"] == other.pk
    assert moved.before["origin"] == "model" and moved.after["origin"] == "editor"
    assert set(moved.entity_ids) == {cavusoglu.pk, other.pk}
    assert "Un régime qui massacre" in moved.summary and "Zorglub Choisi" in moved.summary
    unnamed = change_quote_speaker(quote=regime, entity=None, user=editor)
    regime.refresh_from_db()
    assert regime.speaker is None and unnamed.after["speaker_id"] is None
    rejection = reject_quote(quote=regime, user=editor)
    assert rejection.action == Correction.Action.REJECT_QUOTE
    assert rejection.before["rejected"] is False and rejection.after["rejected"] is True
    with pytest.raises(CurationError):
        reject_quote(quote=regime, user=editor)
    assert Correction.objects.count() == 3


# --- the admin -------------------------------------------------------------------------


def quotes_in(body: str, *pieces: str) -> tuple[Article, list[Quote]]:
    article = ArticleFactory(body=body)
    quotes = []
    for piece in pieces:
        start = body.index(piece)
        quotes.append(Quote.objects.create(article=article, start=start, end=start + len(piece)))
    return article, quotes


def test_editors_reject_quotes_from_the_list_and_journalists_are_refused(client, editor):
    body = "«Première phrase citée», a dit X. «Seconde phrase citée», a-t-il ajouté."
    _, quotes = quotes_in(body, "Première phrase citée", "Seconde phrase citée")
    journalist = user_in("journalist", is_staff=True)  # even with the admin open to them
    client.force_login(journalist)
    assert client.get(QUOTES).status_code == 403
    action = {"action": "reject_quotes", "_selected_action": [q.pk for q in quotes]}
    assert client.post(QUOTES, action).status_code == 403
    change = reverse("admin:articles_quote_change", args=[quotes[0].pk])
    assert client.post(change, {"speaker": ""}).status_code == 403
    assert not Quote.objects.filter(rejected=True).exists()
    assert not Correction.objects.exists()

    client.force_login(editor)
    listing = client.get(QUOTES)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Rejeter les citations sélectionnées" in html and "Première phrase citée" in html
    done = client.post(QUOTES, action, follow=True)
    assert done.status_code == 200
    assert Quote.objects.filter(rejected=True).count() == 2
    assert Correction.objects.filter(action="reject_quote", user=editor).count() == 2
    assert "2 citations rejetées" in done.content.decode()


def test_the_quote_list_searches_speakers_and_the_change_form_corrects_the_speaker(client, editor):
    body = "«Nous allons discuter», a dit M. Cavusoglu. «Non», a répondu Lavrov."
    article, (quote,) = quotes_in(body, "Nous allons discuter")
    cavusoglu = EntityFactory(name=CAVUSOGLU, slug="cavusoglu-per")
    lavrov = EntityFactory(name="Sergueï Lavrov", slug="lavrov-per")
    Quote.objects.filter(pk=quote.pk).update(speaker=cavusoglu, speaker_text="M. Cavusoglu")
    quotes_in("«Autre chose dite»", "Autre chose dite")  # not found by the search
    client.force_login(editor)
    found = client.get(QUOTES, {"q": "cavusoglu"}).context["cl"].result_list
    assert [q.pk for q in found] == [quote.pk]
    change = reverse("admin:articles_quote_change", args=[quote.pk])
    page = client.get(change)
    assert page.status_code == 200 and "Nous allons discuter" in page.content.decode()
    response = client.post(change, {"speaker": lavrov.pk})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.speaker, quote.origin) == (lavrov, Quote.Origin.EDITOR)
    correction = Correction.objects.get(action="change_quote_speaker")
    assert correction.user == editor and correction.before["speaker_id"] == cavusoglu.pk
    # The article's admin page shows its quotations, read-only.
    article_page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert article_page.status_code == 200
    assert "Nous allons discuter" in article_page.content.decode()


# --- pages -----------------------------------------------------------------------------


def test_article_page_marks_quotes_escaped_in_constant_queries(
    client, journalist, django_assert_num_queries
):
    body = (
        "«Nous refusons <script>alert(1)</script> cela», a déclaré Ali Baba à Ankara.\n\n"
        "Il a ajouté : «Rien ne changera.»"
    )
    article = ArticleFactory(body=body)
    ali = EntityFactory(name="Ali <b>Baba</b>", slug="ali-baba-per")
    start = body.index("Ali Baba")
    MentionFactory(article=article, entity=ali, start=start, end=start + 8)
    first_start = body.index("Nous")
    first = Quote.objects.create(
        article=article, start=first_start, end=body.index("»"), speaker=ali, verb="déclarer"
    )
    second_start = body.index("Rien")
    second = Quote.objects.create(
        article=article, start=second_start, end=second_start + len("Rien ne changera."),
        speaker_text="il",
    )  # fmt: skip
    Quote.objects.create(article=article, start=0, end=1, rejected=True)
    client.force_login(journalist)
    client.get(article.get_absolute_url())  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        html = client.get(article.get_absolute_url()).content.decode()
    # More quotes and mentions, same number of queries.
    for n in range(3):
        other = EntityFactory()
        MentionFactory(article=article, entity=other, start=start, end=start + 3 + n)
    ankara = body.index("Ankara")
    Quote.objects.create(article=article, start=ankara, end=ankara + 6, speaker=other)
    with CaptureQueriesContext(connection) as more:
        client.get(article.get_absolute_url())
    assert len(few) == len(more)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Baba</b>" not in html
    assert (
        f'<q class="quote" id="q-{first.pk}" title="Cité : Ali &lt;b&gt;Baba&lt;/b&gt;">'
        "Nous refusons &lt;script&gt;" in html
    )
    assert f'<q class="quote" id="q-{second.pk}" title="Cité : il">Rien ne changera.</q>' in html
    assert html.count('<q class="quote"') == 2  # the rejected one is not marked
    assert "Citations" in html and f'href="#q-{first.pk}"' in html
    # Paragraphs stay well formed around the marks.
    body_html = re.search(r'<div class="body">(.*?)</div>', html, re.S)[1]
    for paragraph in re.findall(r"<p>(.*?)</p>", body_html, re.S):
        assert paragraph.count("<q ") == paragraph.count("</q>")


def test_a_quote_over_two_paragraphs_is_marked_in_each(client, journalist):
    body = "Il a dit : «Le premier paragraphe.\n\n«Le second paragraphe.» Fin."
    article = ArticleFactory(body=body)
    quote = Quote.objects.create(
        article=article, start=body.index("Le premier"), end=body.index("» Fin"),
        speaker_text="il",
    )  # fmt: skip
    client.force_login(journalist)
    html = client.get(article.get_absolute_url()).content.decode()
    body_html = re.search(r'<div class="body">(.*?)</div>', html, re.S)[1]
    paragraphs = re.findall(r"<p>(.*?)</p>", body_html, re.S)
    assert len(paragraphs) == 2
    assert f'<q class="quote" id="q-{quote.pk}"' in paragraphs[0] and "</q>" in paragraphs[0]
    assert paragraphs[1].startswith('<q class="quote" title="Cité : il">«Le second')


def test_entity_page_lists_declarations_newest_first_with_months(
    client, journalist, django_assert_max_num_queries
):
    speaker = EntityFactory(name=CAVUSOGLU, slug="mevlut-cavusoglu-per")
    dates = ["2016-06-30", "2016-08-11", "2016-08-02"]
    quotes = []
    for n, date in enumerate(dates):
        said = f"Déclaration numéro {n}"
        article, (quote,) = quotes_in(f"«{said}», a dit M. X.", said)
        Article.objects.filter(pk=article.pk).update(published_on=date)
        Quote.objects.filter(pk=quote.pk).update(speaker=speaker)
        quotes.append(quote)
    Quote.objects.create(article=quotes[0].article, start=1, end=5, speaker=speaker, rejected=True)
    client.force_login(journalist)
    with django_assert_max_num_queries(20):
        response = client.get(speaker.get_absolute_url())
    html = response.content.decode()
    assert "Ses déclarations" in html
    listed = [q.pk for q in response.context["quotes"]]
    assert listed == [quotes[1].pk, quotes[2].pk, quotes[0].pk]
    for quote in quotes:
        assert f'{quote.article.get_absolute_url()}#q-{quote.pk}"' in html
    places = [html.index(f"Déclaration numéro {n}") for n in (1, 2, 0)]
    assert places == sorted(places)
    months = [(row["month"].month, row["count"]) for row in response.context["quote_timeline"]]
    assert months == [(6, 1), (8, 2)]
    assert response.context["quote_count"] == 3
