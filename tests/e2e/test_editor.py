"""An editor merges two entities in the admin and search shows them as one, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from articles.models import Entity, Mention
from tests.e2e.conftest import csp_violations, log_in, make_user, wait_until_indexed

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERY = "/search/?q=etat+islamique"


def people_facet(page: Page):
    return page.locator(".search-facets section.facet").filter(
        has=page.get_by_role("heading", name="Personnes", exact=True)
    )


def entity_row(page: Page, name: str):
    return page.locator("#result_list tbody tr").filter(
        has=page.locator("th.field-name a").get_by_text(name, exact=True)
    )


def test_editor_merges_two_entities_and_the_facet_shows_one(page, reference, e2e_worker):
    turkey = reference.turkey
    erdogan = Entity.objects.get(kind="PER", name="Erdogan")
    tayyip = Entity.objects.get(kind="PER", name="Recep Tayyip")
    violations = csp_violations(page)
    log_in(page, make_user("editor", staff=True))

    page.goto(QUERY)
    people = people_facet(page)
    for name in ("Erdogan", "Recep Tayyip"):
        expect(people.get_by_role("link", name=name, exact=True)).to_have_count(1)

    page.get_by_role("link", name="Admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/admin/articles/entity/")
    expect(page.locator("#result_list")).to_be_visible()
    for name in ("Erdogan", "Recep Tayyip"):
        row = entity_row(page, name)
        expect(row).to_have_count(1)
        row.locator("input.action-select").check()
    expect(page.locator(".action-counter")).to_contain_text("2")
    page.select_option("select[name=action]", "merge_entities")
    page.locator("button[name=index]").click()

    expect(page.locator("h1")).to_have_text("Fusionner des entités")
    expect(page.locator("input[name=keep]")).to_have_count(2)
    expect(page.get_by_label("Erdogan", exact=True)).to_be_checked()  # more mentions
    page.get_by_label("Recep Tayyip", exact=True).check()
    page.get_by_role("button", name="Fusionner").click()

    expect(page).to_have_url(re.compile(r"/admin/articles/entity/"))
    expect(page.locator(".messagelist")).to_contain_text(
        "« Erdogan » fusionné dans « Recep Tayyip »"
    )
    expect(entity_row(page, "Erdogan")).to_have_count(0)
    expect(entity_row(page, "Recep Tayyip")).to_have_count(1)
    assert not Entity.objects.filter(pk=erdogan.pk).exists()
    assert Mention.objects.filter(entity=tayyip, article=turkey).count() == 3

    wait_until_indexed(e2e_worker, [reference.turkey.pk, reference.aleppo.pk])

    page.goto(QUERY)
    people = people_facet(page)
    expect(people.locator("li", has_text="Recep Tayyip")).to_have_count(1)
    expect(people.get_by_role("link", name="Erdogan", exact=True)).to_have_count(0)
    expect(people.locator("li", has_text="Recep Tayyip").locator(".count")).to_have_text("1")
    people.get_by_role("link", name="Recep Tayyip", exact=True).click()
    expect(page.locator("a.active-filter")).to_contain_text("Personnes : Recep Tayyip")
    expect(page.locator(".search-hits a.title")).to_have_attribute(
        "href", re.compile(rf"^{turkey.get_absolute_url()}\?recherche=")
    )

    assert violations == []
