from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

admin.site.site_header = _("Newsroom archive · desk")
admin.site.site_title = "Newsroom archive"
admin.site.index_title = _("Corrections and administration")

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links: answer it, login or not.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("search/", include("search.urls")),
    path("api/v1/", include("newsroom.api.urls")),
    path("compte/", include("newsroom.api.account_urls")),
    path("", include("articles.urls")),
]
