"""The archive's records: sources, import batches, articles, entities and mentions."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    version_markers = models.JSONField(
        _("version markers"),
        default=dict,
        blank=True,
        help_text=_(
            'The source\'s own version markers, by kind: {"urgent": ["URGENT", "PRIORITAIRE"]}. '
            "A kind given here replaces the default list."
        ),
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        blank=True,
        help_text=_(
            "Credit owed to the source, shown on the page of each of its dispatches "
            "(for instance « Wikinews (fr.wikinews.org), CC BY 2.5 »)."
        ),
    )
    attribution_url = models.URLField(
        _("attribution link"),
        blank=True,
        help_text=_("Link of the credit: the licence or the source's site."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name) or "source"
        super().save(*args, **kwargs)

    def clean(self):
        from articles.versions import MarkerRules

        if not isinstance(self.version_markers, dict):
            raise ValidationError(
                {"version_markers": _('A JSON object is expected: {"urgent": ["URGENT"]}.')}
            )
        try:
            MarkerRules(self.version_markers)
        except ValueError as error:
            raise ValidationError({"version_markers": str(error)}) from error


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    files_total = models.PositiveIntegerField(_("files"), default=0)
    files_done = models.PositiveIntegerField(_("files done"), default=0)
    files_rejected = models.PositiveIntegerField(_("files rejected"), default=0)
    articles_created = models.PositiveIntegerField(_("articles created"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return gettext("Import #%(number)s (%(source)s)") % {
            "number": self.pk,
            "source": self.source,
        }

    def get_absolute_url(self) -> str:
        return reverse("articles:batch", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.files_total:
            return 0
        return min(100, round(100 * self.files_done / self.files_total))


class ImportFileResult(models.Model):
    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", pgettext_lazy("import file status", "Rejected")

    batch = models.ForeignKey(
        ImportBatch, related_name="files", on_delete=models.CASCADE, verbose_name=_("batch")
    )
    name = models.CharField(_("file name"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    format = models.CharField(_("format"), max_length=12, blank=True)
    articles_created = models.PositiveIntegerField(_("articles created"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """One story family: the alert, leads, rewrites, corrections and copies of one story."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return gettext("Story #%(number)s") % {"number": self.pk}


class Article(models.Model):
    class Tagging(models.TextChoices):
        PENDING = "pending", _("To tag")
        DONE = "done", _("Tagged")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not tagged (other language)")

    source = models.ForeignKey(
        Source, related_name="articles", on_delete=models.PROTECT, verbose_name=_("source")
    )
    title = models.CharField(_("title"), max_length=500)
    title_derived = models.BooleanField(
        _("derived title"),
        default=False,
        help_text=_("The dispatch had no headline; the title is its first sentence."),
    )
    body = models.TextField(
        _("text"), help_text=_("Exactly as imported; mention offsets point into it.")
    )
    byline = models.CharField(_("byline"), max_length=500, blank=True)
    dateline_place = models.CharField(_("dateline"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    import_batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        related_name="articles",
        on_delete=models.SET_NULL,
        verbose_name=_("import batch"),
    )
    source_file = models.CharField(_("source file"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    tagging_status = models.CharField(
        _("tagging"), max_length=10, choices=Tagging, default=Tagging.PENDING, db_index=True
    )
    tagging_error = models.TextField(_("tagging error"), blank=True)
    tagged_at = models.DateTimeField(_("tagged at"), null=True, blank=True)
    tagger = models.CharField(
        _("tagger"), max_length=100, blank=True, help_text=_("Model name and version.")
    )

    class VersionKind(models.TextChoices):
        ALERT = "alert", _("Alert")
        URGENT = "urgent", _("Urgent")
        LEAD = "lead", _("Lead")
        REWRITE = "rewrite", _("Rewrite")
        CORRECTION = "correction", pgettext_lazy("version kind", "Correction")
        ANNULMENT = "annulment", _("Annulment")
        ORIGINAL = "original", _("Dispatch")

    raw_title = models.CharField(
        _("raw title"),
        max_length=500,
        blank=True,
        help_text=_("The headline as delivered, markers included."),
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Date and time of publication, when the format has it."),
    )
    story = models.ForeignKey(
        Story, related_name="versions", on_delete=models.PROTECT, verbose_name=_("story")
    )
    version_kind = models.CharField(
        _("version kind"), max_length=10, choices=VersionKind, default=VersionKind.ORIGINAL
    )
    version_number = models.PositiveSmallIntegerField(
        _("version number"),
        null=True,
        blank=True,
        help_text=_("The lead's number: 2 for « 2e LEAD »."),
    )
    version_note = models.CharField(
        _("version note"),
        max_length=500,
        blank=True,
        help_text=_("The correction notice, as written."),
    )
    version_rank = models.PositiveIntegerField(_("rank in the story"), default=1)
    is_current_version = models.BooleanField(_("current version"), default=True, db_index=True)
    annulled = models.BooleanField(_("annulled"), default=False)
    grouped_at = models.DateTimeField(_("grouped at"), null=True, blank=True, db_index=True)
    story_pinned = models.BooleanField(
        _("placed by the desk"),
        default=False,
        help_text=_("An editor placed it in its story: grouping leaves it there."),
    )
    # What the wire formats carry (empty for plain text).
    source_format = models.CharField(_("source format"), max_length=12, default="plaintext")
    guid = models.CharField(
        _("feed id"),
        max_length=300,
        blank=True,
        db_index=True,
        help_text=_("The item's id in its feed."),
    )
    item_version = models.PositiveIntegerField(
        _("item version"),
        null=True,
        blank=True,
        help_text=_("The item's version or revision number in its feed."),
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), null=True, blank=True, help_text=_("1 is the most urgent.")
    )
    slug = models.CharField(
        _("slug line"), max_length=300, blank=True, help_text=_("The wire's slug line.")
    )
    subjects = models.JSONField(
        _("subjects"),
        default=list,
        blank=True,
        help_text=_("[code, name] pairs, e.g. IPTC subject codes."),
    )
    genre = models.CharField(_("genre"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        default="fr",
        db_index=True,
        help_text=_("ISO 639-1: fr, en, es…"),
    )
    wire_status = models.CharField(
        _("wire status"),
        max_length=20,
        blank=True,
        help_text=_("usable, canceled, withheld… as the feed said."),
    )

    class Meta:
        ordering = ["-published_on", "-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_hash"], name="article_unique_content_per_source"
            )
        ]
        indexes = [models.Index(fields=["-imported_at", "-id"], name="article_newest")]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        permissions = [
            ("import_dispatches", "Can import dispatch files"),
            ("export_results", "Can export search results"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.pk])


class StorySignature(models.Model):
    """A dispatch's LSH keys (MinHash bands of its body and lede, its title), for grouping."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        related_name="signature",
        on_delete=models.CASCADE,
        verbose_name=_("dispatch"),
    )
    at = models.DateTimeField(
        _("at"), help_text=_("Publication time, else import time: the window's axis.")
    )
    keys = ArrayField(models.BigIntegerField(), default=list, verbose_name=_("keys"))

    class Meta:
        indexes = [
            GinIndex(fields=["keys"], name="story_signature_keys"),
            models.Index(fields=["at"], name="story_signature_at"),
        ]
        verbose_name = _("story signature")
        verbose_name_plural = _("story signatures")

    def __str__(self) -> str:
        return gettext("keys of dispatch %(article)s") % {"article": self.article_id}


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERSON = "PER", _("Person")
        PLACE = "LOC", _("Place")
        ORGANISATION = "ORG", _("Organisation")
        MISC = "MISC", _("Miscellaneous")

    kind = models.CharField(_("kind"), max_length=4, choices=Kind, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=320, unique=True)
    reviewed = models.BooleanField(_("reviewed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:entity", args=[self.slug])


class EntityAlias(models.Model):
    """A surface form that resolves to an entity; `key` is the folded form."""

    entity = models.ForeignKey(
        Entity, related_name="aliases", on_delete=models.CASCADE, verbose_name=_("entity")
    )
    key = models.CharField(_("key"), max_length=300)
    surface = models.CharField(_("form"), max_length=300)
    kind = models.CharField(_("kind"), max_length=4, choices=Entity.Kind)
    curated = models.BooleanField(
        _("curated"),
        default=False,
        help_text=_("Added or confirmed by an editor; the tagger looks for it."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="alias_unique_key_per_kind")
        ]
        verbose_name = _("entity alias")
        verbose_name_plural = _("entity aliases")

    def __str__(self) -> str:
        return self.surface


class Mention(models.Model):
    class Origin(models.TextChoices):
        MODEL = "model", _("Model")
        RULE = "rule", _("Rule")
        EDITOR = "editor", _("Desk")

    article = models.ForeignKey(
        Article, related_name="mentions", on_delete=models.CASCADE, verbose_name=_("dispatch")
    )
    entity = models.ForeignKey(
        Entity, related_name="mentions", on_delete=models.CASCADE, verbose_name=_("entity")
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    surface = models.CharField(_("text"), max_length=300)
    origin = models.CharField(_("origin"), max_length=6, choices=Origin, default=Origin.MODEL)
    rejected = models.BooleanField(
        _("rejected"),
        default=False,
        help_text=_("An editor said this is not a mention; re-tagging keeps it out."),
    )

    class Meta:
        ordering = ["article", "start"]
        indexes = [models.Index(fields=["entity", "article"], name="mention_entity_article")]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="mention_unique_span_per_article"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="mention_nonempty_span"
            ),
        ]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"{self.surface} → {self.entity}"


class RejectedForm(models.Model):
    """A surface form editors said is never an entity; the tagger drops it."""

    key = models.CharField(_("key"), max_length=300, unique=True)
    surface = models.CharField(_("form"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("rejected by"),
    )
    created_at = models.DateTimeField(_("rejected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rejected form")
        verbose_name_plural = _("rejected forms")

    def __str__(self) -> str:
        return self.surface


class Correction(models.Model):
    """One editor correction, recorded with what it changed; merges can be undone from it."""

    class Action(models.TextChoices):
        MERGE = "merge", _("Merge")
        UNDO_MERGE = "undo_merge", _("Merge undone")
        RENAME = "rename", _("Rename")
        RELABEL = "relabel", _("Kind changed")
        SPLIT = "split", _("Alias split off")
        REJECT_FORM = "reject_form", _("Not an entity")
        REJECT_MENTION = "reject_mention", _("Mention rejected")
        CHANGE_MENTION = "change_mention", _("Mention reassigned")
        ADD_MENTION = "add_mention", _("Mention added")
        ADD_ALIAS = "add_alias", _("Alias added")
        SPLIT_STORY = "split_story", _("Dispatch taken out of its story")
        MERGE_STORIES = "merge_stories", _("Stories merged")
        UNDO_STORY = "undo_story", _("Story restored")
        REJECT_QUOTE = "reject_quote", _("Quote rejected")
        CHANGE_QUOTE_SPEAKER = "change_quote_speaker", _("Quote speaker corrected")

    action = models.CharField(_("action"), max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    entity = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        related_name="corrections",
        on_delete=models.SET_NULL,
        verbose_name=_("entity"),
    )
    entity_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        verbose_name=_("entities involved"),
        help_text=_("Every entity involved, even deleted."),
    )
    summary = models.CharField(_("summary"), max_length=500)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reverted_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        related_name="reverts",
        on_delete=models.SET_NULL,
        verbose_name=_("reverted by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [GinIndex(fields=["entity_ids"], name="correction_entity_ids")]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return self.summary


class Quote(models.Model):
    """Quoted words of a dispatch (offsets inside the marks) and who said them."""

    class Origin(models.TextChoices):
        MODEL = "model", _("Model")
        EDITOR = "editor", _("Desk")

    article = models.ForeignKey(
        Article, related_name="quotes", on_delete=models.CASCADE, verbose_name=_("dispatch")
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    speaker = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        related_name="quotes",
        on_delete=models.SET_NULL,
        verbose_name=_("speaker"),
    )
    speaker_text = models.CharField(
        _("speaker as written"),
        max_length=300,
        blank=True,
        help_text=_("The attribution in the text."),
    )
    verb = models.CharField(_("verb"), max_length=50, blank=True)
    partial = models.BooleanField(
        _("partial"), default=False, help_text=_("Quoted words inside the writer's own sentence.")
    )
    origin = models.CharField(_("origin"), max_length=6, choices=Origin, default=Origin.MODEL)
    rejected = models.BooleanField(
        _("rejected"),
        default=False,
        help_text=_("Not a quote, the desk says; re-tagging leaves it out."),
    )

    class Meta:
        ordering = ["article", "start"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="quote_unique_span_per_article"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="quote_nonempty_span"
            ),
        ]

    def __str__(self) -> str:
        return gettext("quote %(start)s-%(end)s of dispatch %(article)s") % {
            "start": self.start,
            "end": self.end,
            "article": self.article_id,
        }
