from django.contrib import admin

from newsroom.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see and delete tokens; creating one is its owner's job (« Mon compte »)."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at"]
    list_filter = ["expires_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
