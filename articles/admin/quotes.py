"""Quotations on the editors' desk: who said what, reject a quote, correct its speaker.

The desk asks for the quote permissions (`view_quote`, `change_quote`), which the editor
role holds (articles.roles). Changes go through `articles.curation.quotes`, so each one is
recorded and kept by re-tagging.
"""

from django.contrib import admin, messages
from django.db.models import F
from django.db.models.functions import Substr
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.curation import CurationError
from articles.curation.quotes import change_quote_speaker, reject_quote
from articles.models import Quote

WORDS_SHOWN = 120


def with_words(quotes):
    """Annotate each quote's words (read in the database: the bodies stay there)."""
    return quotes.annotate(
        words=Substr("article__body", F("start") + 1, F("end") - F("start"))
    ).defer("article__body")


class QuotePermissions:
    """Quotes are seen with view_quote or change_quote, corrected with change_quote."""

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("articles.view_quote") or user.has_perm("articles.change_quote")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_quote")

    def has_add_permission(self, request, obj=None):
        return False  # quotes come from tagging

    def has_delete_permission(self, request, obj=None):
        return False  # rejected instead, with a record


def _words(quote: Quote) -> str:
    return truncatechars(" ".join(quote.words.split()), WORDS_SHOWN)


@admin.register(Quote)
class QuoteAdmin(QuotePermissions, admin.ModelAdmin):
    list_display = ["quoted_words", "speaker", "speaker_text", "verb", "dispatch", "rejected"]
    list_filter = ["rejected", "origin", "partial"]
    search_fields = ["speaker__name", "speaker_text"]
    list_select_related = ["article", "speaker"]
    autocomplete_fields = ["speaker"]
    fields = [
        "dispatch", "quoted_words", "speaker", "speaker_text", "verb", "partial", "origin",
        "rejected",
    ]  # fmt: skip
    readonly_fields = [
        "dispatch", "quoted_words", "speaker_text", "verb", "partial", "origin", "rejected",
    ]  # fmt: skip
    actions = ["reject_quotes"]

    def get_queryset(self, request):
        return with_words(super().get_queryset(request).select_related("article", "speaker"))

    @admin.display(description=_("quote"))
    def quoted_words(self, quote: Quote) -> str:
        return format_html("« {} »", _words(quote))

    @admin.display(description=_("dispatch"), ordering="article__published_on")
    def dispatch(self, quote: Quote) -> str:
        url = reverse("articles:detail", args=[quote.article_id])
        return format_html('<a href="{}#q-{}">{}</a>', url, quote.pk, quote.article.title)

    def save_model(self, request, obj, form, change):
        """Change only the speaker, through the correction service."""
        if change and "speaker" in form.changed_data:
            quote = Quote.objects.get(pk=obj.pk)
            self._apply(
                request, change_quote_speaker, quote=quote, entity=form.cleaned_data["speaker"]
            )

    def save_related(self, request, form, formsets, change):
        """Nothing related to save: the quote's article stays as imported."""

    def log_change(self, request, obj, message):
        """The Correction record is the log."""

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_curation_failed", False) and level == messages.SUCCESS:
            return  # the correction was refused: do not also say it was saved
        super().message_user(request, message, level, *args, **kwargs)

    @admin.action(description=_("Reject the selected quotes"), permissions=["change"])
    def reject_quotes(self, request, queryset):
        done = 0
        for quote in queryset.filter(rejected=False):
            if self._apply(request, reject_quote, quote=quote, quiet=True):
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d quote rejected.", "%(count)d quotes rejected.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        elif not queryset.filter(rejected=False).exists():
            self.message_user(
                request, gettext("These quotes are already rejected."), messages.WARNING
            )

    def _apply(self, request, service, *, quiet: bool = False, **kwargs) -> bool:
        try:
            correction = service(user=request.user, **kwargs)
        except CurationError as error:
            self.message_user(request, str(error), messages.ERROR)
            request._curation_failed = True
            return False
        if not quiet:
            self.message_user(request, correction.summary, messages.SUCCESS)
        return True


class QuoteInline(QuotePermissions, admin.TabularInline):
    """An article's quotations, read-only: they are corrected on the quote's own page."""

    model = Quote
    extra = 0
    can_delete = False
    fields = ["quoted_words", "speaker", "verb", "origin", "rejected", "edit"]
    readonly_fields = fields
    ordering = ["start"]
    verbose_name_plural = _("quotes (correct the speaker or reject from the quote's own page)")

    def get_queryset(self, request):
        return with_words(super().get_queryset(request).select_related("speaker"))

    def has_change_permission(self, request, obj=None):
        return False  # read-only here

    @admin.display(description=_("quote"))
    def quoted_words(self, quote: Quote) -> str:
        return format_html("« {} »", _words(quote))

    @admin.display(description="")
    def edit(self, quote: Quote) -> str:
        url = reverse("admin:articles_quote_change", args=[quote.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("correct"))
