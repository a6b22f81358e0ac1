"""What a daily user notices: a phone's width, the searched words on the article page, the
way back to the results, and no missing favicon."""

import re

import pytest
from playwright.sync_api import Page, Response, expect

from tests.e2e.conftest import log_in, make_user, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_390(browser, live_server) -> Page:
    yield from open_tab(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)


def missing_files(page: Page) -> list[str]:
    """Collect the URLs the page asks for and gets a 404 for, from now on."""
    found: list[str] = []

    def record(response: Response) -> None:
        if response.status == 404:
            found.append(response.url)

    page.on("response", record)
    return found


def assert_no_sideways_scroll(page: Page) -> None:
    scroll, client = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    wide = page.evaluate(
        """Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > document.scrollingElement.clientWidth)
        .slice(0, 5).map((e) => e.tagName + "." + e.className)"""
    )
    assert scroll <= client, f"{page.url} scrolls sideways: {scroll}px for {client}px: {wide}"


def assert_within_viewport(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown on {page.url}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
        f"{selector} runs off the screen on {page.url}: {box}"
    )
    expect(page.locator(selector)).to_be_in_viewport()


def test_phone_width_fits_search_results_and_article(phone_390, reference):
    page = phone_390
    missing = missing_files(page)
    log_in(page, make_user("journalist"))

    page.goto("/search/")
    assert_no_sideways_scroll(page)
    assert_within_viewport(page, ".search-line input[type=search]")
    assert_within_viewport(page, ".search-line button[type=submit]")

    page.get_by_role("searchbox", name="Rechercher").fill("Syrie")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator(".search-hits a.title")).to_have_count(2)
    expect(page.locator(".search-facets .facet").first).to_be_attached()
    assert_no_sideways_scroll(page)
    assert_within_viewport(page, ".search-line input[type=search]")
    assert_within_viewport(page, ".search-line button[type=submit]")
    results = page.locator(".search-results").bounding_box()
    facets = page.locator(".search-facets").bounding_box()
    assert facets["y"] >= results["y"] + results["height"], (
        f"the facets are not below the results: {facets} / {results}"
    )

    page.locator(".search-hits a.title").first.click()
    expect(page.locator("article.dispatch h1")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert missing == [], f"404s: {missing}"


def test_article_from_a_search_marks_its_words_and_leads_back(page, reference):
    missing = missing_files(page)
    log_in(page, make_user("journalist"))
    page.goto("/search/?q=m%C3%A9decins+Alep&sort=newest&page=1")
    results_url = page.url
    shown = page.locator(".search-hits a.title").count()
    assert shown >= 1
    hit = page.locator(f".search-hits a.title[href^='{reference.aleppo.get_absolute_url()}?']")
    hit.click()

    expect(page).to_have_url(re.compile(rf"/articles/{reference.aleppo.pk}/\?recherche="))
    marks = page.locator(".body mark.searched")
    expect(marks.first).to_be_visible()
    words = {text.casefold() for text in marks.all_inner_texts()}
    assert {"médecins", "alep"} <= words
    # Marks sit inside the entity links, never around or across them.
    expect(page.locator(".body a.mention mark.searched").first).to_be_visible()
    expect(page.locator(".dispatch-meta .byline")).to_contain_text("Karam AL MASRI")
    expect(page.locator(".dispatch-meta time.published")).to_be_visible()

    page.get_by_role("link", name="← Résultats").click()
    assert page.url == results_url
    expect(page.locator(".search-hits a.title")).to_have_count(shown)
    assert missing == [], f"404s: {missing}"
