"""The watch folder: complete files are imported once, then filed in done/ or failed/."""

import os
import threading
import time
from pathlib import Path

import pytest

from articles import watching
from articles.importing import import_files
from articles.models import Article, ImportBatch
from tests.conftest import REFERENCE

GOOD = "Séisme au Japon\n\nTOKYO, 12 mars 2016 (AFP) - Un séisme a frappé le nord-est du Japon.\n"


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def aged(path: Path, seconds: float = 10) -> Path:
    """Make a file look written `seconds` ago (the sweep waits for files to settle)."""
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


@pytest.mark.parametrize(
    ("name", "temporary"),
    [
        ("depeche.txt", False),
        ("lot-2016.zip", False),
        (".depeche.txt", True),
        ("~depeche.txt", True),
        ("depeche.txt~", True),
        ("depeche.txt.part", True),
        ("depeche.tmp", True),
        ("depeche.txt.crdownload", True),
        (".depeche.txt.swp", True),
        ("#depeche.txt#", True),
    ],
)
def test_temporary_and_hidden_names_are_left_alone(name, temporary):
    assert watching.is_temporary(name) is temporary


def test_a_sweep_imports_complete_files_and_files_them(db, inbox):
    (inbox / "bon.txt").write_text(GOOD, "utf-8")
    (inbox / "vide.txt").write_bytes(b"")
    aged(inbox / "bon.txt")
    aged(inbox / "vide.txt")
    (inbox / "copie.txt.part").write_text(GOOD, "utf-8")
    (inbox / ".cache").write_text("x", "utf-8")
    report = watching.sweep(inbox, settle=0.2)
    assert (report.imported, report.failed) == (["bon.txt"], ["vide.txt"])
    assert (inbox / "done" / "bon.txt").exists()
    reason = (inbox / "failed" / "vide.txt.reason.txt").read_text("utf-8")
    assert reason.startswith("vide.txt: ") and "empty" in reason
    assert (inbox / "copie.txt.part").exists() and (inbox / ".cache").exists()
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.status, batch.files_done, batch.files_rejected) == ("done", 2, 1)
    assert Article.objects.get().title == "Séisme au Japon"
    assert watching.sweep(inbox, settle=0.2).batch_id is None  # nothing new: no batch


def test_a_file_still_being_written_waits_for_the_next_sweep(db, inbox):
    growing = inbox / "long.txt"
    growing.write_text(GOOD, "utf-8")

    def keep_writing():
        for _ in range(5):
            time.sleep(0.1)
            with growing.open("a", encoding="utf-8") as out:
                out.write("Une phrase de plus.\n")

    writer = threading.Thread(target=keep_writing)
    writer.start()
    report = watching.sweep(inbox, settle=0.4)
    writer.join()
    assert report.waiting == ["long.txt"] and not report.imported
    assert not Article.objects.exists()
    aged(growing)
    assert watching.sweep(inbox, settle=0.2).imported == ["long.txt"]


def test_a_file_left_half_imported_by_a_killed_sweep_is_imported_once(db, inbox):
    claimed = inbox / "processing"
    claimed.mkdir()
    path = claimed / "reference.txt"
    path.write_bytes(REFERENCE.read_bytes())
    import_files(paths=[path])  # the killed sweep had saved it, not moved it
    assert Article.objects.count() == 2
    report = watching.sweep(inbox, settle=0)
    assert report.imported == ["reference.txt"]
    assert Article.objects.count() == 2  # duplicates, not new articles
    assert (inbox / "done" / "reference.txt").exists() and not path.exists()
    assert ImportBatch.objects.get(pk=report.batch_id).duplicates == 2


def test_a_missing_folder_says_so(db, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        watching.sweep(tmp_path / "nowhere", settle=0)
