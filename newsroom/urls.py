from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Newsroom archive · rédaction"
admin.site.site_title = "Newsroom archive"
admin.site.index_title = "Corrections et administration"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links: answer it, login or not.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("search/", include("search.urls")),
    path("api/v1/", include("newsroom.api.urls")),
    path("compte/", include("newsroom.api.account_urls")),
    path("", include("articles.urls")),
]
