from django.urls import path

from newsroom.api import account

app_name = "account"
urlpatterns = [
    path("", account.account, name="account"),
    path("jetons/<int:pk>/revoquer/", account.revoke, name="revoke-token"),
]
