"""Wire-format files through the importer: what each saves, versions by item id, languages,
and bad files rejected by name while the others are imported."""

from pathlib import Path

import pytest

from articles import stories
from articles.importing import import_files
from articles.models import Article, ImportBatch, ImportFileResult, Source
from articles.tagging import tag_articles
from tests.conftest import REPO

FORMATS = REPO / "fixtures" / "formats"


def saved(name: str) -> list[Article]:
    return list(Article.objects.filter(source_file__endswith=name).order_by("pk"))


@pytest.fixture
def wire(db):
    report = import_files(
        paths=sorted(p for p in FORMATS.iterdir() if p.is_file() and p.suffix != ".md")
    )
    return {Path(f.name).name: f for f in report.files}


def test_each_format_is_recorded_and_its_items_saved(wire):
    formats = {name: f.format for name, f in wire.items()}
    assert formats["afp-newsml1-fr.xml"] == "newsml1"
    assert formats["newsml1-named.txt"] == "newsml1"  # by content, not by name
    assert formats["newsmlg2-message.xml"] == "newsmlg2"
    assert formats["nitf-fr.xml"] == "nitf"
    assert formats["iptc7901-stream-cp1252.txt"] == "iptc7901"
    assert wire["newsml1-declared-latin1.xml"].encoding.startswith("utf-8 (declared")
    assert not [name for name, f in wire.items() if f.rejected and name != "hostile-newsml1.xml"]
    assert len(saved("iptc7901-stream-cp1252.txt")) == 3
    assert not Article.objects.filter(body__contains="Ã").exists()  # no mojibake
    hostile = saved("hostile-newsml1.xml")
    assert hostile and not any("<script" in a.body or "onload" in a.body for a in hostile)


def test_an_afp_newsml_item_gives_its_wire_fields(wire):
    (article,) = saved("afp-newsml1-fr.xml")
    assert article.title == "Discours de politique générale de Jean-Marc Ayrault"
    assert (article.dateline_place, str(article.published_on)) == ("Paris", "2016-03-12")
    assert article.published_at.isoformat() == "2016-03-12T14:32:00+00:00"
    assert article.slug == "France-politique-gouvernement"
    assert (article.item_version, article.urgency) == (2, 3)
    assert article.guid == "urn:newsml:afp.com:20160312T143200Z:TX-PAR-FRA84"
    assert ["11000000", "politique"] in article.subjects
    assert (article.language, article.source_format, article.source.name) == (
        "fr",
        "newsml1",
        "AFP",
    )
    assert "\n\n" in article.body and "<" not in article.body


def test_a_canceled_revision_annuls_the_item_it_revises(wire):
    (usable,) = saved("afp-newsml1-fr.xml")
    (canceled,) = saved("afp-newsml1-canceled.xml")
    assert canceled.version_kind == "annulment" and canceled.wire_status == "canceled"
    stories.group_articles([usable.pk, canceled.pk])
    usable.refresh_from_db()
    canceled.refresh_from_db()
    assert usable.story_id == canceled.story_id  # one item id: one story, whatever the text
    assert usable.annulled and not usable.is_current_version


def test_only_french_dispatches_are_tagged(wire):
    english = Article.objects.get(source_file__endswith="newsmlg2-english.xml")
    assert (english.language, english.tagging_status) == ("en", Article.Tagging.SKIPPED)
    report = tag_articles(article_ids=[english.pk], force=True)
    assert report.tagged == [] and not english.mentions.exists()
    french = Article.objects.filter(language="fr")
    assert french.exists() and not french.filter(tagging_status=Article.Tagging.SKIPPED).exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("billion-laughs.xml", "entit"),
        ("external-entity.xml", "entit"),
        ("malformed.xml", "line"),
        ("truncated.xml", "line"),
        ("unknown-rss.xml", "unknown XML document <rss>"),
        ("newsml1-no-body.xml", "has no body text"),
        ("iptc7901-missing-etx.txt", "ETX"),
        ("empty.txt", "empty"),
        ("binary.bin", "binary"),
    ],
)
def test_a_bad_file_is_rejected_by_name_and_the_others_are_imported(db, tmp_path, name, reason):
    good = tmp_path / "bon.xml"
    good.write_bytes((FORMATS / "afp-newsml1-fr.xml").read_bytes())
    source = Source.objects.create(name="AFP")
    batch = ImportBatch.objects.create(source=source)
    report = import_files(paths=[FORMATS / "bad" / name, good], batch=batch)
    bad, ok = report.files
    assert bad.rejected and reason.lower() in bad.reason.lower(), bad.reason
    assert not ok.rejected and len(ok.article_ids) == 1
    row = ImportFileResult.objects.get(batch=batch, name__endswith=name)
    assert row.status == "rejected" and row.reason == bad.reason
    assert ImportFileResult.objects.get(batch=batch, name__endswith="bon.xml").format == "newsml1"


def test_a_huge_xml_file_is_rejected_with_its_size(db, tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 50 * 1024 * 1024
    huge = tmp_path / "enorme.xml"
    with huge.open("wb") as out:
        out.write(b'<?xml version="1.0"?><NewsML Version="1.2">')
        out.write(b"<!-- " + b"x" * (21 * 1024 * 1024) + b" -->")
        out.write(b"</NewsML>")
    report = import_files(paths=[huge])
    assert report.files[0].rejected and "MB" in report.files[0].reason
