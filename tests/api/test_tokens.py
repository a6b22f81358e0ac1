"""API tokens: created once on « Mon compte » or by the command, hashed, revoked, expired."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from newsroom.api import tokens
from newsroom.api.models import ApiToken
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAVED = reverse("api:saved-searches")
ACCOUNT = reverse("account:account")


def with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_token_is_stored_hashed_and_never_in_clear(journalist):
    created = tokens.create_token(user=journalist, name="CMS")
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(created.raw.encode()).hexdigest()
    assert created.raw.startswith(row.prefix + ".")
    assert len(created.raw) > 40
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert created.raw not in stored
    assert created.raw.split(".", 1)[1] not in stored


def test_the_command_prints_the_token_once_and_it_works(journalist):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token", journalist.username, "--expires-days", "30", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert "ne sera plus affiché" in err.getvalue()
    token = ApiToken.objects.get(user=journalist)
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert with_token(raw).get(SAVED).status_code == 200
    assert raw not in err.getvalue()


def test_the_command_refuses_an_unknown_user_and_a_bad_expiry(journalist):
    with pytest.raises(CommandError, match="Aucun utilisateur"):
        call_command("create_api_token", "personne", stdout=io.StringIO())
    with pytest.raises(CommandError, match="entre 1 et"):
        call_command(
            "create_api_token", journalist.username, "--expires-days", "0", stdout=io.StringIO()
        )
    assert not ApiToken.objects.exists()


def test_a_token_revoked_mid_use_stops_working(journalist):
    client, created = token_client(journalist)
    assert client.get(SAVED).status_code == 200
    assert tokens.revoke_token(user=journalist, token_id=created.token.pk)
    response = client.get(SAVED)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Jeton inconnu ou révoqué."
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_an_expired_token_is_refused_with_its_date(journalist):
    client, created = token_client(journalist, expires_days=1)
    assert client.get(SAVED).status_code == 200
    ApiToken.objects.filter(pk=created.token.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(SAVED)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Ce jeton a expiré le ")


def test_wrong_and_malformed_tokens_are_refused(journalist):
    created = tokens.create_token(user=journalist, name="vrai")
    forged = created.raw[:-4] + ("aaaa" if not created.raw.endswith("aaaa") else "bbbb")
    for header in (
        f"Token {forged}",
        "Token sans-point",
        "Token ",
        f"Token {created.raw} de trop",
        "Token é",
    ):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get(SAVED)
        assert response.status_code == 401, header
        assert response["Content-Type"] == "application/problem+json"


def test_a_disabled_account_loses_its_tokens(journalist):
    client, _ = token_client(journalist)
    journalist.is_active = False
    journalist.save()
    assert client.get(SAVED).status_code == 401


def test_last_use_is_recorded(journalist, settings):
    settings.API_TOKEN_TOUCH_SECONDS = 0
    client, created = token_client(journalist)
    assert created.token.last_used_at is None
    client.get(SAVED)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get(SAVED)
    assert ApiToken.objects.get().last_used_at > first


def test_account_page_creates_shows_once_lists_and_revokes(client, journalist):
    client.force_login(journalist)
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    assert "Mon compte" in page.content.decode()
    created = client.post(ACCOUNT, {"name": "Carnet Jupyter", "expires_days": "90"})
    html = created.content.decode()
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=journalist)
    raw = html.split('<code class="token-value">', 1)[1].split("</code>", 1)[0]
    assert raw.startswith(token.prefix)
    assert with_token(raw).get(SAVED).status_code == 200
    again = client.get(ACCOUNT).content.decode()
    assert "Carnet Jupyter" in again and raw not in again
    revoked = client.post(reverse("account:revoke-token", args=[token.pk]), follow=True)
    assert "Jeton révoqué" in revoked.content.decode()
    assert with_token(raw).get(SAVED).status_code == 401


def test_account_page_refuses_bad_input_and_others_tokens(client, journalist):
    client.force_login(journalist)
    for data in (
        {"name": ""},
        {"name": "x", "expires_days": "0"},
        {"name": "x", "expires_days": "z"},
    ):
        assert client.post(ACCOUNT, data).status_code == 400
    assert not ApiToken.objects.exists()
    other = tokens.create_token(user=UserFactory(), name="autre")
    response = client.post(reverse("account:revoke-token", args=[other.token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=other.token.pk).exists()


def test_account_page_needs_a_login_and_is_in_the_menu(client, journalist):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(journalist)
    assert f'href="{ACCOUNT}"' in client.get(reverse("search:search")).content.decode()
