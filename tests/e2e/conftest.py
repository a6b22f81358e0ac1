"""Real Chromium (Debian's) driven by Playwright against a live server on loopback."""

import os
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import REPO, TEST_REDIS_URL, user_in
from tests.integration.conftest import WorkerProcess

# Playwright runs an event loop in this thread; Django's ORM calls from tests stay sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = REPO / "test-results" / "screenshots"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test` (it installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "page" in item.funcargs:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{item.name}.png"
        item.funcargs["page"].screenshot(path=str(path), full_page=True)
        report.sections.append(("screenshot", str(path)))
    return report


@pytest.fixture
def page(browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_server) -> Page:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def make_user(role: str | None, *, staff: bool = False):
    return user_in(role, is_staff=staff or role is None, is_superuser=role is None)


def log_in(page: Page, user) -> None:
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def e2e_worker(transactional_db, tmp_path, settings):
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    process = WorkerProcess(tmp_path)
    process.start()
    yield process
    process.stop()
