from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from newsroom.api import problems, views
from newsroom.api.docs import DocsView

app_name = "api"
urlpatterns = [
    path("search", views.SearchView.as_view(), name="search"),
    path("articles/<int:pk>", views.ArticleView.as_view(), name="article"),
    path("entities/<slug:slug>", views.EntityView.as_view(), name="entity"),
    path("saved-searches", views.SavedSearchList.as_view(), name="saved-searches"),
    path("saved-searches/<int:pk>", views.SavedSearchDetail.as_view(), name="saved-search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("problemes/<slug:slug>", problems.problem_type, name="problem-type"),
    re_path(r"^(?P<rest>.*)$", problems.not_found),
]
