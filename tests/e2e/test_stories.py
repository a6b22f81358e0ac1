"""A journalist meets a story's versions in a real browser, on both engines: one result per
story, every version on demand, an annulled dispatch marked, a correction's changed words."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from articles.importing import import_files
from articles.models import Article
from tests.conftest import REPO
from tests.e2e.conftest import csp_violations, log_in, make_user, wait_until_indexed
from tests.engines import ENGINES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VERSIONS = REPO / "fixtures" / "dispatches" / "story_versions.txt"


@pytest.fixture
def story_archive(e2e_worker) -> list[int]:
    """The fixture's seven dispatches, grouped, tagged and indexed by the worker."""
    with transaction.atomic():
        ids = import_files(paths=[VERSIONS]).files[0].article_ids
    assert len(ids) == 7
    wait_until_indexed(e2e_worker, ids)
    return ids


@pytest.mark.parametrize("e2e_engine", ENGINES)
def test_a_story_collapses_to_its_current_version_and_opens_on_its_versions(page, story_archive):
    violations = csp_violations(page)
    correction = Article.objects.get(version_kind="correction")
    lead = Article.objects.get(version_kind="lead")
    log_in(page, make_user("journalist"))

    page.get_by_role("link", name="Recherche", exact=True).click()
    page.get_by_role("searchbox", name="Rechercher").fill("séisme Japon")
    page.get_by_role("button", name="Rechercher").click()
    hits = page.locator(".search-hits a.title")
    expect(hits).to_have_count(1)
    expect(hits.first).to_have_attribute(
        "href", re.compile(rf"^{correction.get_absolute_url()}\?recherche=")
    )
    expect(page.locator(".results-count")).to_contain_text("4 dépêches en 1 histoire")
    expect(page.locator(".search-hits .versions-link")).to_have_text("4 versions")

    page.get_by_role("link", name="toutes les versions").click()
    expect(page).to_have_url(re.compile(r"versions=toutes"))
    expect(hits).to_have_count(4)
    corrected = page.locator(
        f".search-hits li:has(a.title[href^='{lead.get_absolute_url()}?'])"
        " a.version-badge.corrected"
    )
    expect(corrected).to_have_text("Rectifiée")

    page.locator(f".search-hits a.title[href^='{lead.get_absolute_url()}?']").click()
    expect(page.locator("#versions tbody tr")).to_have_count(4)
    changed = page.locator(".correction-notice .diff")
    expect(changed.locator("ins").first).to_contain_text("120")
    expect(changed.locator("del").first).to_contain_text("150")
    page.locator(".version-status a.version-badge.corrected").click()
    expect(page).to_have_url(re.compile(re.escape(correction.get_absolute_url())))
    expect(page.locator(".version-status")).to_contain_text("version en cours")
    page.locator("#versions tbody tr").nth(1).get_by_role("link", name="différences").click()
    expect(page).to_have_url(re.compile(r"diff=\d+"))
    expect(page.locator("#diff")).to_be_visible()

    page.get_by_role("link", name="Recherche", exact=True).click()
    page.get_by_role("searchbox", name="Rechercher").fill("grève contrôleurs")
    page.get_by_role("button", name="Rechercher").click()
    annulled = page.locator(".search-hits .version-badge.annulled")
    expect(annulled.first).to_have_text("Annulée")
    assert annulled.first.evaluate("e => getComputedStyle(e).color") != "rgb(0, 0, 0)"
    assert violations == []
