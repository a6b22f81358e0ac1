"""GET /api/v1/articles/{id} and /api/v1/entities/{slug}: what their pages show, in JSON."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from articles import stories
from articles.importing import import_files
from articles.models import Article, EntityAlias, Quote, Source
from tests.api.conftest import token_client
from tests.search.conftest import entity, make_article, mention
from tests.search.test_stories import VERSIONS

pytestmark = pytest.mark.django_db

BODY = (
    "Bachar al-Assad a reçu Vladimir Poutine à Damas. « Nous ne céderons pas », a déclaré "
    "Bachar al-Assad devant la presse."
)


@pytest.fixture
def api(journalist):
    return token_client(journalist)[0]


@pytest.fixture
def tagged():
    article = make_article(
        source=Source.objects.create(name="AFP"),
        title="Visite à Damas",
        body=BODY,
        byline="Karam AL MASRI",
        dateline_place="DAMAS",
    )
    assad, poutine, damas = (
        entity("PER", "Bachar al-Assad"),
        entity("PER", "Vladimir Poutine"),
        entity("LOC", "Damas"),
    )
    mention(article, assad, "Bachar al-Assad")
    mention(article, assad, "Bachar al-Assad", occurrence=1)
    mention(article, poutine, "Vladimir Poutine")
    mention(article, damas, "Damas")
    mention(article, damas, "presse", rejected=True)
    start = BODY.index("Nous")
    Quote.objects.create(
        article=article,
        start=start,
        end=start + len("Nous ne céderons pas"),
        speaker=assad,
        speaker_text="Bachar al-Assad",
        verb="déclaré",
    )
    Quote.objects.create(article=article, start=0, end=6, rejected=True)
    EntityAlias.objects.create(entity=assad, key="assad", surface="Assad", kind="PER")
    return article, assad


def test_an_article_has_its_text_metadata_entities_with_offsets_and_quotes(api, tagged):
    article, assad = tagged
    response = api.get(reverse("api:article", args=[article.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == BODY
    assert (body["title"], body["source"], body["byline"], body["dateline_place"]) == (
        "Visite à Damas",
        "AFP",
        "Karam AL MASRI",
        "DAMAS",
    )
    assert body["page_url"].endswith(article.get_absolute_url())
    spans = [(m["start"], m["end"], m["entity"]["name"]) for m in body["entities"]]
    assert spans == sorted(spans)
    assert len(spans) == 4  # the rejected mention is left out
    for found in body["entities"]:
        assert BODY[found["start"] : found["end"]] == found["surface"]
    assert body["entities"][0]["entity"]["url"].endswith(reverse("api:entity", args=[assad.slug]))
    [quote] = body["quotes"]
    assert quote["words"] == "Nous ne céderons pas"
    assert BODY[quote["start"] : quote["end"]] == quote["words"]
    assert quote["speaker"]["slug"] == assad.slug and quote["verb"] == "déclaré"
    assert body["story"]["id"] == article.story_id
    assert [v["id"] for v in body["story"]["versions"]] == [article.pk]


def test_an_article_lists_its_storys_versions_in_order(api):
    report = import_files(paths=[Path(VERSIONS)])
    stories.group_articles([pk for f in report.files for pk in f.article_ids])
    lead = Article.objects.get(version_kind="lead")
    body = api.get(reverse("api:article", args=[lead.pk])).json()
    versions = body["story"]["versions"]
    expected = Article.objects.filter(story=lead.story).order_by("version_rank", "pk")
    assert [v["id"] for v in versions] == [a.pk for a in expected]
    assert [v["label"] for v in versions][:2] == ["Urgent", "1er lead"]
    assert "Rectificatif" in [v["label"] for v in versions]
    correction = Article.objects.get(version_kind="correction")
    assert body["story"]["corrected_by"] == correction.pk
    assert body["version_label"] == "1er lead"
    assert {v["source"] for v in versions} == {"AFP", "Reuters"}


def test_an_entity_has_its_aliases_mentions_over_time_and_companions(api, tagged):
    article, assad = tagged
    Article.objects.filter(pk=article.pk).update(published_on="2016-08-11")
    response = api.get(reverse("api:entity", args=[assad.slug]))
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["name"], body["mention_count"]) == ("PER", "Bachar al-Assad", 2)
    assert body["aliases"] == [{"surface": "Assad", "curated": False}]
    assert body["mentions_over_time"] == [{"month": "2016-08-01", "count": 1}]
    assert [(c["name"], c["shared"]) for c in body["co_mentioned"]] == [
        ("Damas", 1),
        ("Vladimir Poutine", 1),
    ]
    assert body["quotes"] == [
        {"article": article.pk, "words": "Nous ne céderons pas", "verb": "déclaré"}
    ]
    search = urlparse(body["search_url"])
    assert search.path == reverse("api:search")
    assert parse_qs(search.query) == {"person": ["Bachar al-Assad"]}


def test_unknown_ids_and_slugs_are_404_problems(api, tagged):
    for url in (
        reverse("api:article", args=[tagged[0].pk + 1000]),
        reverse("api:entity", args=["personne-inconnue"]),
        "/api/v1/articles/abc",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
