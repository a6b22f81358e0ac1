"""`Authorization: Token …` for DRF, backed by the hashed tokens of `tokens`."""

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from newsroom.api import tokens

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    """Recognise `Authorization: Token <token>`; any other request is left to the session."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                gettext(
                    "Malformed Authorization header: « Token <token> » expected, with no space "
                    "in the token."
                )
            )
        try:
            raw = words[1].decode("ascii")
            token = tokens.authenticate(raw=raw)
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(gettext("Unknown or revoked token.")) from error
        except tokens.TokenRejected as error:
            raise exceptions.AuthenticationFailed(str(error)) from error
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'
