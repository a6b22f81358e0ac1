"""The archive's records: sources, import batches, articles, entities and mentions."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class Source(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    version_markers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Marqueurs de version propres à la source, par type : {"urgent": '
        '["URGENT", "PRIORITAIRE"]}. Un type donné ici remplace la liste par défaut.',
    )
    attribution = models.CharField(
        max_length=300,
        blank=True,
        help_text="Mention due à la source, affichée sur la page de chacune de ses dépêches "
        "(par exemple « Wikinews (fr.wikinews.org), CC BY 2.5 »).",
    )
    attribution_url = models.URLField(
        blank=True, help_text="Lien de la mention : la licence ou le site de la source."
    )

    class Meta:
        ordering = ["name"]

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
                {"version_markers": 'Un objet JSON est attendu : {"urgent": ["URGENT"]}.'}
            )
        try:
            MarkerRules(self.version_markers)
        except ValueError as error:
            raise ValidationError({"version_markers": str(error)}) from error


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    error = models.TextField(blank=True)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    files_rejected = models.PositiveIntegerField(default=0)
    articles_created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.source})"

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
        IMPORTED = "imported", "Importé"
        REJECTED = "rejected", "Rejeté"

    batch = models.ForeignKey(ImportBatch, related_name="files", on_delete=models.CASCADE)
    name = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status)
    encoding = models.CharField(max_length=40, blank=True)
    format = models.CharField(max_length=12, blank=True)
    articles_created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """One story family: the alert, leads, rewrites, corrections and copies of one story."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "histoire"
        verbose_name_plural = "histoires"

    def __str__(self) -> str:
        return f"Histoire #{self.pk}"


class Article(models.Model):
    class Tagging(models.TextChoices):
        PENDING = "pending", "À étiqueter"
        DONE = "done", "Étiqueté"
        FAILED = "failed", "Échec"
        SKIPPED = "skipped", "Non étiqueté (autre langue)"

    source = models.ForeignKey(Source, related_name="articles", on_delete=models.PROTECT)
    title = models.CharField(max_length=500)
    title_derived = models.BooleanField(
        default=False, help_text="The dispatch had no headline; the title is its first sentence."
    )
    body = models.TextField(help_text="Exactly as imported; mention offsets point into it.")
    byline = models.CharField(max_length=500, blank=True)
    dateline_place = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, related_name="articles", on_delete=models.SET_NULL
    )
    source_file = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    tagging_status = models.CharField(
        max_length=10, choices=Tagging, default=Tagging.PENDING, db_index=True
    )
    tagging_error = models.TextField(blank=True)
    tagged_at = models.DateTimeField(null=True, blank=True)
    tagger = models.CharField(max_length=100, blank=True, help_text="Model name and version.")

    class VersionKind(models.TextChoices):
        ALERT = "alert", "Alerte"
        URGENT = "urgent", "Urgent"
        LEAD = "lead", "Lead"
        REWRITE = "rewrite", "Papier général"
        CORRECTION = "correction", "Rectificatif"
        ANNULMENT = "annulment", "Annulation"
        ORIGINAL = "original", "Dépêche"

    raw_title = models.CharField(
        max_length=500, blank=True, help_text="The headline as delivered, markers included."
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Date and time of publication, when the format has it."
    )
    story = models.ForeignKey(Story, related_name="versions", on_delete=models.PROTECT)
    version_kind = models.CharField(
        max_length=10, choices=VersionKind, default=VersionKind.ORIGINAL
    )
    version_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The lead's number: 2 for « 2e LEAD »."
    )
    version_note = models.CharField(
        max_length=500, blank=True, help_text="The correction notice, as written."
    )
    version_rank = models.PositiveIntegerField(default=1)
    is_current_version = models.BooleanField(default=True, db_index=True)
    annulled = models.BooleanField(default=False)
    grouped_at = models.DateTimeField(null=True, blank=True, db_index=True)
    story_pinned = models.BooleanField(
        default=False, help_text="An editor placed it in its story: grouping leaves it there."
    )
    # What the wire formats carry (empty for plain text).
    source_format = models.CharField(max_length=12, default="plaintext")
    guid = models.CharField(
        max_length=300, blank=True, db_index=True, help_text="The item's id in its feed."
    )
    item_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The item's version or revision number in its feed."
    )
    urgency = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 is the most urgent."
    )
    slug = models.CharField(max_length=300, blank=True, help_text="The wire's slug line.")
    subjects = models.JSONField(
        default=list, blank=True, help_text="[code, name] pairs, e.g. IPTC subject codes."
    )
    genre = models.CharField(max_length=100, blank=True)
    language = models.CharField(
        max_length=8, default="fr", db_index=True, help_text="ISO 639-1: fr, en, es…"
    )
    wire_status = models.CharField(
        max_length=20, blank=True, help_text="usable, canceled, withheld… as the feed said."
    )

    class Meta:
        ordering = ["-published_on", "-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_hash"], name="article_unique_content_per_source"
            )
        ]
        indexes = [models.Index(fields=["-imported_at", "-id"], name="article_newest")]
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
        Article, primary_key=True, related_name="signature", on_delete=models.CASCADE
    )
    at = models.DateTimeField(help_text="Publication time, else import time: the window's axis.")
    keys = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        indexes = [
            GinIndex(fields=["keys"], name="story_signature_keys"),
            models.Index(fields=["at"], name="story_signature_at"),
        ]

    def __str__(self) -> str:
        return f"keys of article {self.article_id}"


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERSON = "PER", "Personne"
        PLACE = "LOC", "Lieu"
        ORGANISATION = "ORG", "Organisation"
        MISC = "MISC", "Divers"

    kind = models.CharField(max_length=4, choices=Kind, db_index=True)
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320, unique=True)
    reviewed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:entity", args=[self.slug])


class EntityAlias(models.Model):
    """A surface form that resolves to an entity; `key` is the folded form."""

    entity = models.ForeignKey(Entity, related_name="aliases", on_delete=models.CASCADE)
    key = models.CharField(max_length=300)
    surface = models.CharField(max_length=300)
    kind = models.CharField(max_length=4, choices=Entity.Kind)
    curated = models.BooleanField(
        default=False, help_text="Added or confirmed by an editor; the tagger looks for it."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="alias_unique_key_per_kind")
        ]
        verbose_name_plural = "entity aliases"

    def __str__(self) -> str:
        return self.surface


class Mention(models.Model):
    class Origin(models.TextChoices):
        MODEL = "model", "Modèle"
        RULE = "rule", "Règle"
        EDITOR = "editor", "Rédaction"

    article = models.ForeignKey(Article, related_name="mentions", on_delete=models.CASCADE)
    entity = models.ForeignKey(Entity, related_name="mentions", on_delete=models.CASCADE)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    surface = models.CharField(max_length=300)
    origin = models.CharField(max_length=6, choices=Origin, default=Origin.MODEL)
    rejected = models.BooleanField(
        default=False, help_text="An editor said this is not a mention; re-tagging keeps it out."
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

    def __str__(self) -> str:
        return f"{self.surface} → {self.entity}"


class RejectedForm(models.Model):
    """A surface form editors said is never an entity; the tagger drops it."""

    key = models.CharField(max_length=300, unique=True)
    surface = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.surface


class Correction(models.Model):
    """One editor correction, recorded with what it changed; merges can be undone from it."""

    class Action(models.TextChoices):
        MERGE = "merge", "Fusion"
        UNDO_MERGE = "undo_merge", "Fusion annulée"
        RENAME = "rename", "Renommage"
        RELABEL = "relabel", "Changement de type"
        SPLIT = "split", "Alias séparé"
        REJECT_FORM = "reject_form", "Pas une entité"
        REJECT_MENTION = "reject_mention", "Mention rejetée"
        CHANGE_MENTION = "change_mention", "Mention réattribuée"
        ADD_MENTION = "add_mention", "Mention ajoutée"
        ADD_ALIAS = "add_alias", "Alias ajouté"
        SPLIT_STORY = "split_story", "Dépêche sortie de son histoire"
        MERGE_STORIES = "merge_stories", "Histoires fusionnées"
        UNDO_STORY = "undo_story", "Histoire rétablie"
        REJECT_QUOTE = "reject_quote", "Citation rejetée"
        CHANGE_QUOTE_SPEAKER = "change_quote_speaker", "Auteur de citation corrigé"

    action = models.CharField(max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    entity = models.ForeignKey(
        Entity, null=True, blank=True, related_name="corrections", on_delete=models.SET_NULL
    )
    entity_ids = ArrayField(
        models.BigIntegerField(), default=list, help_text="Every entity involved, even deleted."
    )
    summary = models.CharField(max_length=500)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reverted_by = models.OneToOneField(
        "self", null=True, blank=True, related_name="reverts", on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [GinIndex(fields=["entity_ids"], name="correction_entity_ids")]

    def __str__(self) -> str:
        return self.summary


class Quote(models.Model):
    """Quoted words of a dispatch (offsets inside the marks) and who said them."""

    class Origin(models.TextChoices):
        MODEL = "model", "Modèle"
        EDITOR = "editor", "Rédaction"

    article = models.ForeignKey(
        Article, related_name="quotes", on_delete=models.CASCADE, verbose_name="dépêche"
    )
    start = models.PositiveIntegerField("début")
    end = models.PositiveIntegerField("fin")
    speaker = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        related_name="quotes",
        on_delete=models.SET_NULL,
        verbose_name="auteur",
    )
    speaker_text = models.CharField(
        "auteur tel qu'écrit", max_length=300, blank=True, help_text="L'attribution du texte."
    )
    verb = models.CharField("verbe", max_length=50, blank=True)
    partial = models.BooleanField(
        "partielle", default=False, help_text="Mots cités dans la phrase même du rédacteur."
    )
    origin = models.CharField("origine", max_length=6, choices=Origin, default=Origin.MODEL)
    rejected = models.BooleanField(
        "rejetée",
        default=False,
        help_text="Pas une citation selon la rédaction ; le réétiquetage l'écarte.",
    )

    class Meta:
        ordering = ["article", "start"]
        verbose_name = "citation"
        verbose_name_plural = "citations"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="quote_unique_span_per_article"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="quote_nonempty_span"
            ),
        ]

    def __str__(self) -> str:
        return f"citation {self.start}-{self.end} de la dépêche {self.article_id}"
