"""A journalist searches the tagged, indexed reference dispatches in a real browser."""

import csv
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from search.services import EXPORT_COLUMNS
from tests.e2e.conftest import csp_violations, log_in, make_user
from tests.engines import ENGINES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def result_count(page: Page) -> int:
    return int(page.locator(".results-count strong").inner_text().replace("\u202f", ""))


def facet(page: Page, label: str):
    return page.locator(".search-facets section.facet").filter(
        has=page.get_by_role("heading", name=label, exact=True)
    )


@pytest.mark.parametrize("e2e_engine", ENGINES)
def test_journalist_searches_narrows_reads_and_exports(page, reference):
    turkey, aleppo = reference.turkey, reference.aleppo
    violations = csp_violations(page)
    log_in(page, make_user("journalist"))

    page.get_by_role("link", name="Recherche", exact=True).click()
    page.get_by_role("searchbox", name="Rechercher").fill("etat islamique")
    page.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=etat\+islamique"))
    expect(page.locator(".results-count strong")).to_have_text("2")
    hits = page.locator(".search-hits a.title")
    expect(hits).to_have_count(2)
    for article in (turkey, aleppo):
        expect(
            page.locator(f".search-hits a.title[href^='{article.get_absolute_url()}?']")
        ).to_be_visible()
    expect(page.locator(".search-hits mark").first).to_be_visible()
    before = result_count(page)

    people = facet(page, "Personnes")
    people.get_by_role("link", name="Bachar al-Assad", exact=True).click()

    chip = page.locator("a.active-filter")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Personnes : Bachar al-Assad")
    expect(people.locator("li.active")).to_contain_text("Bachar al-Assad")
    assert 1 <= result_count(page) <= before

    expect(page.locator(".histogram a")).to_have_count(2)
    page.locator(".histogram a[title^='août 2016']").click()

    expect(page.locator("a.active-filter")).to_have_count(2)
    expect(page.locator("a.active-filter").nth(1)).to_contain_text("01/08/2016 – 31/08/2016")
    expect(page.locator(".results-count strong")).to_have_text("1")
    expect(hits).to_have_count(1)
    expect(hits).to_have_attribute("href", re.compile(rf"^{turkey.get_absolute_url()}\?recherche="))
    narrowed = page.url
    assert "person=Bachar+al-Assad" in narrowed and "date_from=2016-08-01" in narrowed

    hits.click()
    expect(page).to_have_url(re.compile(rf"/articles/{turkey.pk}/\?recherche="))
    expect(page.locator("h1")).to_contain_text("La Turquie appelle la Russie")
    expect(page.locator(".body a.mention").first).to_be_visible()
    poutine = page.locator("aside.entities a.chip", has_text="Vladimir Poutine")
    expect(poutine).to_have_count(1)
    poutine.click()

    expect(page).to_have_url(re.compile(r"/entities/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text("Vladimir Poutine")
    expect(page.locator("h1 .chip")).to_have_text("Personne")
    expect(page.locator(f"a[href='{turkey.get_absolute_url()}']")).to_be_visible()

    page.goto(narrowed)
    export = page.get_by_role("link", name="Exporter en CSV")
    with page.expect_download() as pending:
        export.click()
    download = pending.value
    assert re.fullmatch(r"recherche-\d{8}-\d{4}\.csv", download.suggested_filename)
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(turkey.pk)
    assert row["date"] == "2016-08-11"
    assert row["source"] == "AFP"
    assert row["titre"] == turkey.title
    assert {"Bachar al-Assad", "Vladimir Poutine"} <= set(row["personnes"].split("; "))
    assert "Ankara" in row["lieux"].split("; ")
    assert row["url"] == page.url.split("/search/")[0] + reverse(
        "articles:detail", args=[turkey.pk]
    )
    response = page.request.get(export.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")

    assert violations == []
