"""The API's docs page: Swagger UI from the sidecar, no CDN, no inline script or style."""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI; a visitor who is not signed in goes to the login page first."""

    template_name = "api/docs.html"

    def handle_exception(self, exc):
        signed_out = isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed)
        if signed_out and "script" not in self.request.GET:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
