"""Every role tries every page: allowed or refused, as DESIGN.md's role table says."""

import pytest
from django.urls import reverse

from articles.models import ImportBatch
from tests.conftest import user_in
from tests.factories import ArticleFactory, MentionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "journalist", "editor", "archivist", "superuser"]
OK, LOGIN, FORBIDDEN, ADMIN_LOGIN = 200, "login", 403, "admin-login"

# page -> expected outcome for each role, in ROLES order
MATRIX = {
    "article list": (LOGIN, OK, OK, OK, OK),
    "article page": (LOGIN, OK, OK, OK, OK),
    "entity page": (LOGIN, OK, OK, OK, OK),
    "search": (LOGIN, OK, OK, OK, OK),
    "upload": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "batches": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "batch page": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "batch status": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    "admin": (ADMIN_LOGIN, ADMIN_LOGIN, OK, ADMIN_LOGIN, OK),
    "admin entities": (LOGIN, ADMIN_LOGIN, OK, ADMIN_LOGIN, OK),
    "admin users": (LOGIN, ADMIN_LOGIN, FORBIDDEN, ADMIN_LOGIN, OK),
}


@pytest.fixture
def urls():
    mention = MentionFactory()
    batch = ImportBatch.objects.create(source=ArticleFactory().source)
    return {
        "article list": reverse("articles:list"),
        "article page": mention.article.get_absolute_url(),
        "entity page": mention.entity.get_absolute_url(),
        "search": reverse("search:search") + "?q=Turquie",
        "upload": reverse("articles:upload"),
        "batches": reverse("articles:batches"),
        "batch page": batch.get_absolute_url(),
        "batch status": reverse("articles:batch-status", args=[batch.pk]),
        "admin": reverse("admin:index"),
        "admin entities": reverse("admin:articles_entity_changelist"),
        "admin users": reverse("admin:auth_user_changelist"),
    }


def login_as(client, role: str) -> None:
    if role == "anonymous":
        return
    if role == "superuser":
        client.force_login(user_in(None, is_staff=True, is_superuser=True))
    else:
        client.force_login(user_in(role, is_staff=role == "editor"))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(client, urls, role):
    login_as(client, role)
    outcomes = {}
    for page in MATRIX:
        response = client.get(urls[page])
        if response.status_code == 302 and "/admin/login/" in response["Location"]:
            outcomes[page] = ADMIN_LOGIN
        elif response.status_code == 302 and "/login/" in response["Location"]:
            outcomes[page] = LOGIN
        else:
            outcomes[page] = response.status_code
    assert outcomes == {page: row[ROLES.index(role)] for page, row in MATRIX.items()}


@pytest.mark.parametrize("role", ["journalist", "editor"])
def test_only_archivists_can_post_an_upload(client, role):
    login_as(client, role)
    response = client.post(reverse("articles:upload"), {"source": "AFP", "encoding": "auto"})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_groups_hold_exactly_the_documented_permissions():
    from django.contrib.auth.models import Group

    from articles.roles import ROLE_PERMISSIONS

    for role, names in ROLE_PERMISSIONS.items():
        held = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(names), role


def _quote():
    from articles.models import Quote

    article = ArticleFactory(body="«Nous allons discuter», a dit M. Cavusoglu.")
    return Quote.objects.create(article=article, start=1, end=21, speaker_text="M. Cavusoglu")


@pytest.mark.parametrize(
    "role, allowed", [("editor", True), ("journalist", False), ("archivist", False)]
)
def test_only_editors_correct_and_reject_quotes(client, role, allowed):
    from articles.models import Correction
    from tests.factories import EntityFactory

    quote, speaker = _quote(), EntityFactory(name="Mevlüt Cavusoglu")
    client.force_login(user_in(role, is_staff=True))  # staff: the admin itself is open
    change = reverse("admin:articles_quote_change", args=[quote.pk])
    listing = reverse("admin:articles_quote_changelist")
    assert client.get(change).status_code == (200 if allowed else 403)
    corrected = client.post(change, {"speaker": speaker.pk})
    assert corrected.status_code == (302 if allowed else 403)
    rejected = client.post(listing, {"action": "reject_quotes", "_selected_action": [quote.pk]})
    assert rejected.status_code == (302 if allowed else 403)
    quote.refresh_from_db()
    assert (quote.speaker_id == speaker.pk, quote.rejected) == (allowed, allowed)
    actions = set(Correction.objects.values_list("action", flat=True))
    assert actions == ({"change_quote_speaker", "reject_quote"} if allowed else set())


def test_the_quote_desk_asks_for_quote_permissions_not_mention_ones(client):
    from django.contrib.auth.models import Permission

    quote = _quote()
    user = user_in(None, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__endswith="_mention"))
    client.force_login(user)
    change = reverse("admin:articles_quote_change", args=[quote.pk])
    assert client.get(change).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_quote"))
    client.force_login(user)
    assert client.get(change).status_code == 200
    assert client.post(change, {"speaker": ""}).status_code == 403
