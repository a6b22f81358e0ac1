"""The editors' desk for stories: their versions, merge stories, take a dispatch out, undo.

Every placement goes through `articles.curation.stories`, so it is pinned, recorded and
can be undone; editors are those who may change articles (the entity corrections' rule).
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import stories, versions
from articles.curation.records import CurationError
from articles.curation.stories import (
    STORY_ACTIONS,
    corrections_for_story,
    merge_stories,
    split_out,
    undo_story_correction,
)
from articles.models import Article, Correction, Story
from articles.selectors import version_label

HISTORY_LENGTH = 50
_ORDER_FIELDS = (
    "id", "story_id", "version_kind", "version_number", "published_at", "published_on",
    "imported_at",
)  # fmt: skip


def _when(value) -> str:
    """A date or time as the admin shows them, in the archive's time zone."""
    return formats.localize(timezone.template_localtime(value)) if value else "—"


def may_place(request: HttpRequest) -> bool:
    """Whether the user may move dispatches between stories: editors do."""
    return request.user.has_perm("articles.change_article")


def _day() -> Coalesce:
    """A version's day: of publication (in the archive's time zone), else of import."""
    return Coalesce(
        TruncDate("versions__published_at"),
        "versions__published_on",
        TruncDate("versions__imported_at"),
    )


def with_summary(queryset: QuerySet[Story]) -> QuerySet[Story]:
    """Annotate each story's size, kinds, first and last dates and current title."""
    current = (
        Article.objects.filter(story=OuterRef("pk"))
        .order_by("-is_current_version", "-version_rank", "-pk")
        .values("title")[:1]
    )
    return queryset.annotate(
        version_count=Count("versions"),
        kinds=ArrayAgg("versions__version_kind", distinct=True, default=[]),
        first_day=Min(_day()),
        last_day=Max(_day()),
        current_title=Subquery(current),
    )


def _versions_of(story_ids: list[int]) -> dict[int, list[Article]]:
    """Each story's versions in story order, with what a confirmation page shows."""
    found: dict[int, list[Article]] = defaultdict(list)
    rows = (
        Article.objects.filter(story_id__in=story_ids)
        .select_related("source")
        .only(*_ORDER_FIELDS, "title", "source__name", "version_rank", "story_pinned")
    )
    for article in rows:
        article.label = version_label(article)
        found[article.story_id].append(article)
    for articles in found.values():
        articles.sort(key=stories.order_key)
    return found


def _confirm(model_admin, request, *, title, intro, submit, action, rows, **extra):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "intro": intro,
        "submit": submit,
        "action": action,
        "rows": rows,
        "cancel_url": request.get_full_path(),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        **extra,
    }
    return TemplateResponse(request, "admin/articles/story/confirm.html", context)


def _report(model_admin, request, service, **kwargs) -> Correction | None:
    """Run one story correction and tell the editor how it went."""
    try:
        correction = service(user=request.user, **kwargs)
    except CurationError as error:
        model_admin.message_user(request, str(error), messages.ERROR)
        return None
    model_admin.message_user(request, correction.summary, messages.SUCCESS)
    return correction


@admin.action(description=_("Take out of its story"), permissions=["change"])
def split_out_of_story(model_admin, request, queryset):
    """Give each selected dispatch a story of its own, after a confirmation."""
    articles = list(queryset.select_related("source").defer("body").order_by("pk"))
    if "post" in request.POST:
        for article in articles:
            _report(model_admin, request, split_out, article=article)
        return None
    story_versions = _versions_of(sorted({a.story_id for a in articles}))
    for article in articles:
        article.label = version_label(article)
        article.story_size = len(story_versions[article.story_id])
    return _confirm(
        model_admin,
        request,
        title=gettext("Take dispatches out of their story"),
        intro=[
            gettext(
                "Each chosen dispatch leaves its story for a story of its own. The desk thus "
                "fixes the stories concerned: automatic grouping will not change them again. "
                "The correction can be undone from the story's page."
            )
        ],
        submit=gettext("Take out of their story"),
        action="split_out_of_story",
        rows=[],
        articles=articles,
    )


class VersionInline(admin.TabularInline):
    model = Article
    fk_name = "story"
    extra = 0
    can_delete = False
    fields = ["rank", "version", "dispatch", "source", "published", "state"]
    readonly_fields = fields
    ordering = ["version_rank", "pk"]
    verbose_name = _("version")
    verbose_name_plural = _("versions (in story order)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # versions move through the corrections, never by hand

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source").defer("body")

    @admin.display(description=_("rank"))
    def rank(self, article: Article) -> int:
        return article.version_rank

    @admin.display(description=_("version"))
    def version(self, article: Article) -> str:
        return version_label(article)

    @admin.display(description=_("dispatch"))
    def dispatch(self, article: Article) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[article.pk]),
            article.title,
            article.get_absolute_url(),
            gettext("public page"),
        )

    @admin.display(description=_("published"))
    def published(self, article: Article) -> str:
        return _when(article.published_at or article.published_on)

    @admin.display(description=_("state"))
    def state(self, article: Article) -> str:
        states = []
        if article.is_current_version:
            states.append(gettext("current version"))
        if article.annulled:
            states.append(gettext("annulled"))
        if article.story_pinned:
            states.append(gettext("placed by the desk"))
        return ", ".join(states) or "—"


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["id", "current_title", "version_count", "kind_labels", "first_day", "last_day"]
    list_display_links = ["id", "current_title"]
    search_fields = ["versions__title"]
    fields = ["created", "updated"]
    readonly_fields = fields
    inlines = [VersionInline]
    actions = ["merge_selected_stories"]

    def get_queryset(self, request):
        return with_summary(super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return may_place(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_place(request)

    def has_add_permission(self, request):
        return False  # stories come from grouping, splits and merges

    def has_delete_permission(self, request, obj=None):
        return False  # a story goes when its last version leaves it

    @admin.display(description=_("title of the current version"))
    def current_title(self, story: Story) -> str:
        return story.current_title or "—"

    @admin.display(description=_("versions"), ordering="version_count")
    def version_count(self, story: Story) -> int:
        return story.version_count

    @admin.display(description=_("kinds"))
    def kind_labels(self, story: Story) -> str:
        kinds = sorted(story.kinds, key=lambda kind: versions.STAGE.get(kind, 40))
        return ", ".join(str(Article.VersionKind(kind).label) for kind in kinds)

    @admin.display(description=_("first version"), ordering="first_day")
    def first_day(self, story: Story):
        return story.first_day

    @admin.display(description=_("last version"), ordering="last_day")
    def last_day(self, story: Story):
        return story.last_day

    @admin.display(description=_("created on"))
    def created(self, story: Story) -> str:
        return _when(story.created_at)

    @admin.display(description=_("updated on"))
    def updated(self, story: Story) -> str:
        return _when(story.updated_at)

    # -- the story's page: its versions, then its corrections with their undo

    def change_view(self, request, object_id, form_url="", extra_context=None):
        story = self.get_object(request, object_id)
        extra_context = (extra_context or {}) | {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        if story is not None:
            extra_context |= {
                "corrections": corrections_for_story(story)[:HISTORY_LENGTH],
                "undoable": [action.value for action in STORY_ACTIONS],
                "can_undo": self.has_change_permission(request, story),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "undo/<int:correction_id>/",
                self.admin_site.admin_view(self.undo_view),
                name="articles_story_undo",
            ),
            *super().get_urls(),
        ]

    def undo_view(self, request: HttpRequest, correction_id: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        correction = get_object_or_404(Correction, pk=correction_id, action__in=STORY_ACTIONS)
        _report(self, request, undo_story_correction, correction=correction)
        story_id = correction.before["stories"][0]  # the split's story, or the merge's kept one
        if not Story.objects.filter(pk=story_id).exists():
            return HttpResponseRedirect(reverse("admin:articles_story_changelist"))
        return HttpResponseRedirect(reverse("admin:articles_story_change", args=[story_id]))

    # -- actions on the list

    @admin.action(description=_("Merge the selected stories"), permissions=["change"])
    def merge_selected_stories(self, request, queryset):
        chosen = list(queryset)
        if len(chosen) < 2:
            self.message_user(request, gettext("Select at least two stories."), messages.WARNING)
            return None
        story_versions = _versions_of([s.pk for s in chosen])
        # The story that began first is kept: its number is the one journalists saw first.
        began = {pk: stories.order_key(found[0]) for pk, found in story_versions.items()}
        chosen.sort(key=lambda s: (s.pk not in began, began.get(s.pk, ()), s.pk))
        keep, others = chosen[0], chosen[1:]
        if "post" in request.POST:
            if _report(self, request, merge_stories, keep=keep, others=others) is None:
                return None
            return HttpResponseRedirect(reverse("admin:articles_story_change", args=[keep.pk]))
        return _confirm(
            self,
            request,
            title=gettext("Merge stories"),
            intro=[
                gettext(
                    "Every version will go into story #%(number)s, the first begun; the other "
                    "stories will disappear. The desk thus fixes these dispatches: automatic "
                    "grouping will not move them again. The merge can be undone from the "
                    "story's page."
                )
                % {"number": keep.pk}
            ],
            submit=gettext("Merge"),
            action="merge_selected_stories",
            rows=[(story, story_versions[story.pk]) for story in chosen],
            keep=keep,
        )
