"""API tokens: create one (shown once), revoke it, and recognise it on a request."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from newsroom.api.models import ApiToken

PREFIX_BYTES = 4  # 8 hex characters: the row is found by these, then the digest compared
SECRET_BYTES = 32
MAX_EXPIRY_DAYS = 3650


class TokenRejected(ValueError):
    """A token that does not open the API; the message says why, in French."""


@dataclass
class NewToken:
    token: ApiToken
    raw: str  # the only time the whole token exists outside its owner's hands


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user, name: str, expires_days: int | None = None) -> NewToken:
    """Create a token for a user; return it with its raw text, which is never stored."""
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise ValueError(
            gettext("The duration must be between 1 and %(max)d days.") % {"max": MAX_EXPIRY_DAYS}
        )
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    token = ApiToken.objects.create(
        user=user,
        name=" ".join(name.split())[:100] or "Jeton",
        prefix=prefix,
        digest=digest_of(raw),
        expires_at=expires_at,
    )
    return NewToken(token=token, raw=raw)


def revoke_token(*, user, token_id: int) -> bool:
    """Delete one of the user's tokens; False when the user has no such token."""
    deleted, _ = ApiToken.objects.filter(pk=token_id, user=user).delete()
    return bool(deleted)


def authenticate(*, raw: str) -> ApiToken:
    """Return the live token for this raw text and note its use; raise TokenRejected."""
    prefix, dot, _ = raw.partition(".")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first() if dot else None
    if token is None or not hmac.compare_digest(token.digest, digest_of(raw)):
        raise TokenRejected(gettext("Unknown or revoked token."))
    if token.expired:
        when = date_format(timezone.localtime(token.expires_at), gettext("j F Y \\a\\t H:i"))
        raise TokenRejected(
            gettext("This token expired on %(when)s: create another on « My account ».")
            % {"when": when}
        )
    if not token.user.is_active:
        raise TokenRejected(gettext("This token's account is disabled."))
    now = timezone.now()
    touch_after = timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= touch_after:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_tokens(*, user) -> list[ApiToken]:
    """Return a user's tokens, newest first."""
    return list(ApiToken.objects.filter(user=user))
