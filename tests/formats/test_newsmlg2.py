import datetime

import pytest

from articles.formats import FormatError, read
from tests.formats.conftest import fixture_bytes


@pytest.fixture(scope="module")
def message():
    return read(fixture_bytes("newsmlg2-message.xml"))


@pytest.fixture(scope="module")
def usable(message):
    return message.items[0]


@pytest.fixture(scope="module")
def english():
    return read(fixture_bytes("newsmlg2-english.xml")).items[0]


def test_two_items_in_order(message):
    assert message.format == "newsmlg2"
    assert [item.status for item in message.items] == ["usable", "canceled"]


def test_title_is_the_headline(usable):
    assert usable.title == "France : PSA va supprimer 8 000 emplois"


def test_guid(usable):
    assert usable.guid == "urn:newsml:afp.com:20120712T090000Z:TX-PAR-ECO12"


def test_version(usable):
    assert usable.version == 1


def test_urgency(usable):
    assert usable.urgency == 2


def test_slug(usable):
    assert usable.slug == "France-auto-emploi-PSA"


def test_byline(usable):
    assert usable.byline == "Luc MARTIN"


def test_place_from_located(usable):
    assert usable.dateline_place == "Paris"


def test_published(usable):
    assert usable.published == datetime.date(2012, 7, 12)


def test_published_at_is_version_created(usable):
    zone = datetime.timezone(datetime.timedelta(hours=2))
    assert usable.published_at == datetime.datetime(2012, 7, 12, 11, 0, tzinfo=zone)


def test_agency_from_info_source(usable):
    assert usable.agency == "AFP"


def test_subjects_codes_names_and_literals(usable):
    assert usable.subjects == (
        ("04000000", "économie et finances"),
        ("medtop:20000568", "industrie automobile"),
        ("", "PSA Peugeot Citroën"),
    )


def test_genre_is_the_code(usable):
    assert usable.genre == "Current"


def test_language_tag_to_iso_639_1(usable):
    assert usable.language == "fr"


def test_xhtml_body_with_line_break(usable):
    paragraphs = usable.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("L'annonce est tombée ce matin, l'entreprise PSA")
    assert "au cœur du tissu industriel français »" in paragraphs[1]
    assert "productif,\nqui a déclaré au Sénat" in paragraphs[2]
    assert "PSA va supprimer 8 000 emplois\n" not in usable.body  # the XHTML <title> is dropped


def test_canceled_item_keeps_its_short_notice(message):
    canceled = message.items[1]
    assert canceled.annulled
    assert canceled.body == "Cette dépêche est annulée. Merci de ne pas l'utiliser."
    assert canceled.title.startswith("ANNULATION - PSA")
    assert canceled.version == 2
    assert canceled.agency == "AFP"


def test_english_item(english):
    assert english.title == "French Senate adopts new sexual harassment bill"
    assert english.language == "en"
    assert english.byline == "Anne WRIGHT"
    assert english.agency == "AFP"
    assert english.version == 3
    assert english.urgency == 4
    assert english.subjects == (("02000000", "crime, law and justice"),)


def test_english_dateline_is_read(english):
    assert (english.dateline_place, english.published) == ("Paris", datetime.date(2012, 7, 12))


def test_english_nitf_body(english):
    assert english.body.split("\n\n") == [
        "The French Senate on Thursday unanimously adopted the new bill on sexual harassment, "
        "two months after the Constitutional Council struck down the previous law.",
        "The new text, passed under the fast-track procedure, defines the offence of sexual "
        "harassment more precisely and makes the penalties heavier.",
    ]


G2 = "http://iptc.org/std/nar/2006-10-01/"


def test_an_item_without_pub_status_is_usable_and_its_language_detected():
    data = f"""<newsItem xmlns="{G2}" guid="g1" version="1">
      <contentMeta><headline>Las lluvias obligan a evacuar a miles de personas</headline>
      </contentMeta>
      <contentSet><inlineData>Las inundaciones obligan a miles de personas a abandonar sus
        casas en el sur del país, según las autoridades.</inlineData></contentSet>
    </newsItem>""".encode()
    item = read(data).items[0]
    assert (item.status, item.language) == ("usable", "es")


def test_packages_are_left_out_and_noted():
    data = f"""<newsMessage xmlns="{G2}"><itemSet>
      <packageItem guid="p"/>
      <newsItem guid="g2"><contentSet><inlineData>Un texte.</inlineData></contentSet></newsItem>
    </itemSet></newsMessage>""".encode()
    result = read(data)
    assert [item.guid for item in result.items] == ["g2"]
    assert result.items[0].title == "Un texte"
    assert result.items[0].title_derived
    assert "<packageItem> members ignored: only newsItems carry news text" in result.notes


def test_a_usable_item_without_content_is_refused():
    data = f"<newsItem xmlns='{G2}' guid='urn:x:1'><contentSet/></newsItem>".encode()
    with pytest.raises(FormatError, match=r"^NewsML-G2 item urn:x:1 has no body text: "):
        read(data)


def test_a_message_without_items_is_refused():
    with pytest.raises(FormatError, match="holds no newsItem"):
        read(f"<newsMessage xmlns='{G2}'><header/></newsMessage>".encode())


def test_an_english_dateline_without_place():
    data = f"""<newsItem xmlns="{G2}" guid="g3"><contentMeta><language tag="en"/>
      <dateline>July 12, 2012 (Reuters) -</dateline></contentMeta>
      <contentSet><inlineData>A text.</inlineData></contentSet></newsItem>""".encode()
    item = read(data).items[0]
    assert (item.dateline_place, item.published, item.agency) == (
        "",
        datetime.date(2012, 7, 12),
        "Reuters",
    )
