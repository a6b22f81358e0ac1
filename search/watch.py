"""The journalists' watch: saved searches matched against new dispatches, alerts sent once.

Matching (every few minutes, `percolate`): the dispatches that became searchable since the
last pass (tagged, or final without tagging) are written to a small Whoosh index of their
own, and every saved search runs on it, whole: words, operators, facet filters, dates.
Both engines read the query language the same way (the suite checks it), so the matches
are what the archive's own search would give. Each match is recorded once
(`SavedSearchMatch`, unique per search and dispatch); the pass and its watermark
(`WatchState`) commit together, so a crash repeats a pass and never skips one.

Sending (`send_due`): per user and frequency, the unsent matches of the searches that are
due become one digest. The digest and its matches are recorded (`AlertDigest`, status
"sending") and committed before the message goes to the SMTP server, and marked sent
after: a worker killed between the two leaves a digest "sending", which is never sent
again (it is marked "uncertain" for the admin) — nothing goes twice. An SMTP server that
refuses or is down raises: the digest goes back to pending and the task retries with
backoff, so nothing is lost either.

Story collapse: a new version of a story a search already sent comes once, as an update;
of several versions in one digest only the latest goes.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import ngettext

from articles.models import Article
from search.models import AlertDigest, SavedSearch, SavedSearchMatch, WatchState
from search.query import QuerySyntaxError, SearchRequest

logger = logging.getLogger(__name__)

DUE_AFTER = {
    SavedSearch.Frequency.IMMEDIATE: timedelta(0),
    SavedSearch.Frequency.DAILY: timedelta(hours=23, minutes=30),
    SavedSearch.Frequency.WEEKLY: timedelta(days=6, hours=23, minutes=30),
}
MATCH_LIMIT = 10_000  # matches per search and pass, far above a day of wire copy
UNCERTAIN_AFTER = timedelta(minutes=15)
EXTRACT_CHARS = 1_000
UNSUBSCRIBE_SALT = "newsroom.unsubscribe"


class BrokenSearch(ValueError):
    """A saved search whose query no longer reads; the message says why."""


def saved_request(query_string: str, *, limit: int = MATCH_LIMIT) -> SearchRequest:
    """The saved query string as the search page would read it; BrokenSearch if it cannot."""
    from search.forms import SearchForm
    from search.query import check_syntax

    form = SearchForm(QueryDict(query_string))
    if not form.is_valid():
        errors = "; ".join(e for errors in form.errors.values() for e in errors)
        raise BrokenSearch(errors)
    request = form.search_request(page=1, per_page=limit)
    try:
        check_syntax(request.q)
    except QuerySyntaxError as error:
        raise BrokenSearch(str(error)) from error
    return request


def ready_between(since, until) -> list[int]:
    """Dispatches that became searchable in (since, until]: tagged, or final untagged."""
    return list(
        Article.objects.exclude(tagging_status=Article.Tagging.PENDING)
        .annotate(ready=Coalesce("tagged_at", "imported_at"))
        .filter(ready__gt=since, ready__lte=until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass
class PassReport:
    dispatches: int = 0
    searches: int = 0
    matches: int = 0
    broken: list[int] = field(default_factory=list)


def percolate(now=None) -> PassReport:
    """Match the dispatches ready since the last pass against every saved search."""
    now = now or timezone.now()
    report = PassReport()
    with transaction.atomic():
        state = WatchState.objects.select_for_update().first()
        if state is None:
            # The watch starts now: earlier dispatches are the archive, not news.
            WatchState.objects.create(until=now)
            return report
        ids = ready_between(state.until, now)
        report.dispatches = len(ids)
        if ids:
            _match(ids, report)
        state.until = now
        state.save(update_fields=["until"])
    return report


def _match(ids: list[int], report: PassReport) -> None:
    searches = list(SavedSearch.objects.filter(broken=""))
    report.searches = len(searches)
    if not searches:
        return
    matched = match_searches(ids, searches, report)
    stories = dict(Article.objects.filter(pk__in=ids).values_list("pk", "story_id"))
    rows = [
        SavedSearchMatch(saved_search_id=search_id, article_id=pk, story_id=stories[pk])
        for search_id, found in matched.items()
        for pk in found
        if pk in stories
    ]
    SavedSearchMatch.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    report.matches = len(rows)


def match_searches(ids: list[int], searches: Iterable[SavedSearch], report=None) -> dict:
    """{saved search id: matching article ids} over these articles, on an index of their own."""
    from search.backends.whoosh import FrenchWhooshBackend, forget_index
    from search.backends.whoosh_search import run_search
    from search.documents import articles_for_index
    from search.indexing import article_index

    folder = tempfile.mkdtemp(prefix="newsroom-watch-")
    matched: dict[int, list[int]] = {}
    try:
        backend = FrenchWhooshBackend("default", PATH=folder)
        backend.setup()
        backend.apply(article_index(), articles_for_index().filter(pk__in=ids))
        for search in searches:
            try:
                request = saved_request(search.query_string)
                # Every matching version: the digest collapses stories itself.
                every = {**request.__dict__, "with_facets": False, "collapse": False}
                hits = run_search(backend, SearchRequest(**every))
            except (BrokenSearch, QuerySyntaxError) as error:
                mark_broken(search, str(error))
                if report is not None:
                    report.broken.append(search.pk)
                continue
            matched[search.pk] = hits.ids
    finally:
        forget_index(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return matched


def mark_broken(search: SavedSearch, reason: str) -> None:
    """Keep a search whose query no longer parses, marked (never deleted)."""
    SavedSearch.objects.filter(pk=search.pk).update(broken=reason[:2000] or "illisible")
    logger.warning("saved search %s is broken: %s", search.pk, reason)


# Sending ----------------------------------------------------------------------------------


def due_searches(frequency: str, now, *, force: bool = False) -> list[SavedSearch]:
    after = timedelta(0) if force else DUE_AFTER[frequency]
    queryset = SavedSearch.objects.filter(frequency=frequency, broken="")
    if after:
        queryset = queryset.filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - after))
    return list(queryset.select_related("user"))


@dataclass
class Entry:
    """One dispatch in a digest, under the search that found it."""

    search: SavedSearch
    article: Article
    update: bool


def prepare_digests(frequency: str, now=None, *, force: bool = False) -> list[AlertDigest]:
    """Turn the unsent matches of the due searches into digests, one per user (recorded,
    not yet sent); `force` takes every search of the frequency as due."""
    now = now or timezone.now()
    digests = []
    by_user: dict[int, list[SavedSearch]] = defaultdict(list)
    for search in due_searches(frequency, now, force=force):
        by_user[search.user_id].append(search)
    for user_id, searches in by_user.items():
        with transaction.atomic():
            pending = list(
                SavedSearchMatch.objects.select_for_update(skip_locked=True)
                .filter(saved_search__in=searches, digest__isnull=True, skipped=False)
                .order_by("saved_search_id", "story_id", "-article_id")
            )
            # The latest version of each story first (its rank, as the story now stands).
            ranks = dict(
                Article.objects.filter(pk__in=[m.article_id for m in pending]).values_list(
                    "pk", "version_rank"
                )
            )
            pending.sort(key=lambda m: (m.saved_search_id, m.story_id, -ranks.get(m.article_id, 0)))
            SavedSearch.objects.filter(pk__in=[s.pk for s in searches]).update(last_sent_at=now)
            if not pending:
                continue
            digest = AlertDigest.objects.create(user_id=user_id, frequency=frequency)
            sent_stories = set(
                SavedSearchMatch.objects.filter(
                    saved_search__in=searches, digest__isnull=False, skipped=False
                )
                .exclude(digest=digest)
                .values_list("saved_search_id", "story_id")
            )
            seen: set[tuple[int, int]] = set()
            chosen, skipped = [], []
            for match in pending:  # the latest version of each story first
                key = (match.saved_search_id, match.story_id)
                if key in seen:
                    skipped.append(match.pk)
                    continue
                seen.add(key)
                match.update = key in sent_stories
                match.digest = digest
                chosen.append(match)
            SavedSearchMatch.objects.bulk_update(chosen, ["digest", "update"])
            SavedSearchMatch.objects.filter(pk__in=skipped).update(skipped=True)
            digests.append(digest)
    return digests


def entries(digest: AlertDigest) -> list[Entry]:
    matches = list(digest.matches.select_related("saved_search").order_by("saved_search__name"))
    articles = Article.objects.select_related("source").in_bulk([m.article_id for m in matches])
    return [
        Entry(m.saved_search, articles[m.article_id], m.update)
        for m in matches
        if m.article_id in articles
    ]


def unsubscribe_token(search: SavedSearch) -> str:
    return signing.dumps({"search": search.pk}, salt=UNSUBSCRIBE_SALT)


def search_for_token(token: str) -> SavedSearch | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.filter(pk=data.get("search")).first()


def claim(digest_id: int) -> AlertDigest | None:
    """Mark a pending digest as being sent (committed before the send); None if it is not
    pending any more (sent, or interrupted mid-send: never sent twice)."""
    with transaction.atomic():
        digest = (
            AlertDigest.objects.select_for_update(skip_locked=True)
            .filter(pk=digest_id, status=AlertDigest.Status.PENDING)
            .first()
        )
        if digest is None:
            return None
        digest.status = AlertDigest.Status.SENDING
        digest.sending_since = timezone.now()
        digest.attempts += 1
        digest.save(update_fields=["status", "sending_since", "attempts"])
    return digest


def mark_sent(digest: AlertDigest, message_id: str) -> None:
    AlertDigest.objects.filter(pk=digest.pk).update(
        status=AlertDigest.Status.SENT, sent_at=timezone.now(), message_id=message_id[:200]
    )


def mark_failed(digest: AlertDigest, error: Exception) -> None:
    """The SMTP server refused or was down: the digest is pending again, for a retry."""
    AlertDigest.objects.filter(pk=digest.pk).update(
        status=AlertDigest.Status.PENDING, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def mark_interrupted(now=None) -> int:
    """Digests left "sending" by a killed worker: maybe sent, so never sent again."""
    cutoff = (now or timezone.now()) - UNCERTAIN_AFTER
    return AlertDigest.objects.filter(
        status=AlertDigest.Status.SENDING, sending_since__lt=cutoff
    ).update(status=AlertDigest.Status.UNCERTAIN)


def pending_digests() -> list[int]:
    return list(
        AlertDigest.objects.filter(status=AlertDigest.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_message(digest: AlertDigest):
    """The digest as an email: French, HTML and plain text, an unsubscribe link per search."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.text import Truncator

    found = entries(digest)
    searches: dict[int, dict] = {}
    for entry in found:
        block = searches.setdefault(
            entry.search.pk,
            {
                "search": entry.search,
                "url": absolute(reverse("search:search") + "?" + entry.search.query_string),
                "unsubscribe": absolute(
                    reverse("search:unsubscribe", args=[unsubscribe_token(entry.search)])
                ),
                "entries": [],
                "more": 0,
            },
        )
        if len(block["entries"]) >= settings.ALERT_DIGEST_PER_SEARCH:
            block["more"] += 1
            continue
        block["entries"].append(
            {
                "article": entry.article,
                "update": entry.update,
                "url": absolute(entry.article.get_absolute_url()),
                # 40 words never need more than the body's start; escaped in the HTML.
                "extract": Truncator(entry.article.body[:EXTRACT_CHARS]).words(40),
            }
        )
    context = {
        "digest": digest,
        "blocks": list(searches.values()),
        "count": len(found),
        "manage_url": absolute(reverse("search:saved")),
    }
    subject = ngettext(
        "Your alerts: %(count)d dispatch (%(frequency)s)",
        "Your alerts: %(count)d dispatches (%(frequency)s)",
        len(found),
    ) % {"count": len(found), "frequency": digest.get_frequency_display()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("search/alert_email.txt", context),
        to=[digest.user.email],
        headers={
            "List-Unsubscribe": ", ".join(f"<{b['unsubscribe']}>" for b in context["blocks"]),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Newsroom-Digest": str(digest.pk),
        },
    )
    message.attach_alternative(render_to_string("search/alert_email.html", context), "text/html")
    return message
