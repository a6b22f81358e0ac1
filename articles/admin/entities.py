"""The editors' desk for entities: counts, aliases, merge, rename, relabel, split, reject."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, Substr
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles import curation
from articles.curation import CurationError
from articles.curation.organisations import already_exists
from articles.models import (
    Correction,
    Entity,
    EntityAlias,
    Mention,
)
from articles.ner import normalize_form

_SPACES = re.compile(r"\s+")
CONTEXT_CHARS = 80  # read around a mention; a few words of it are shown
CONTEXT_WORDS = 8
LATEST_MENTIONS = 10
HISTORY_LENGTH = 50


def _count(rows: QuerySet, expression: str = "pk") -> Coalesce:
    """Count related rows in a correlated subquery (joins would multiply the counts)."""
    counted = rows.order_by().values("entity").annotate(n=Count(expression, distinct=True))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def with_counts(entities: QuerySet[Entity]) -> QuerySet[Entity]:
    """Annotate alias, mention and article counts (live mentions only)."""
    live = Mention.objects.filter(entity=OuterRef("pk"), rejected=False)
    return entities.annotate(
        alias_count=_count(EntityAlias.objects.filter(entity=OuterRef("pk"))),
        mention_count=_count(live),
        article_count=_count(live, "article"),
    )


def latest_mentions(entity: Entity, limit: int = LATEST_MENTIONS) -> list[dict]:
    """Return the entity's newest mentions with a few words of text either side."""
    start = Greatest(F("start") - CONTEXT_CHARS, 0)
    rows = (
        Mention.objects.filter(entity=entity)
        .order_by("-article__imported_at", "-article_id", "start")
        .annotate(
            title=F("article__title"),
            before=Substr("article__body", start + 1, F("start") - start),
            after=Substr("article__body", F("end") + 1, CONTEXT_CHARS),
        )
        .values("article_id", "title", "surface", "origin", "rejected", "before", "after")
    )
    mentions = list(rows[:limit])
    for row in mentions:
        # Whole words only, and no space added where the text has none ("d'Assad").
        before, after = row["before"], row["after"]
        if len(before) == CONTEXT_CHARS:
            before = re.sub(r"^\S*", "", before)  # the window cut a word
        if len(after) == CONTEXT_CHARS:
            after = re.sub(r"\S*$", "", after)
        before = re.search(rf"(?:\S+\s+){{0,{CONTEXT_WORDS}}}\S*$", before)[0]
        after = re.match(rf"\S*(?:\s+\S+){{0,{CONTEXT_WORDS}}}", after)[0]
        row["before"], row["after"] = _SPACES.sub(" ", before), _SPACES.sub(" ", after)
        row["url"] = reverse("admin:articles_article_change", args=[row["article_id"]])
        row["origin"] = str(Mention.Origin(row["origin"]).label)
    return mentions


def _with_names(entities: list[Entity]) -> list[Entity]:
    """Attach each entity's alias surfaces as `names`, in one query."""
    names: dict[int, list[str]] = {e.pk: [] for e in entities}
    rows = EntityAlias.objects.filter(entity__in=entities).order_by("surface")
    for entity_id, surface in rows.values_list("entity_id", "surface"):
        names[entity_id].append(surface)
    for entity in entities:
        entity.names = names[entity.pk]
    return entities


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("unreviewed", _("To review")), ("reviewed", _("Reviewed"))]

    def queryset(self, request, queryset):
        if self.value() in ("unreviewed", "reviewed"):
            return queryset.filter(reviewed=self.value() == "reviewed")
        return queryset


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    can_delete = False
    fields = ["surface", "kind", "curated", "split"]
    readonly_fields = fields
    verbose_name = _("name")
    verbose_name_plural = _("names (aliases)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # names change through the corrections, never by hand

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")

    @admin.display(description="")
    def split(self, alias: EntityAlias) -> str:
        if alias.key == normalize_form(alias.entity.name):
            return gettext("main name")
        url = reverse("admin:articles_entity_split", args=[alias.entity_id, alias.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("split into an entity of its own…"))


class EntityForm(forms.ModelForm):
    new_alias = forms.CharField(
        label=_("Add a name"),
        required=False,
        max_length=300,
        help_text=_(
            "Another name of this entity (« Daech »): the tagger will look for it everywhere. "
            "When creating, several names separated by « ; » (« Fifa ; FIFA »)."
        ),
    )

    class Meta:
        model = Entity
        fields = ["name", "kind", "reviewed"]

    def clean(self):
        data = super().clean()
        entity, kind = self.instance, data.get("kind")
        name = " ".join((data.get("name") or "").split())
        if entity.pk is None:
            owners = EntityAlias.objects.filter(kind=kind).select_related("entity")
            if kind and owners.filter(key=normalize_form(name)).exists():
                self.add_error("name", already_exists(name))
            for alias in (data.get("new_alias") or "").split(";"):
                if kind and (owner := owners.filter(key=normalize_form(alias)).first()):
                    self.add_error(
                        "new_alias",
                        gettext(
                            "« %(alias)s » already names « %(owner)s »: add your names to "
                            "that entity, or merge."
                        )
                        % {"alias": alias.strip(), "owner": owner.entity},
                    )
            return data
        if "name" in self.changed_data:
            owners = EntityAlias.objects.filter(kind=entity.kind, key=normalize_form(name))
            if owner := owners.exclude(entity=entity).select_related("entity").first():
                self.add_error(
                    "name",
                    gettext("« %(name)s » already names « %(owner)s »: merge them.")
                    % {"name": name, "owner": owner.entity},
                )
        clashes = (
            "kind" in self.changed_data
            and kind
            and curation.relabel_clashes(entity=entity, kind=kind)
        )
        if clashes:
            names = ", ".join(f"« {e} »" for e in clashes)
            self.add_error(
                "kind",
                gettext(
                    "One of its names already names %(names)s as %(kind)s: use the "
                    "« Change the kind » action with merging, or merge them."
                )
                % {"names": names, "kind": Entity.Kind(kind).label},
            )
        return data


class RelabelForm(forms.Form):
    kind = forms.ChoiceField(label=_("New kind"), choices=Entity.Kind.choices)
    merge_on_clash = forms.BooleanField(
        label=_("Merge on a clash"),
        required=False,
        help_text=_("If an entity of this kind already has one of these names, it takes all."),
    )


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    form = EntityForm
    list_display = ["name", "kind", "alias_count", "mention_count", "article_count", "reviewed"]
    list_filter = ["kind", ReviewFilter]
    search_fields = ["name", "aliases__surface"]
    ordering = ["name"]
    inlines = [EntityAliasInline]
    actions = ["merge_entities", "reject_entities", "relabel_entities"]

    def get_queryset(self, request):
        return with_counts(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """Find entities by name or by any alias, ignoring case, accents and dashes."""
        if not (key := normalize_form(search_term)):
            return queryset, False
        aliases = EntityAlias.objects.filter(entity=OuterRef("pk"), key__contains=key)
        return queryset.filter(Q(name__icontains=search_term.strip()) | Exists(aliases)), False

    def has_add_permission(self, request):
        # Entities come from tagging, merges, splits and added mentions; editors add by hand
        # the organisations the tagger should know (the curated list, extended).
        return self.has_change_permission(request)

    def get_fields(self, request, obj=None):
        return ["name", "kind", "new_alias"] if obj is None else super().get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # "not an entity" and merges remove entities, with a record

    @admin.display(description=_("names"), ordering="alias_count")
    def alias_count(self, entity: Entity) -> int:
        return entity.alias_count

    @admin.display(description=_("mentions"), ordering="mention_count")
    def mention_count(self, entity: Entity) -> int:
        return entity.mention_count

    @admin.display(description=_("dispatches"), ordering="article_count")
    def article_count(self, entity: Entity) -> int:
        return entity.article_count

    # -- the change page: rename, relabel, add a name, through the corrections

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            aliases = [a for a in data.get("new_alias", "").split(";") if a.strip()]
            correction = curation.add_organisation(
                name=data["name"], kind=data["kind"], aliases=aliases, user=request.user
            )
            obj.pk = correction.entity_id
            return
        entity = Entity.objects.get(pk=obj.pk)
        try:
            if "name" in form.changed_data:
                curation.rename(entity=entity, name=data["name"], user=request.user)
            if "kind" in form.changed_data:
                curation.relabel(entity=entity, kind=data["kind"], user=request.user)
            if data.get("new_alias"):
                curation.add_alias(entity=entity, surface=data["new_alias"], user=request.user)
        except CurationError as error:
            request._curation_failed = True
            self.message_user(request, str(error), messages.ERROR)
        if "reviewed" in form.changed_data:
            Entity.objects.filter(pk=obj.pk).update(reviewed=data["reviewed"])

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_curation_failed", False) and level == messages.SUCCESS:
            return  # the correction was refused: do not also say it was saved
        super().message_user(request, message, level, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entity = self.get_object(request, object_id)
        if entity is not None:
            history = curation.corrections_for(entity)[:HISTORY_LENGTH]
            extra_context = (extra_context or {}) | {
                "latest_mentions": latest_mentions(entity),
                "corrections": history,
                "can_undo": self.has_change_permission(request, entity),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # -- pages of their own: split an alias, undo a merge

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:entity_id>/split/<int:alias_id>/",
                view(self.split_view),
                name="articles_entity_split",
            ),
            path("undo/<int:correction_id>/", view(self.undo_view), name="articles_entity_undo"),
            *super().get_urls(),
        ]

    def _require_change(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def _change_url(self, entity_id: int) -> str:
        return reverse("admin:articles_entity_change", args=[entity_id])

    def split_view(self, request: HttpRequest, entity_id: int, alias_id: int) -> HttpResponse:
        self._require_change(request)
        alias = get_object_or_404(EntityAlias.objects.select_related("entity"), pk=alias_id)
        if alias.entity_id != entity_id:
            raise PermissionDenied
        if request.method == "POST":
            try:
                correction = curation.split_alias(alias=alias, user=request.user)
            except CurationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(self._change_url(entity_id))
            self.message_user(request, correction.summary, messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(correction.entity_id))
        count = Mention.objects.filter(
            entity_id=entity_id, surface__regex=f"^({curation.form_pattern(alias.key)})$"
        ).count()
        return self._confirm(
            request,
            title=gettext("Split « %(alias)s » from « %(entity)s »")
            % {"alias": alias.surface, "entity": alias.entity},
            intro=[
                ngettext(
                    "« %(alias)s » will become an entity of its own (%(kind)s), with %(count)d "
                    "mention, and the tagger will recognise it for itself from now on.",
                    "« %(alias)s » will become an entity of its own (%(kind)s), with %(count)d "
                    "mentions, and the tagger will recognise it for itself from now on.",
                    count,
                )
                % {"alias": alias.surface, "kind": alias.get_kind_display(), "count": count},
            ],
            entities=_with_names(list(with_counts(Entity.objects.filter(pk=entity_id)))),
            submit=gettext("Split"),
            cancel_url=self._change_url(entity_id),
        )

    def undo_view(self, request: HttpRequest, correction_id: int) -> HttpResponse:
        self._require_change(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        correction = get_object_or_404(Correction, pk=correction_id)
        try:
            undo = curation.undo_merge(correction=correction, user=request.user)
        except CurationError as error:
            self.message_user(request, str(error), messages.ERROR)
            target = correction.entity_id
            if target is None:
                return HttpResponseRedirect(reverse("admin:articles_entity_changelist"))
            return HttpResponseRedirect(self._change_url(target))
        self.message_user(request, undo.summary, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(undo.entity_id))

    def _confirm(self, request, *, title, intro, entities, submit, cancel_url, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "intro": intro,
            "entities": entities,
            "submit": submit,
            "cancel_url": cancel_url,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            **extra,
        }
        return TemplateResponse(request, "admin/articles/entity/confirm.html", context)

    # -- actions on the list

    @admin.action(description=_("Merge the selected entities…"), permissions=["change"])
    def merge_entities(self, request, queryset):
        # The most mentioned, then the fullest name, is usually the one to keep.
        entities = sorted(queryset, key=lambda e: (-e.mention_count, -len(e.name), e.name))
        if len(entities) < 2:
            self.message_user(request, gettext("Select at least two entities."), messages.WARNING)
            return None
        if "post" in request.POST:
            keep = next((e for e in entities if str(e.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, gettext("Choose the entity to keep."), messages.ERROR)
            else:
                others = [e for e in entities if e.pk != keep.pk]
                return self._apply(request, curation.merge, keep=keep, others=others)
        return self._confirm(
            request,
            title=gettext("Merge entities"),
            intro=[
                gettext(
                    "Choose the entity to keep. The others' mentions, names and history will "
                    "move to it; their names will become aliases the tagger looks for in every "
                    "dispatch. The merge can be undone from the history."
                )
            ],
            entities=_with_names(entities),
            choose_keep=True,
            default_keep=entities[0].pk,
            action="merge_entities",
            submit=gettext("Merge"),
            cancel_url=request.get_full_path(),
        )

    @admin.action(description=_("Not an entity (reject these names)…"), permissions=["change"])
    def reject_entities(self, request, queryset):
        entities = _with_names(list(queryset))
        if "post" in request.POST:
            names = {normalize_form(name): name for e in entities for name in e.names}
            for surface in names.values():
                if not self._apply(request, curation.reject_form, surface=surface):
                    break
            return None
        return self._confirm(
            request,
            title=gettext("Not an entity"),
            intro=[
                gettext(
                    "These names will be rejected everywhere: their mentions found by the machine "
                    "leave the archive and the tagger will not suggest them again. Mentions the "
                    "desk added by hand stay."
                )
            ],
            entities=entities,
            action="reject_entities",
            submit=gettext("Reject these names"),
            cancel_url=request.get_full_path(),
        )

    @admin.action(description=_("Change the kind…"), permissions=["change"])
    def relabel_entities(self, request, queryset):
        entities = list(queryset)
        form = RelabelForm(request.POST if "post" in request.POST else None)
        if form.is_valid():
            for entity in entities:
                if entity.kind != form.cleaned_data["kind"]:
                    self._apply(
                        request,
                        curation.relabel,
                        entity=entity,
                        kind=form.cleaned_data["kind"],
                        merge_on_clash=form.cleaned_data["merge_on_clash"],
                    )
            return None
        return self._confirm(
            request,
            title=gettext("Change the kind"),
            intro=[
                gettext(
                    "The entities and all their names take the new kind; the tagger will "
                    "recognise them with this kind from now on."
                )
            ],
            entities=_with_names(entities),
            action="relabel_entities",
            form=form,
            submit=gettext("Change the kind"),
            cancel_url=request.get_full_path(),
        )

    def _apply(self, request, service, **kwargs) -> bool:
        """Run one correction and tell the editor how it went."""
        try:
            correction = service(user=request.user, **kwargs)
        except CurationError as error:
            self.message_user(request, str(error), messages.ERROR)
            return False
        self.message_user(request, correction.summary, messages.SUCCESS)
        return True
