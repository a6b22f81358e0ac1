"""Pages and uploads through Django's test client, role by role."""

import io
import zipfile

import pytest
from django.urls import reverse

from articles.models import Article, ImportBatch, ImportFileResult
from tests.factories import ArticleFactory, EntityFactory, MentionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:list"),
        reverse("articles:upload"),
        reverse("articles:batches"),
        reverse("search:search"),
        "/admin/",
    ],
)
def test_every_page_requires_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_article_pages_show_imported_dispatches(client, journalist):
    article = ArticleFactory(title="Des médecins d'Alep", byline="Karam AL MASRI")
    client.force_login(journalist)
    listing = client.get(reverse("articles:list"))
    assert "Des médecins d&#x27;Alep" in listing.content.decode()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "Karam AL MASRI" in page.content.decode()


def test_article_page_escapes_hostile_text_and_links_mentions(client, journalist):
    body = "<script>alert(1)</script> Erdogan à Ankara."
    article = ArticleFactory(title="<b>titre</b>", body=body)
    person = EntityFactory(name="Recep Tayyip Erdogan", slug="recep-tayyip-erdogan-per")
    start = body.index("Erdogan")
    MentionFactory(article=article, entity=person, start=start, end=start + 7)
    client.force_login(journalist)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>titre</b>" not in html
    assert f'href="{person.get_absolute_url()}"' in html
    assert ">Erdogan</a>" in html


def test_entity_page_lists_aliases_and_articles(client, journalist):
    mention = MentionFactory()
    client.force_login(journalist)
    html = client.get(mention.entity.get_absolute_url()).content.decode()
    assert mention.article.title in html
    assert "1 mention dans 1 dépêche" in html


@pytest.mark.parametrize(
    "url_name",
    ["articles:upload", "articles:batches"],
)
def test_journalist_and_editor_cannot_import(client, journalist, editor, url_name):
    for user in (journalist, editor):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse("articles:upload"), {"source": "AFP"}).status_code == 403


def test_journalist_cannot_see_a_batch(client, journalist, archivist):
    batch = ImportBatch.objects.create(created_by=archivist, source_id=ArticleFactory().source_id)
    client.force_login(journalist)
    assert client.get(batch.get_absolute_url()).status_code == 403
    assert client.get(reverse("articles:batch-status", args=[batch.pk])).status_code == 403


def test_upload_form_shows_for_archivist(client, archivist):
    client.force_login(archivist)
    response = client.get(reverse("articles:upload"))
    assert response.status_code == 200
    assert 'name="files"' in response.content.decode()


def test_upload_without_files_says_what_is_missing(client, archivist):
    client.force_login(archivist)
    response = client.post(reverse("articles:upload"), {"source": "AFP", "encoding": "auto"})
    assert response.status_code == 200
    assert "obligatoire" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_upload_creates_a_batch_and_queues_its_import(client, archivist, media_root, monkeypatch):
    queued = []
    monkeypatch.setattr("articles.views.run_import.delay", lambda *args: queued.append(args))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "Titre\n\n(AFP) - Corps.\n")
        archive.writestr("b.txt", "Titre 2\n\n(AFP) - Corps 2.\n")
    buffer.name = "lot.zip"
    buffer.seek(0)
    client.force_login(archivist)
    response = client.post(
        reverse("articles:upload"), {"source": "Reuters", "encoding": "auto", "files": [buffer]}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert (batch.files_total, batch.source.name, batch.created_by) == (2, "Reuters", archivist)
    ((batch_id, paths, names, encoding),) = queued
    assert batch_id == batch.pk and names == ["lot.zip"] and encoding == "auto"
    assert str(media_root) in paths[0]


def test_batch_status_json_reports_progress(client, archivist):
    batch = ImportBatch.objects.create(
        created_by=archivist, source_id=ArticleFactory().source_id, files_total=4, files_done=1
    )
    client.force_login(archivist)
    data = client.get(reverse("articles:batch-status", args=[batch.pk])).json()
    assert (data["progress"], data["status"], data["files"]) == (25, "pending", [])
    assert data["status_label"] == "En attente"
    ImportFileResult.objects.create(batch=batch, name="a.txt", status="rejected")
    english = client.get(
        reverse("articles:batch-status", args=[batch.pk]), headers={"accept-language": "en"}
    ).json()
    assert english["status_label"] == "Pending"
    assert [f["status_label"] for f in english["files"]] == ["Rejected"]


def test_article_list_paginates_newest_first(client, journalist):
    articles = ArticleFactory.create_batch(30)
    client.force_login(journalist)
    page = client.get(reverse("articles:list")).context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert page.object_list[0] == articles[-1]
    assert Article.objects.count() == 30
