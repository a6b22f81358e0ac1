"""The archivists' command line: import_dispatches, and the demo loader."""

import pytest
from django.core.management import call_command

from articles.models import Article, ImportBatch, Source

pytestmark = pytest.mark.django_db


def test_import_command_summarises_and_exits_zero(reference_path, capsys):
    call_command("import_dispatches", str(reference_path), "--source", "AFP")
    out = capsys.readouterr().out
    assert "1 files: 2 articles created, 0 duplicates, 0 rejected" in out
    assert set(Article.objects.values_list("source__name", flat=True)) == {"AFP"}


def test_import_command_exits_one_and_names_rejected_files(reference_path, tmp_path, capsys):
    bad = tmp_path / "image.txt"
    bad.write_bytes(b"\x00\x01binary")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_dispatches", str(reference_path), str(bad))
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "2 files: 2 articles created, 0 duplicates, 1 rejected" in captured.out
    assert f"rejected {bad}: this looks like a binary file" in captured.err
    assert Article.objects.count() == 2


def test_import_command_reports_duplicates_on_second_run(reference_path, capsys):
    call_command("import_dispatches", str(reference_path), "--source", "afp")
    call_command("import_dispatches", str(reference_path), "--source", "AFP")
    assert "0 articles created, 2 duplicates" in capsys.readouterr().out
    assert Source.objects.count() == 1


def test_import_command_forced_encoding(tmp_path, capsys):
    path = tmp_path / "latin.txt"
    path.write_bytes("Titre été\n\n(AFP) - Un corps déjà là.\n".encode("cp1252"))
    with pytest.raises(SystemExit):
        call_command("import_dispatches", str(path), "--encoding", "utf-8")
    assert "not valid utf-8 at line 1" in capsys.readouterr().err
    call_command("import_dispatches", str(path), "--encoding", "cp1252")
    assert Article.objects.get().title == "Titre été"


def test_load_demo_is_idempotent_and_prints_passwords_once(capsys):
    from articles.demo import REFERENCE_DIR, WIKINEWS_ATTRIBUTION, WIKINEWS_DIR
    from articles.parsing import parse_dispatches

    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "journaliste" in first and "archiviste" in first and "editeur" in first
    assert "journaliste" not in second
    reference = REFERENCE_DIR.glob("*.txt")
    expected = sum(len(parse_dispatches(p.read_text("utf-8"))) for p in reference)
    assert expected >= 9  # the reference file's two, and the story of versions' seven
    assert f"Demo dispatches: {expected} new" in first
    assert f"Demo dispatches: 0 new, {expected} already there" in second
    assert "Wikinews dispatches" in first and ": 70 new, 0 already there, import #" in first
    assert ": 0 new, 70 already there." in second
    assert Article.objects.count() == expected + 70
    assert len(list(WIKINEWS_DIR.glob("*.txt"))) == 70

    wikinews = Source.objects.get(name="Wikinews")
    assert wikinews.attribution == WIKINEWS_ATTRIBUTION
    assert wikinews.attribution_url.startswith("https://creativecommons.org/licenses/by/2.5/")
    # Imported as an archivist's batch, waiting for the workers like any import.
    batch = ImportBatch.objects.get()
    assert batch.source == wikinews and batch.created_by.username == "archiviste"
    assert (batch.status, batch.files_done, batch.articles_created) == ("done", 70, 70)
    assert batch.articles.filter(tagging_status=Article.Tagging.PENDING).count() == 70
    thierry = batch.articles.get(title="France : disparition de Thierry Roland")
    assert str(thierry.published_on) == "2012-06-16"
    assert thierry.body.startswith("Le journaliste et commentateur sportif Thierry Roland")
    assert not batch.articles.filter(title__icontains="Wikinews (fr").exists()  # no README


def test_demo_dispatches_are_credited_on_their_pages(client, journalist):
    call_command("load_demo")
    client.force_login(journalist)
    wikinews = Article.objects.filter(source__name="Wikinews").first()
    afp = Article.objects.filter(source__name="AFP").first()
    assert "Wikinews (fr.wikinews.org), CC BY 2.5</a>" in client.get(
        wikinews.get_absolute_url()
    ).content.decode("utf-8")
    assert 'class="attribution"' not in client.get(afp.get_absolute_url()).content.decode()
