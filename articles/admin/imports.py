"""Sources and import batches, read-only records of what archivists imported."""

from django.contrib import admin

from articles.models import (
    ImportBatch,
    ImportFileResult,
    Source,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ImportFileResultInline(admin.TabularInline):
    model = ImportFileResult
    extra = 0
    can_delete = False
    readonly_fields = ["name", "status", "encoding", "articles_created", "duplicates", "reason"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk", "created_at", "created_by", "source", "status", "files_done",
        "articles_created", "duplicates", "files_rejected",
    ]  # fmt: skip
    list_filter = ["status", "source"]
    inlines = [ImportFileResultInline]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
