"""A journalist makes an API token on « Mon compte », reads the API's docs, revokes it."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import use_shared_cache
from tests.e2e.conftest import csp_violations, log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    use_shared_cache(settings, "test-e2e")


def test_token_made_on_the_account_page_opens_the_api_until_revoked(page, transactional_db):
    violations = csp_violations(page)
    log_in(page, make_user("journalist"))
    page.get_by_role("link", name="Mon compte").click()
    page.fill("#id_name", "Carnet")
    page.fill("#id_expires_days", "30")
    page.get_by_role("button", name="Créer le jeton").click()
    token = page.locator("code.token-value").inner_text()
    assert re.fullmatch(r"[0-9a-f]{8}\.[\w-]{40,}", token)
    headers = {"Authorization": f"Token {token}"}
    assert page.request.get("/api/v1/saved-searches", headers=headers).status == 200

    page.get_by_role("link", name="API JSON de l'archive").click()
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.get_by_text("/api/v1/search", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/v1/saved-searches/{id}", exact=True).first).to_be_visible()
    assert violations == []

    page.goto("/compte/")
    expect(page.locator("code.token-value")).to_have_count(0)  # shown once only
    page.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_text("Jeton révoqué")).to_be_visible()
    refused = page.request.get("/api/v1/saved-searches", headers=headers)
    assert refused.status == 401
    assert refused.headers["content-type"] == "application/problem+json"
