from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "newsroom.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from newsroom.api import schema  # noqa: F401 - registers the token scheme
