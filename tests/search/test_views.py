"""The search page and the CSV export, through Django's test client."""

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.search.conftest import SCRIPT_BODY, SCRIPT_TITLE

URL = reverse("search:search")
EXPORT = reverse("search:export")


@pytest.fixture
def reader(client, journalist):
    client.force_login(journalist)
    return client


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_search_needs_a_login(client, search_db):
    for url in (URL, EXPORT):
        response = client.get(url, {"q": "Alep"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_results_show_title_source_date_byline_snippet_and_chips(reader, search_db):
    html = page(reader, q="médecins")
    aleppo = search_db.aleppo
    assert reverse("articles:detail", args=[aleppo.pk]) in html
    assert "Des <mark>médecins</mark> d&#x27;Alep impuissants face à la mort" in html
    assert "Karam AL MASRI" in html
    assert "11 août 2016" in html
    assert "Les derniers <mark>médecins</mark> exerçant" in html
    assert reverse("articles:entity", args=[search_db.entities["assad"].slug]) in html
    assert 'class="chip chip-PER"' in html


def test_snippets_highlight_with_french_analysis(reader, search_db):
    assert "à l&#x27;<mark>Élysée</mark>" in page(reader, q="elysee")
    html = page(reader, q="medecin")
    assert "Les derniers <mark>médecins</mark> exerçant" in html
    assert "<mark>medecin</mark>" not in html


def test_script_in_title_and_body_stays_inert(reader, search_db):
    html = page(reader, q="alerte sanitaire")
    assert "<script>alert" not in html
    assert html.count("<script") == 1  # the page's own search.js
    assert "&lt;script&gt;<mark>alert</mark>(&#x27;titre&#x27;)&lt;/script&gt;" in html
    assert "&lt;script&gt;<mark>alert</mark>(&#x27;corps&#x27;)&lt;/script&gt;" in html
    assert "<mark>alerte</mark> <mark>sanitaire</mark>" in html
    assert SCRIPT_TITLE not in html
    assert SCRIPT_BODY not in html


def test_facet_links_add_and_remove_filters(reader, search_db):
    html = page(reader, q="Syrie")
    assert "?q=Syrie&amp;person=Bachar+al-Assad" in html
    filtered = page(reader, q="Syrie", person="Bachar al-Assad")
    assert "Personnes : Bachar al-Assad" in filtered
    assert 'href="?q=Syrie" title="Retirer ce filtre"' in filtered
    assert "<strong>2</strong> dépêches" in filtered


def test_histogram_bars_filter_by_period(reader, search_db):
    html = page(reader, q="Alep OR Élysée")
    assert "date_from=2016-08-01&amp;date_to=2016-08-31" in html
    narrowed = page(reader, q="Alep OR Élysée", date_from="2016-08-01", date_to="2016-08-31")
    assert "<strong>2</strong> dépêches" in narrowed
    assert "Dates : 01/08/2016 – 31/08/2016" in narrowed


def test_long_spans_are_counted_per_year(reader, search_db):
    html = page(reader)
    assert "date_from=2019-01-01&amp;date_to=2019-12-31" in html
    assert "Par année" in html


def test_empty_query_shows_latest_dispatches_and_help(reader, search_db):
    html = page(reader)
    assert "Tapez des mots" in html
    assert "Comment chercher" in html
    assert reverse("articles:detail", args=[search_db.bbc[-1].pk]) in html


def test_syntax_errors_are_explained(reader, search_db):
    html = page(reader, q='"État islamique')
    assert "guillemet" in html.lower()
    assert "Un opérateur" in page(reader, q="Syrie OR")


def test_a_very_long_query_is_refused_politely(reader, search_db):
    html = page(reader, q="Syrie " * 2000)
    assert "trop longue" in html


def test_a_page_past_the_end_says_so(reader, search_db):
    html = page(reader, q="médecins", page=50)
    assert "Cette page n'existe pas" in html
    assert "Aller à la dernière page" in html
    assert "Page 1" in page(reader, q="Syrie", page="abc") or "première page" in page(
        reader, q="Syrie", page="abc"
    )
    assert "10 000 premiers" in page(reader, q="Syrie", page=10**12)


def test_did_you_mean_links_to_the_corrected_query(reader, search_db):
    html = page(reader, q="medecinz")
    assert "Vouliez-vous dire" in html
    assert "?q=medecin" in html


def test_bad_dates_are_reported(reader, search_db):
    assert "postérieure" in page(reader, date_from="2020-01-01", date_to="2019-01-01")
    assert page(reader, date_from="pas une date")


def test_an_empty_index_says_it_is_being_rebuilt(reader, search_db, fresh_index):
    assert "en cours de reconstruction" in page(reader, q="Syrie")
    assert "en cours de reconstruction" in page(reader)
    assert reader.get(EXPORT, {"q": "Syrie"}).status_code == 503


def test_export_is_csv_with_neutralised_cells(reader, search_db):
    response = reader.get(EXPORT, {"q": "tempête OR médecins"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["id", "date", "source", "titre"]
    by_id = {row[0]: row for row in rows[1:]}
    formula = by_id[str(search_db.formula.pk)]
    assert formula[3].startswith("'=HYPERLINK")
    assert formula[4] == "'@correspondant"
    aleppo = by_id[str(search_db.aleppo.pk)]
    assert aleppo[1] == "2016-08-11"
    assert "Bachar al-Assad" in aleppo[6]
    assert aleppo[9].endswith(reverse("articles:detail", args=[search_db.aleppo.pk]))
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_export_follows_filters(reader, search_db):
    response = reader.get(EXPORT, {"person": "Bachar al-Assad", "sort": "oldest"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {str(search_db.turkey.pk), str(search_db.aleppo.pk)}


def test_export_needs_the_permission(client, search_db):
    client.force_login(UserFactory())
    assert client.get(URL, {"q": "Alep"}).status_code == 200
    assert client.get(EXPORT, {"q": "Alep"}).status_code == 403


def test_export_link_shows_only_with_the_permission(client, search_db, journalist):
    client.force_login(journalist)
    assert "Exporter en CSV" in page(client, q="Alep")
    client.force_login(UserFactory())
    assert "Exporter en CSV" not in page(client, q="Alep")


def test_a_result_page_costs_a_fixed_number_of_queries(
    reader, search_db, django_assert_max_num_queries
):
    page(reader, q="Afrique")  # warm the searcher
    # Session, user, its permissions (one query), the versions of the page's stories, the
    # page's articles, their entity chips.
    with django_assert_max_num_queries(6):
        html = page(reader, q="Afrique OR Syrie")
    assert html.count('class="result"') == 20


def test_result_links_carry_the_search_to_the_article_page(reader, search_db):
    html = page(reader, q="médecins Alep", sort="newest", page="1")
    link = re.search(r'<a class="title" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(search_db.aleppo.get_absolute_url())
    carried = parse_qs(urlsplit(link).query)["recherche"][0]
    assert parse_qs(carried) == {"q": ["médecins Alep"], "sort": ["newest"], "page": ["1"]}
    article = reader.get(link).content.decode()
    assert '<mark class="searched">médecins</mark>' in article
    back = f'href="{URL}?q=m%C3%A9decins+Alep&amp;sort=newest&amp;page=1">← Résultats</a>'
    assert back in article


def test_the_results_page_in_english_on_request(reader, search_db):
    response = reader.get(URL, {"q": "médecins"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    for english in ("Save this search", "Export as CSV", "Relevance", "People", "How to search"):
        assert english in html
    for french in ("Enregistrer cette recherche", "Pertinence", "Personnes", "Comment chercher"):
        assert french not in html
    french = page(reader, q="médecins")
    assert "Enregistrer cette recherche" in french and "Save this search" not in french
