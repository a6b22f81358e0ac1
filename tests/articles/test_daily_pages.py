"""The article page reached from a search, the batch page's tagging progress, the favicon."""

import datetime
import re
from urllib.parse import quote_plus

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from articles.models import Article, ImportBatch
from articles.templatetags.archive import highlighted_body
from tests.factories import ArticleFactory, EntityFactory, MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def from_search(article: Article, query_string: str) -> str:
    return f"{article.get_absolute_url()}?recherche={quote_plus(query_string)}"


def marked_words(html: str) -> list[str]:
    return re.findall(r'<mark class="searched">(.*?)</mark>', html)


def test_searched_words_are_marked_with_the_index_analysis(client, journalist):
    body = "Les médecins d'Alep soignent. Un Médecin reste ; les médicaments manquent."
    article = ArticleFactory(body=body)
    client.force_login(journalist)
    html = client.get(from_search(article, "q=medecin alep&page=2")).content.decode()
    # Accents, case, plural and elision as the index reads them; « médicaments » stems apart.
    assert marked_words(html) == ["médecins", "Alep", "Médecin"]


def test_no_marks_without_a_search_or_for_excluded_or_broken_queries(client, journalist):
    article = ArticleFactory(body="Les médecins d'Alep soignent.")
    client.force_login(journalist)
    assert marked_words(client.get(article.get_absolute_url()).content.decode()) == []
    excluded = client.get(from_search(article, "q=Alep -médecins")).content.decode()
    assert marked_words(excluded) == ["Alep"]
    for broken in ('q="Alep', "q=(Alep", "q=AND", "garbage%%&&=="):
        page = client.get(from_search(article, broken))
        assert page.status_code == 200
        assert marked_words(page.content.decode()) == []


def test_marks_are_escaped_and_sit_inside_mentions_and_quotes(client, journalist):
    body = "<b>Alep</b> : Bachar al-Assad a dit « Alep tiendra »."
    article = ArticleFactory(body=body)
    assad = EntityFactory(name="Bachar al-Assad", slug="bachar-al-assad-per")
    start = body.index("Bachar")
    MentionFactory(article=article, entity=assad, start=start, end=start + len("Bachar al-Assad"))
    client.force_login(journalist)
    html = client.get(from_search(article, 'q=Alep assad <script>"x"')).content.decode()
    assert "<b>" not in html and "&lt;b&gt;<mark" in html
    assert "<script>" not in html
    link = re.search(r'<a class="mention[^>]*>(.*?)</a>', html).group(1)
    assert link == 'Bachar al-<mark class="searched">Assad</mark>'
    assert marked_words(html).count("Alep") == 2


def test_highlighted_body_clips_marks_at_every_edge():
    class Span:
        def __init__(self, start, end, entity=None, pk=1):
            self.start, self.end, self.entity, self.pk = start, end, entity, pk
            self.speaker, self.speaker_text = None, "X"

    body = "un deux trois\n\nquatre"
    html = highlighted_body(body, [], [Span(3, 13)], [(0, 2), (3, 7), (8, 13), (15, 21)])
    assert html == (
        '<p><mark class="searched">un</mark> <q class="quote" id="q-1" title="Cité : X">'
        '<mark class="searched">deux</mark> <mark class="searched">trois</mark></q></p>'
        '<p><mark class="searched">quatre</mark></p>'
    )


def test_back_to_results_is_the_same_results_page(client, journalist):
    article = ArticleFactory()
    client.force_login(journalist)
    search = "q=Syrie&person=Bachar+al-Assad&sort=newest&page=3"
    html = client.get(from_search(article, search)).content.decode()
    back = re.search(r'<a class="back-to-results" href="([^"]+)">← Résultats</a>', html)
    assert back.group(1).replace("&amp;", "&") == f"{reverse('search:search')}?{search}"
    plain = client.get(article.get_absolute_url()).content.decode()
    assert "back-to-results" not in plain


def test_back_link_cannot_leave_the_search_page(client, journalist):
    article = ArticleFactory()
    client.force_login(journalist)
    html = client.get(from_search(article, "//evil.example/?q=x")).content.decode()
    back = re.search(r'class="back-to-results" href="([^"]+)"', html).group(1)
    assert back.startswith(f"{reverse('search:search')}?")


def test_article_page_shows_date_dateline_byline_and_attribution(client, journalist):
    wikinews = SourceFactory(
        name="Wikinews",
        attribution="Wikinews (fr.wikinews.org), CC BY 2.5",
        attribution_url="https://creativecommons.org/licenses/by/2.5/deed.fr",
    )
    article = ArticleFactory(
        source=wikinews,
        published_on=datetime.date(2012, 7, 4),
        dateline_place="Québec",
        byline="Karam AL MASRI",
    )
    bare = ArticleFactory(published_on=None, dateline_place="", byline="")
    client.force_login(journalist)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<time class="published" datetime="2012-07-04">4 juillet 2012</time>' in html
    assert '<span class="dateline" title="Lieu de la dépêche">Québec</span>' in html
    assert '<span class="byline">Par Karam AL MASRI</span>' in html
    assert (
        '<a href="https://creativecommons.org/licenses/by/2.5/deed.fr" rel="license">'
        "Wikinews (fr.wikinews.org), CC BY 2.5</a>"
    ) in html
    other = client.get(bare.get_absolute_url()).content.decode()
    assert 'class="attribution"' not in other
    assert 'class="byline"' not in other and 'class="dateline"' not in other
    assert "<time" not in other.split('class="meta dispatch-meta"')[1].split("</p>")[0]


def batch_with_articles(archivist, **counts) -> ImportBatch:
    batch = ImportBatch.objects.create(
        source=SourceFactory(), created_by=archivist, status=ImportBatch.Status.DONE
    )
    for status, count in counts.items():
        for _ in range(count):
            ArticleFactory(import_batch=batch, tagging_status=status)
    ArticleFactory(tagging_status=Article.Tagging.PENDING)  # another batch's
    return batch


def test_batch_status_counts_tagging(client, archivist):
    batch = batch_with_articles(archivist, done=3, pending=2, failed=1, skipped=1)
    client.force_login(archivist)
    data = client.get(reverse("articles:batch-status", args=[batch.pk])).json()
    assert data["tagging"] == {
        "tagged": 3,
        "pending": 2,
        "failed": 1,
        "skipped": 1,
        "total": 7,
        "finished": False,
    }
    html = client.get(batch.get_absolute_url()).content.decode()
    assert '<span id="tagging-tagged">3</span> étiquetées' in html
    assert '<span id="tagging-pending">2</span> en attente' in html
    assert '<span id="tagging-failed">1</span> en échec' in html
    # Without JavaScript the page refreshes itself until tagging is over.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert 'data-tagging-finished="false"' in html


def test_batch_page_stops_refreshing_once_tagged(client, archivist):
    batch = batch_with_articles(archivist, done=2, failed=1)
    client.force_login(archivist)
    data = client.get(reverse("articles:batch-status", args=[batch.pk])).json()
    assert data["tagging"]["finished"] is True
    html = client.get(batch.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert 'data-tagging-finished="true"' in html


def test_batch_status_is_for_archivists_only(client, archivist, journalist, editor):
    batch = batch_with_articles(archivist, pending=1)
    url = reverse("articles:batch-status", args=[batch.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for user in (journalist, editor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(archivist)
    assert client.get(url).status_code == 200
    assert client.get(reverse("articles:batch-status", args=[batch.pk + 1000])).status_code == 404
    assert client.post(url).status_code == 405


def test_favicon_is_linked_and_answered_without_login(client, journalist):
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    client.force_login(journalist)
    html = client.get(reverse("search:search")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
