from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity"),
    path("imports/", views.batch_list, name="batches"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/status.json", views.batch_status, name="batch-status"),
]
