"""The records of editorial decisions: rejected forms and the corrections log."""

from django.contrib import admin, messages

from articles import curation
from articles.models import (
    Correction,
    RejectedForm,
)
from articles.ner import normalize_form


@admin.register(RejectedForm)
class RejectedFormAdmin(admin.ModelAdmin):
    list_display = ["surface", "created_by", "created_at"]
    search_fields = ["surface", "key"]
    fields = ["surface"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a rejection is lifted by adding the name to an entity, with a record

    def save_model(self, request, obj, form, change):
        """Reject the form everywhere, as the « not an entity » action does."""
        correction = curation.reject_form(surface=obj.surface, user=request.user)
        obj.pk = RejectedForm.objects.get(key=normalize_form(obj.surface)).pk
        self.message_user(request, correction.summary, messages.SUCCESS)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "summary", "user", "entity"]
    list_filter = ["action"]
    search_fields = ["summary"]
    list_select_related = ["user", "entity"]
    readonly_fields = [f.name for f in Correction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
