"""An archivist uploads a zip of dispatches and watches it import, in a real browser."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_archivist_uploads_a_zip_and_sees_the_report(page, e2e_worker, reference_path, tmp_path):
    archive = tmp_path / "depeches.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(reference_path, "depeches/reference.txt")
        bundle.writestr("depeches/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary")
        bundle.writestr(
            "depeches/breve.txt",
            "Moscou et Ankara se réconcilient\n\nMOSCOU, 9 août 2016 (AFP) - Le président turc "
            "Recep Tayyip Erdogan a rencontré Vladimir Poutine à Saint-Pétersbourg.\n",
        )
    log_in(page, make_user("archivist"))
    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Nouvel import").click()
    page.set_input_files("input[name=files]", str(archive))
    page.fill("input[name=source]", "AFP")
    page.get_by_role("button", name="Importer").click()

    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("#batch-percent")).to_have_text("100 %", timeout=60_000)
    table = page.locator("#batch-files-table")
    expect(table).to_contain_text("depeches/reference.txt")
    rejected = table.locator("tr.rejected")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("image.txt")
    expect(rejected).to_contain_text("fichier binaire")  # the reason, in the page's French
    expect(page.locator("#batch-articles")).to_have_text("3")
    assert Article.objects.count() == 3
    # Then the page follows the worker's tagging, without a reload.
    expect(page.locator("#tagging-tagged")).to_have_text("3", timeout=240_000)
    expect(page.locator("#tagging-pending")).to_have_text("0")
    expect(page.locator("#tagging-failed")).to_have_text("0")
    expect(page.locator("#tagging-state")).to_have_text("— terminé")

    page.get_by_role("link", name="Des médecins d'Alep impuissants face à la mort").click()
    expect(page.locator("h1")).to_contain_text("Des médecins d'Alep")
    expect(page.locator(".body")).to_contain_text("L'appel russe resté lettre morte")


def test_journalist_cannot_reach_the_admin_or_the_upload_page(page, phone):
    journalist = make_user("journalist")
    log_in(page, journalist)
    expect(page.get_by_role("link", name="Imports")).to_have_count(0)
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    response = page.goto("/imports/new/")
    assert response.status == 403
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator("body")).to_contain_text("n’êtes pas autorisé")

    log_in(phone, journalist)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
