"""Import service against PostgreSQL: dedup, rejected files, zips, nothing half saved."""

import io
import zipfile
from pathlib import Path

import pytest
from django.db import IntegrityError

from articles import importing
from articles.importing import import_files
from articles.models import Article, ImportBatch, ImportFileResult, Source

pytestmark = pytest.mark.django_db

TWO_DISPATCHES = (
    "Un premier titre\n\nPARIS, 12 mars 2016 (AFP) - Le premier corps de texte est ici.\n\n"
    "Un second titre\n\nBEYROUTH (AFP) - Le second corps de texte est là.\n"
)


@pytest.fixture
def afp():
    return Source.objects.create(name="AFP")


def write(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_reference_file_gives_the_two_reference_articles(reference_path, afp):
    report = import_files(paths=[reference_path], source=afp)
    assert report.articles_created == 2 and not report.rejected
    first, second = Article.objects.order_by("pk")
    assert first.title_derived and first.title.startswith("La Turquie appelle la Russie")
    assert second.title == "Des médecins d'Alep impuissants face à la mort"
    assert not second.title_derived
    assert second.byline == "Karam AL MASRI, Rouba HUSSEINI"
    assert second.dateline_place == "Alep"
    assert "L'appel russe resté lettre morte" in second.body
    assert second.body in reference_path.read_text(encoding="utf-8")
    assert report.files[0].encoding == "utf-8"


def test_reimporting_the_same_dispatches_is_a_no_op(reference_path, tmp_path, afp):
    import_files(paths=[reference_path], source=afp)
    crlf = write(
        tmp_path / "crlf.txt",
        reference_path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp1252"),
    )
    report = import_files(paths=[reference_path, crlf], source=afp)
    assert report.articles_created == 0
    assert report.duplicates == 4
    assert report.files[1].encoding == "cp1252"
    assert Article.objects.count() == 2


def test_duplicate_inside_one_file_is_saved_once(tmp_path, afp):
    path = write(tmp_path / "twice.txt", TWO_DISPATCHES + "\n---\n" + TWO_DISPATCHES)
    report = import_files(paths=[path], source=afp)
    assert (report.articles_created, report.duplicates) == (2, 2)


def test_source_comes_from_the_opener_when_not_given(tmp_path):
    path = write(
        tmp_path / "mixed.txt",
        "Titre un\n\nLONDRES (Reuters) - Un texte.\n\n"
        "Titre deux\n\nPARIS (AFP) - Un autre texte.\n",
    )
    import_files(paths=[path])
    assert sorted(Article.objects.values_list("source__name", flat=True)) == ["AFP", "Reuters"]


def test_bad_files_are_reported_by_name_and_good_ones_imported(tmp_path, afp, settings):
    settings.IMPORT_MAX_FILE_BYTES = 10_000
    good = write(tmp_path / "in" / "good.txt", TWO_DISPATCHES)
    write(tmp_path / "in" / "empty.txt", b"")
    write(
        tmp_path / "in" / "photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
    )
    write(tmp_path / "in" / "huge.txt", "a" * 10_001)
    write(tmp_path / "in" / "broken.txt", "é\n".encode() + b"caf\xe9\n")
    write(tmp_path / "in" / ".hidden.txt", TWO_DISPATCHES)
    report = import_files(paths=[tmp_path / "in", tmp_path / "missing.txt"], source=afp)
    reasons = {Path(f.name).name: f.reason for f in report.files}
    assert reasons["good.txt"] == ""
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["photo.txt"]
    assert "over the" in reasons["huge.txt"] and "split" in reasons["huge.txt"]
    assert "line 2" in reasons["broken.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert ".hidden.txt" not in reasons
    assert Article.objects.count() == 2
    assert set(Article.objects.values_list("source_file", flat=True)) == {str(good)}


def test_batch_records_one_result_row_per_file(tmp_path, afp):
    batch = ImportBatch.objects.create(source=afp, files_total=2)
    good = write(tmp_path / "good.txt", TWO_DISPATCHES)
    bad = write(tmp_path / "bad.txt", b"\x00\x01\x02")
    import_files(paths=[good, bad], source=afp, batch=batch, names=["good.txt", "bad.txt"])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.files_done, batch.files_rejected, batch.articles_created) == (2, 1, 2)
    assert batch.progress_percent == 100
    rows = {r.name: r for r in batch.files.all()}
    assert rows["good.txt"].status == ImportFileResult.Status.IMPORTED
    assert rows["good.txt"].articles_created == 2
    assert rows["bad.txt"].status == ImportFileResult.Status.REJECTED
    assert "NUL" in rows["bad.txt"].reason
    assert set(batch.articles.values_list("source_file", flat=True)) == {"good.txt"}


def make_zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")
    return path


def test_zip_members_are_imported_and_unsafe_ones_refused(tmp_path, afp):
    archive = make_zip(
        tmp_path / "batch.zip",
        {
            "a/one.txt": TWO_DISPATCHES.encode(),
            "../escape.txt": b"Titre\n\n(AFP) - Evasion.\n",
            "/abs.txt": b"Titre\n\n(AFP) - Absolu.\n",
            "inner.zip": b"PK\x03\x04",
        },
        symlink="link.txt",
    )
    report = import_files(paths=[archive], source=afp)
    reasons = {f.name: f.reason for f in report.files}
    assert reasons[f"{archive}/a/one.txt"] == ""
    assert "unsafe path" in reasons[f"{archive}/../escape.txt"]
    assert "unsafe path" in reasons[f"{archive}//abs.txt"]
    assert "symbolic link" in reasons[f"{archive}/link.txt"]
    assert "nested archive" in reasons[f"{archive}/inner.zip"]
    assert Article.objects.count() == 2
    assert not (tmp_path.parent / "escape.txt").exists()


def test_zip_with_too_many_files_is_refused_whole(tmp_path, afp, settings):
    settings.IMPORT_MAX_ZIP_MEMBERS = 3
    archive = make_zip(
        tmp_path / "many.zip", {f"{n}.txt": TWO_DISPATCHES.encode() for n in range(4)}
    )
    report = import_files(paths=[archive], source=afp)
    assert len(report.files) == 1
    assert "4 files, over the limit of 3" in report.files[0].reason
    assert Article.objects.count() == 0


def test_zip_bomb_is_refused_without_unpacking_it(tmp_path, afp, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1_000_000
    settings.IMPORT_MAX_ZIP_BYTES = 5_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * 50_000_000)
    bomb = write(tmp_path / "bomb.zip", buffer.getvalue())
    assert bomb.stat().st_size < 100_000
    report = import_files(paths=[bomb], source=afp)
    assert "unpacks to 48 MB" in report.files[0].reason
    settings.IMPORT_MAX_ZIP_BYTES = 100_000_000
    report = import_files(paths=[bomb], source=afp)
    assert "over the 1 MB limit" in report.files[0].reason


def test_a_file_that_fails_to_save_leaves_nothing_half_saved(tmp_path, afp, monkeypatch):
    path = write(tmp_path / "two.txt", TWO_DISPATCHES)
    real_bulk_create = Article.objects.bulk_create

    def fail_after_first_row(objs, **kwargs):
        real_bulk_create(objs[:1], **kwargs)
        raise IntegrityError("simulated crash in the middle of the file")

    monkeypatch.setattr(Article.objects, "bulk_create", fail_after_first_row)
    other = write(tmp_path / "other.txt", "Autre\n\n(AFP) - Un autre texte complet.\n")
    report = import_files(paths=[path, other], source=afp)
    assert all(f.rejected for f in report.files)
    assert "import it again" in report.files[0].reason
    assert Article.objects.count() == 0


def test_hostile_html_is_kept_verbatim_as_text(tmp_path, afp):
    hostile = "<script>alert('x')</script> titre\n\n(AFP) - <img src=x onerror=alert(1)> corps.\n"
    import_files(paths=[write(tmp_path / "evil.txt", hostile)], source=afp)
    article = Article.objects.get()
    assert article.title == "<script>alert('x')</script> titre"
    assert article.body == "<img src=x onerror=alert(1)> corps."


def test_count_input_files_counts_zip_members_without_reading(tmp_path):
    make_zip(tmp_path / "in" / "z.zip", {"a.txt": b"x", "b/c.txt": b"y"})
    write(tmp_path / "in" / "d.txt", "z")
    assert importing.count_input_files([tmp_path / "in"]) == 3


def test_imported_articles_are_queued_for_tagging_in_full_batches(
    tmp_path, afp, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # Five one-dispatch files: tasks of two, two and the last one, not five of one.
    settings.TAGGING_BATCH_SIZE = 2
    sent = []
    monkeypatch.setattr("articles.tagging.send_tagging_tasks", sent.append)
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text(
            f"Dépêche {n}\n\nPARIS, {n + 1} mars 2016 (AFP) - Texte numéro {n} de la dépêche.\n",
            encoding="utf-8",
        )
    with django_capture_on_commit_callbacks(execute=True):
        report = import_files(paths=sorted(tmp_path.glob("*.txt")), source=afp)
    ids = [pk for file in report.files for pk in file.article_ids]
    assert len(ids) == 5
    assert sent == [ids[:2], ids[2:4], ids[4:]]
