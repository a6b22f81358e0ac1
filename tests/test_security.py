"""Settings that refuse to run unsafely, security headers, CSP, and login throttling."""

import os
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import REPO

pytestmark = pytest.mark.django_db


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    # An empty var/env path keeps the developer's local settings out of these runs.
    clean_env["NEWSROOM_ENV_FILE"] = "/nonexistent"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="archive.example.org",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_pages_send_a_strict_content_security_policy(client, journalist):
    client.force_login(journalist)
    response = client.get(reverse("articles:list"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in response.content and b"onclick=" not in response.content


def test_repeated_bad_passwords_lock_the_login(client, journalist):
    statuses = [
        client.post(
            reverse("login"), {"username": journalist.username, "password": "nope"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post(
        reverse("login"), {"username": journalist.username, "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "bloqué" in locked.content.decode()


def test_good_password_logs_in(client, journalist):
    response = client.post(
        reverse("login"), {"username": journalist.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("articles:list")).status_code == 200


def test_session_and_csrf_cookies_are_http_only(client, journalist):
    client.post(
        reverse("login"), {"username": journalist.username, "password": "correct horse battery"}
    )
    assert client.cookies["sessionid"]["httponly"]
    assert client.cookies["sessionid"]["samesite"] == "Lax"
