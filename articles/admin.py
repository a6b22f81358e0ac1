from django.contrib import admin
from django.db.models import Count

from articles.models import (
    Article,
    Entity,
    EntityAlias,
    ImportBatch,
    ImportFileResult,
    Mention,
    RejectedForm,
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
    list_display = ["pk", "created_at", "created_by", "source", "status", "files_done", "articles_created", "duplicates", "files_rejected"]
    list_filter = ["status", "source"]
    inlines = [ImportFileResultInline]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    fields = ["surface", "entity", "start", "end", "origin", "rejected"]
    readonly_fields = ["surface", "start", "end", "origin"]
    autocomplete_fields = ["entity"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_on", "dateline_place", "tagging_status", "imported_at"]
    list_filter = ["source", "tagging_status", "title_derived"]
    search_fields = ["title", "byline"]
    date_hierarchy = "published_on"
    readonly_fields = ["body", "content_hash", "import_batch", "source_file", "imported_at", "tagged_at", "tagger", "tagging_error"]
    inlines = [MentionInline]
    list_select_related = ["source"]


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    fields = ["surface", "kind", "curated"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "alias_count", "mention_count", "reviewed"]
    list_filter = ["kind", "reviewed"]
    search_fields = ["name", "aliases__surface"]
    inlines = [EntityAliasInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                alias_count=Count("aliases", distinct=True),
                mention_count=Count("mentions", distinct=True),
            )
        )

    @admin.display(ordering="alias_count")
    def alias_count(self, entity: Entity) -> int:
        return entity.alias_count

    @admin.display(ordering="mention_count")
    def mention_count(self, entity: Entity) -> int:
        return entity.mention_count


@admin.register(RejectedForm)
class RejectedFormAdmin(admin.ModelAdmin):
    list_display = ["surface", "created_by", "created_at"]
    search_fields = ["surface"]
