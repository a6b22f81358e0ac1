from django.urls import path

from search import views, watch_views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path("enregistrer/", watch_views.save_search, name="save"),
    path("mes-recherches/", watch_views.saved_list, name="saved"),
    path("mes-recherches/<int:pk>/", watch_views.open_saved, name="open-saved"),
    path("mes-recherches/<int:pk>/modifier/", watch_views.edit_saved, name="edit-saved"),
    path("mes-recherches/<int:pk>/supprimer/", watch_views.delete_saved, name="delete-saved"),
    path("mes-recherches/<int:pk>/flux/", watch_views.new_feed_token, name="new-feed-token"),
    path("flux/<str:token>.atom", watch_views.feed, name="feed"),
    path("desabonner/<str:token>/", watch_views.unsubscribe, name="unsubscribe"),
]
