"""The index queue, and the journalists' watch: saved searches, their matches and alerts."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class IndexQueue(models.Model):
    """One row per article to (re)index; `marked_at` changes each time it is marked again."""

    article_id = models.BigIntegerField(_("dispatch id"), unique=True)
    marked_at = models.DateTimeField(_("marked at"), db_index=True)

    class Meta:
        verbose_name = _("index queue entry")
        verbose_name_plural = _("index queue")

    def __str__(self) -> str:
        return gettext("dispatch %(article)s marked %(at)s") % {
            "article": self.article_id,
            "at": f"{self.marked_at:%Y-%m-%d %H:%M:%S}",
        }


def _feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class SavedSearch(models.Model):
    """A journalist's search kept watch on: the results page's own query string, named."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate (within 5 minutes)")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("No alerts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="saved_searches",
        on_delete=models.CASCADE,
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=200)
    query_string = models.TextField(
        _("search"), help_text=_("The search page's query string: words, filters, dates, sort.")
    )
    frequency = models.CharField(
        _("alerts"), max_length=10, choices=Frequency, default=Frequency.DAILY
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(
        _("last seen at"),
        default=timezone.now,
        help_text=_("When its owner last opened its results."),
    )
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    broken = models.TextField(
        _("broken"), blank=True, help_text=_("Why its query no longer parses; empty when it works.")
    )
    feed_token = models.CharField(_("feed token"), max_length=64, unique=True, default=_feed_token)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class WatchState(models.Model):
    """One row: the dispatches matched against saved searches so far (ready up to `until`)."""

    until = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("watch state")
        verbose_name_plural = _("watch states")

    def __str__(self) -> str:
        return gettext("matched up to %(until)s") % {"until": f"{self.until:%Y-%m-%d %H:%M:%S}"}


class AlertDigest(models.Model):
    """One email to one user for one frequency; its state makes sending exactly-once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Sending interrupted (not sent again)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=SavedSearch.Frequency)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("message id"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sent alert")
        verbose_name_plural = _("sent alerts")

    def __str__(self) -> str:
        return gettext("%(frequency)s for %(user)s (%(status)s)") % {
            "frequency": self.get_frequency_display(),
            "user": self.user,
            "status": self.get_status_display(),
        }


class SavedSearchMatch(models.Model):
    """A dispatch that matched a saved search when it became searchable; the alert log."""

    saved_search = models.ForeignKey(
        SavedSearch,
        related_name="matches",
        on_delete=models.CASCADE,
        verbose_name=_("saved search"),
    )
    article_id = models.BigIntegerField(_("dispatch id"))
    story_id = models.BigIntegerField(_("story id"))
    matched_at = models.DateTimeField(_("matched at"), default=timezone.now, db_index=True)
    digest = models.ForeignKey(
        AlertDigest,
        null=True,
        blank=True,
        related_name="matches",
        on_delete=models.SET_NULL,
        verbose_name=_("alert"),
    )
    update = models.BooleanField(
        _("update"),
        default=False,
        help_text=_("A new version of a story this search already sent."),
    )
    skipped = models.BooleanField(
        _("skipped"),
        default=False,
        help_text=_("Not sent: a later version of its story went instead."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "article_id"], name="saved_search_match_once"
            )
        ]
        indexes = [models.Index(fields=["saved_search", "story_id"], name="match_story")]
        verbose_name = _("saved search match")
        verbose_name_plural = _("saved search matches")

    def __str__(self) -> str:
        return gettext("dispatch %(article)s for search %(search)s") % {
            "article": self.article_id,
            "search": self.saved_search_id,
        }
