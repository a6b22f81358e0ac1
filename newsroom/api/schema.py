"""How the schema describes the API's token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "newsroom.api.authentication.ApiTokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "« Token <jeton> » : un jeton créé sur « Mon compte » ou par "
            "`manage.py create_api_token`.",
        }
