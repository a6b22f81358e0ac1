"""The index queue, and the journalists' watch: saved searches, their matches and alerts."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IndexQueue(models.Model):
    """One row per article to (re)index; `marked_at` changes each time it is marked again."""

    article_id = models.BigIntegerField(unique=True)
    marked_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "index queue entry"
        verbose_name_plural = "index queue"

    def __str__(self) -> str:
        return f"article {self.article_id} marked {self.marked_at:%Y-%m-%d %H:%M:%S}"


def _feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class SavedSearch(models.Model):
    """A journalist's search kept watch on: the results page's own query string, named."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "Immédiate (sous 5 minutes)"
        DAILY = "daily", "Quotidienne"
        WEEKLY = "weekly", "Hebdomadaire"
        OFF = "off", "Aucune alerte"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="saved_searches", on_delete=models.CASCADE
    )
    name = models.CharField("nom", max_length=200)
    query_string = models.TextField(
        "recherche", help_text="The search page's query string: words, filters, dates, sort."
    )
    frequency = models.CharField(
        "alertes", max_length=10, choices=Frequency, default=Frequency.DAILY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(
        default=timezone.now, help_text="When its owner last opened its results."
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    broken = models.TextField(
        blank=True, help_text="Why its query no longer parses; empty when it works."
    )
    feed_token = models.CharField(max_length=64, unique=True, default=_feed_token)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "recherche enregistrée"
        verbose_name_plural = "recherches enregistrées"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class WatchState(models.Model):
    """One row: the dispatches matched against saved searches so far (ready up to `until`)."""

    until = models.DateTimeField()

    class Meta:
        verbose_name = "état de la veille"

    def __str__(self) -> str:
        return f"matched up to {self.until:%Y-%m-%d %H:%M:%S}"


class AlertDigest(models.Model):
    """One email to one user for one frequency; its state makes sending exactly-once."""

    class Status(models.TextChoices):
        PENDING = "pending", "À envoyer"
        SENDING = "sending", "En cours d'envoi"
        SENT = "sent", "Envoyé"
        UNCERTAIN = "uncertain", "Envoi interrompu (non renvoyé)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    frequency = models.CharField(max_length=10, choices=SavedSearch.Frequency)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "alerte envoyée"
        verbose_name_plural = "alertes envoyées"

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} pour {self.user} ({self.get_status_display()})"


class SavedSearchMatch(models.Model):
    """A dispatch that matched a saved search when it became searchable; the alert log."""

    saved_search = models.ForeignKey(SavedSearch, related_name="matches", on_delete=models.CASCADE)
    article_id = models.BigIntegerField()
    story_id = models.BigIntegerField()
    matched_at = models.DateTimeField(default=timezone.now, db_index=True)
    digest = models.ForeignKey(
        AlertDigest, null=True, blank=True, related_name="matches", on_delete=models.SET_NULL
    )
    update = models.BooleanField(
        default=False, help_text="A new version of a story this search already sent."
    )
    skipped = models.BooleanField(
        default=False, help_text="Not sent: a later version of its story went instead."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "article_id"], name="saved_search_match_once"
            )
        ]
        indexes = [models.Index(fields=["saved_search", "story_id"], name="match_story")]

    def __str__(self) -> str:
        return f"article {self.article_id} for {self.saved_search_id}"
