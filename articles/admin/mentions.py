"""Articles and their mentions: reject, reassign or add a mention by its surface text."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import curation
from articles.admin.quotes import QuoteInline
from articles.admin.stories import split_out_of_story
from articles.curation import CurationError
from articles.models import (
    Article,
    Entity,
    Mention,
)


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    can_delete = False
    fields = ["surface", "start", "entity", "origin", "rejected"]
    readonly_fields = ["surface", "start", "origin"]
    autocomplete_fields = ["entity"]
    ordering = ["start"]
    verbose_name_plural = _("mentions (change the entity, or tick « rejected » to reject one)")

    def has_add_permission(self, request, obj=None):
        return False  # added with the form above, which finds the offsets


class ArticleForm(forms.ModelForm):
    mention_surface = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=300,
        help_text=_("As written in the dispatch."),
    )
    mention_entity = forms.ModelChoiceField(
        label=_("Existing entity"),
        queryset=Entity.objects.all(),
        required=False,
        widget=AutocompleteSelect(Mention._meta.get_field("entity"), admin.site),
    )
    mention_kind = forms.ChoiceField(
        label=_("or a new entity: kind"),
        choices=[("", "—"), *Entity.Kind.choices],
        required=False,
    )
    mention_name = forms.CharField(label=_("and name"), required=False, max_length=300)
    mention_every = forms.TypedChoiceField(
        label=_("Where"),
        choices=[("", _("the first occurrence")), ("1", _("every occurrence"))],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Article
        fields = []

    def clean(self):
        data = super().clean()
        surface = data.get("mention_surface", "").strip()
        new = bool(data.get("mention_kind") or data.get("mention_name", "").strip())
        if not surface:
            if data.get("mention_entity") or new:
                self.add_error("mention_surface", gettext("Give the mention's text."))
            return data
        if not curation.occurrences(self.instance.body, surface):
            self.add_error(
                "mention_surface",
                gettext("« %(surface)s » does not appear in this dispatch.") % {"surface": surface},
            )
        if bool(data.get("mention_entity")) == new:
            self.add_error(
                "mention_entity",
                gettext("Choose an existing entity, or the kind and name of a new one."),
            )
        elif new and not (data.get("mention_kind") and data.get("mention_name", "").strip()):
            self.add_error("mention_name", gettext("A new entity needs a kind and a name."))
        return data


ARTICLE_FIELDS = [
    "title", "source", "published_on", "byline", "dateline_place", "body", "tagging_status",
    "tagger", "tagged_at", "tagging_error", "import_batch", "source_file", "imported_at",
    "content_hash",
]  # fmt: skip


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = [
        "title", "source", "published_on", "dateline_place", "tagging_status", "imported_at",
    ]  # fmt: skip
    list_filter = ["source", "tagging_status", "title_derived"]
    search_fields = ["title", "byline"]
    date_hierarchy = "published_on"
    readonly_fields = ARTICLE_FIELDS
    fieldsets = [
        (None, {"fields": ARTICLE_FIELDS}),
        (
            _("Add a mention"),
            {
                "fields": [
                    "mention_surface",
                    "mention_entity",
                    ("mention_kind", "mention_name"),
                    "mention_every",
                ]
            },
        ),
    ]
    inlines = [MentionInline, QuoteInline]
    list_select_related = ["source"]
    actions = [split_out_of_story]

    def has_add_permission(self, request):
        return False  # articles come from imports

    def save_model(self, request, obj, form, change):
        """Save nothing on the article itself: the dispatch stays as imported."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Mention:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for mention_form in formset.forms:
            if not mention_form.has_changed() or not mention_form.instance.pk:
                continue
            mention = Mention.objects.get(pk=mention_form.instance.pk)
            data, changed = mention_form.cleaned_data, mention_form.changed_data
            if "rejected" in changed and data["rejected"]:
                self._apply(request, curation.reject_mention, mention=mention)
            elif "entity" in changed or "rejected" in changed:
                self._apply(
                    request, curation.change_mention_entity, mention=mention, entity=data["entity"]
                )
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data = form.cleaned_data
        if surface := data.get("mention_surface", "").strip():
            self._apply(
                request,
                curation.add_mention,
                article=form.instance,
                surface=surface,
                entity=data.get("mention_entity"),
                kind=data.get("mention_kind") or None,
                name=data.get("mention_name") or None,
                every_occurrence=data.get("mention_every", False),
            )

    def _apply(self, request, service, **kwargs) -> None:
        try:
            correction = service(user=request.user, **kwargs)
        except CurationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, correction.summary, messages.SUCCESS)
