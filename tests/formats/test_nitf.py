import datetime

import pytest

from articles.formats import read
from tests.formats.conftest import fixture_bytes


@pytest.fixture(scope="module")
def result():
    return read(fixture_bytes("nitf-fr.xml"))


@pytest.fixture(scope="module")
def item(result):
    assert len(result.items) == 1
    return result.items[0]


def test_format(result):
    assert result.format == "nitf"


def test_title_is_hl1_before_head_title(item):
    assert item.title == "Syrie : nouvelle avancée des rebelles à Saraqeb"


def test_guid_is_the_doc_id(item):
    assert item.guid == "AFP-NITF-20121102-SYR017"


def test_version_from_du_key(item):
    assert item.version == 4


def test_slug_from_du_key(item):
    assert item.slug == "Syrie-conflit-rebelles"


def test_urgency(item):
    assert item.urgency == 2


def test_published_at_from_date_issue(item):
    zone = datetime.timezone(datetime.timedelta(hours=1))
    assert item.published_at == datetime.datetime(2012, 11, 2, 17, 30, tzinfo=zone)


def test_published(item):
    assert item.published == datetime.date(2012, 11, 2)


def test_agency_is_the_copyright_holder(item):
    assert item.agency == "AFP"


def test_byline_without_job_title(item):
    assert item.byline == "Rami KHALIL"


def test_place_from_the_dateline_location(item):
    assert item.dateline_place == "Beyrouth"


def test_subjects_with_the_most_precise_name(item):
    assert item.subjects == (
        ("16000000", "conflits, guerres et paix"),
        ("16009000", "guerre"),
    )


def test_genre_from_tobject_property(item):
    assert item.genre == "current"


def test_status(item):
    assert item.status == "usable"


def test_language_detected_without_xml_lang(item, result):
    assert item.language == "fr"
    assert "language detected from the text, the metadata giving none (1 item)" in result.notes


def test_body_without_media_caption_or_tagline(item):
    paragraphs = item.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("L’armée syrienne et les rebelles se battent")
    assert paragraphs[2].endswith("d’être responsables des exécutions en question.")
    assert "Saraqeb\n" not in item.body
    assert "Une rue de Saraqeb" not in item.body
    assert "rk/ab" not in item.body


def test_xml_lang_on_nitf_and_a_head_title_only():
    data = """<nitf xml:lang="es-ES"><head><title>Un titular</title></head>
      <body><body.content><p>Un párrafo.</p></body.content></body></nitf>""".encode()
    item = read(data).items[0]
    assert (item.title, item.language, item.body) == ("Un titular", "es", "Un párrafo.")
