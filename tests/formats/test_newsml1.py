import datetime

import pytest

from articles.formats import FormatError, read
from tests.formats.conftest import fixture_bytes


@pytest.fixture(scope="module")
def afp():
    result = read(fixture_bytes("afp-newsml1-fr.xml"))
    assert len(result.items) == 1
    return result.items[0]


def test_format_and_encoding():
    result = read(fixture_bytes("afp-newsml1-fr.xml"))
    assert (result.format, result.encoding) == ("newsml1", "utf-8")


def test_title(afp):
    assert afp.title == "Discours de politique générale de Jean-Marc Ayrault"


def test_title_is_not_derived(afp):
    assert afp.title_derived is False


def test_guid_is_the_item_id_without_its_revision(afp):
    # Revisions of one item share it: they are versions of one story.
    assert afp.guid == "urn:newsml:afp.com:20160312T143200Z:TX-PAR-FRA84"


def test_version_is_the_revision(afp):
    assert afp.version == 2


def test_urgency(afp):
    assert afp.urgency == 3


def test_slug(afp):
    assert afp.slug == "France-politique-gouvernement"


def test_dateline_place(afp):
    assert afp.dateline_place == "Paris"


def test_published_is_the_dateline_date(afp):
    assert afp.published == datetime.date(2016, 3, 12)


def test_published_at_is_this_revision_created(afp):
    assert afp.published_at == datetime.datetime(2016, 3, 12, 14, 32, tzinfo=datetime.UTC)


def test_agency(afp):
    assert afp.agency == "AFP"


def test_byline_without_par(afp):
    assert afp.byline == "Marion DUPRÉ"


def test_subjects_with_names_from_property_and_attribute(afp):
    assert afp.subjects == (("11000000", "politique"), ("11006000", "gouvernement"))


def test_genre(afp):
    assert afp.genre == "Current"


def test_language(afp):
    assert afp.language == "fr"


def test_status(afp):
    assert afp.status == "usable"


def test_not_annulled(afp):
    assert afp.annulled is False


def test_body_paragraphs_exactly(afp):
    paragraphs = afp.body.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Hier mardi, le chef du gouvernement français, M. Ayrault,")
    assert paragraphs[0].endswith("(donc l’Éducation Nationale) et la Justice.")
    assert paragraphs[3] == "Confiance votée"
    assert "544 votants & 527" in paragraphs[4]


def test_body_has_no_markup_and_no_layout_whitespace(afp):
    assert "<" not in afp.body
    assert "  " not in afp.body
    assert "\n" not in afp.body.replace("\n\n", "")


def test_the_photo_component_is_skipped(afp):
    assert "jpg" not in afp.body


def test_canceled_item_keeps_its_headline_as_body():
    item = read(fixture_bytes("afp-newsml1-canceled.xml")).items[0]
    assert (item.status, item.annulled) == ("canceled", True)
    assert (
        item.body
        == item.title
        == ("ANNULATION - Discours de politique générale de Jean-Marc Ayrault")
    )
    assert item.guid == "urn:newsml:afp.com:20160312T143200Z:TX-PAR-FRA84"
    assert item.version == 3


def _newsml(*items: str) -> bytes:
    return ("<NewsML Version='1.2'>" + "".join(items) + "</NewsML>").encode()


def _item(number: int, *, status: str = "Usable", body: str = "<p>Un texte.</p>") -> str:
    return f"""<NewsItem>
      <Identification><NewsIdentifier><ProviderId>afp.com</ProviderId>
        <DateId>20160312</DateId><NewsItemId>N{number}</NewsItemId><RevisionId>1</RevisionId>
      </NewsIdentifier></Identification>
      <NewsManagement><Status FormalName="{status}"/></NewsManagement>
      <NewsComponent><NewsLines><HeadLine>Titre {number}</HeadLine></NewsLines>
        <DescriptiveMetadata><Language FormalName="fr-FR"/></DescriptiveMetadata>
        <ContentItem><DataContent><nitf><body><body.content>{body}</body.content></body></nitf>
        </DataContent></ContentItem></NewsComponent></NewsItem>"""


def test_several_items_per_newsml_in_order():
    result = read(_newsml(_item(1), _item(2), _item(3)))
    assert [item.guid for item in result.items] == [
        "urn:newsml:afp.com:20160312:N1",
        "urn:newsml:afp.com:20160312:N2",
        "urn:newsml:afp.com:20160312:N3",
    ]
    assert [item.language for item in result.items] == ["fr", "fr", "fr"]


def test_withheld_item_without_text_says_annulee():
    data = _newsml(_item(1, status="Withheld", body="")).replace(b"Titre 1", b"")
    item = read(data).items[0]
    assert (item.status, item.title, item.body, item.title_derived) == (
        "withheld",
        "Annulée",
        "Annulée",
        True,
    )


def test_opener_in_the_first_paragraph_becomes_the_dateline():
    body = "<p>BEYROUTH, 12 mars 2016 (AFP) - Le texte commence ici.</p><p>Suite.</p>"
    item = read(_newsml(_item(1, body=body))).items[0]
    assert (item.dateline_place, item.published, item.agency) == (
        "Beyrouth",
        datetime.date(2016, 3, 12),
        "AFP",
    )
    assert item.body == "Le texte commence ici.\n\nSuite."


def test_item_without_body_names_the_item_and_what_to_do():
    with pytest.raises(FormatError) as caught:
        read(fixture_bytes("bad/newsml1-no-body.xml"))
    message = str(caught.value)
    assert message.startswith(
        "NewsML item urn:newsml:afp.com:20160312:TX-PAR-FRA90 has no body text:"
    )
    assert "ask the agency" in message


def test_a_newsml_without_items_is_refused():
    with pytest.raises(FormatError, match="holds no NewsItem"):
        read(b"<NewsML Version='1.2'><NewsEnvelope/></NewsML>")


def test_txt_named_newsml_is_read_as_newsml():
    result = read(fixture_bytes("newsml1-named.txt"), name="newsml1-named.txt")
    item = result.items[0]
    assert result.format == "newsml1"
    assert item.title == "Harcèlement sexuel : le nouveau projet de loi adopté par le Sénat"
    assert item.body.startswith("Le Sénat a adopté à l'unanimité ce jeudi")
    assert any("despite its name" in note for note in result.notes)


def test_naive_times_are_taken_as_utc_and_noted():
    result = read(fixture_bytes("newsml1-named.txt"))
    item = result.items[0]
    assert item.published_at == datetime.datetime(2012, 7, 12, 18, 30, tzinfo=datetime.UTC)
    assert "times without a time zone were taken as UTC (1 item)" in result.notes


def test_missing_language_is_detected_and_noted():
    result = read(fixture_bytes("newsml1-named.txt"))
    assert result.items[0].language == "fr"
    assert any(note.startswith("language detected from the text") for note in result.notes)


def test_offset_times_keep_their_zone():
    item = read(fixture_bytes("newsml1-declared-latin1.xml")).items[0]
    assert item.published_at.utcoffset() == datetime.timedelta(hours=1)
    assert item.published_at.isoformat() == "2012-11-06T20:15:00+01:00"
