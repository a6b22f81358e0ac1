from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ApiConfig(AppConfig):
    name = "newsroom.api"
    label = "api"
    verbose_name = gettext_lazy("API")

    def ready(self) -> None:
        from newsroom.api import schema  # noqa: F401 - registers the token scheme
