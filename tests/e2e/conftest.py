"""Real Chromium (Debian's) driven by Playwright against a live server on loopback."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import redis
from django.db import transaction
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from articles.importing import import_files
from articles.models import Article, Source
from search.indexing import find_drift
from tests.conftest import REFERENCE, REPO, TEST_REDIS_URL, user_in
from tests.engines import engine_index, search_url_of
from tests.integration.conftest import WorkerProcess, wait_for

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


def open_tab(browser, live_server, **options):
    """A tab of a new browser context on the live server, in French; closed after."""
    # Chromium asks for its own locale (en-US) by default; the archive's users read French.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    yield from open_tab(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, live_server) -> Page:
    yield from open_tab(
        browser, live_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )


def make_user(role: str | None, *, staff: bool = False):
    return user_in(role, is_staff=staff or role is None, is_superuser=role is None)


def log_in(page: Page, user) -> None:
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def csp_violations(page: Page) -> list[str]:
    """Collect the page's console reports of Content-Security-Policy violations from now on."""
    found: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", record)
    return found


@pytest.fixture
def e2e_engine() -> str:
    """Whoosh, unless a test parametrises `e2e_engine` with the engines it runs on."""
    return "whoosh"


@pytest.fixture
def e2e_index(tmp_path, e2e_engine):
    """An index of the test's own: the live server reads it, the worker writes it."""
    with engine_index(e2e_engine, tmp_path / "whoosh") as backend:
        yield search_url_of(backend)


@pytest.fixture
def e2e_worker(transactional_db, tmp_path, e2e_index):
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    process = WorkerProcess(tmp_path, SEARCH_URL=e2e_index)
    process.start()
    yield process
    process.stop()


@dataclass
class Reference:
    """The two reference dispatches, tagged by the worker and in the index."""

    turkey: Article
    aleppo: Article


def wait_until_indexed(worker: WorkerProcess, ids: list[int]) -> None:
    """Wait for the worker to tag the articles and bring the index up to date with them."""

    def settled() -> bool:
        tagged = Article.objects.filter(pk__in=ids, tagging_status=Article.Tagging.DONE).count()
        return tagged == len(ids) and find_drift().clean

    wait_for(settled, timeout=240, what=f"tagging and indexing\n{worker.log()[-3000:]}")


@pytest.fixture
def reference(e2e_worker) -> Reference:
    """Import the reference dispatches (dated a month apart) and let the worker do the rest."""
    with transaction.atomic():
        report = import_files(paths=[REFERENCE], source=Source.objects.create(name="AFP"))
        turkey, aleppo = Article.objects.filter(pk__in=report.files[0].article_ids).order_by("pk")
        Article.objects.filter(pk=turkey.pk).update(published_on=date(2016, 8, 11))
        Article.objects.filter(pk=aleppo.pk).update(published_on=date(2016, 7, 28))
    wait_until_indexed(e2e_worker, [turkey.pk, aleppo.pk])
    turkey.refresh_from_db()
    aleppo.refresh_from_db()
    return Reference(turkey=turkey, aleppo=aleppo)
