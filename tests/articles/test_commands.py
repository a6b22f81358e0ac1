"""The archivists' command line: import_dispatches, and the demo loader."""

import pytest
from django.core.management import call_command

from articles.models import Article, Source

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
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "journaliste" in first and "archiviste" in first and "editeur" in first
    assert "journaliste" not in second
    from articles.management.commands.load_demo import FIXTURES
    from articles.parsing import parse_dispatches

    expected = sum(len(parse_dispatches(p.read_text("utf-8"))) for p in FIXTURES.glob("*.txt"))
    assert expected >= 9  # the reference file's two, and the story of versions' seven
    assert f"{expected} new" in first and f"0 new, {expected} already there" in second
    assert Article.objects.count() == expected
