"""The watch at scale: 1,000 saved searches over a day of 2,000 new dispatches.

Runs in a process of its own (`run_isolated`), so its peak memory is the alert task's. The
newest 2,000 dispatches of the archive are the day's news; 100 journalists keep 10 saved
searches each (words of the archive, pairs, phrases, a source filter). The figure is one
matching pass (`search.watch.percolate`), then the digests prepared and rendered (sent to
Django's in-memory mail backend). The baseline, in the same run, is the naive way: every
saved search run against the whole archive's index.
"""

from __future__ import annotations

import random
import re
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from articles.models import Article
from bench.measure import Stopwatch
from bench.report import row

USERS, PER_USER, NEW = 100, 10, 2000
_WORD = re.compile(r"\b[a-zéèêàùâîôûç]{7,}\b")


def _queries(rng: random.Random) -> list[str]:
    from search.analysis import analyse_word

    words: set[str] = set()
    for body in Article.objects.order_by("pk").values_list("body", flat=True)[:300]:
        words.update(_WORD.findall(body))
    pool = sorted(w for w in words if analyse_word(w) is not None)  # no stop words
    queries = []
    for number in range(USERS * PER_USER):
        kind = number % 10
        first, second = rng.sample(pool, 2)
        if kind < 5:
            queries.append(f"q={first}")
        elif kind < 8:
            queries.append(f"q={first}+{second}")
        elif kind == 8:
            queries.append(f"q=%22{first}+{second}%22")
        else:
            queries.append(f"q={first}&source=AFP")
    return queries


def measure(seed: int = 2016) -> dict:
    from search import services, watch
    from search.models import AlertDigest, SavedSearch, SavedSearchMatch, WatchState
    from search.query import SearchRequest

    rng = random.Random(seed)
    User = get_user_model()
    SavedSearchMatch.objects.all().delete()
    AlertDigest.objects.all().delete()
    SavedSearch.objects.all().delete()
    User.objects.filter(username__startswith="bench-watch-").delete()
    users = User.objects.bulk_create(
        User(username=f"bench-watch-{n}", email=f"bench-watch-{n}@example.org")
        for n in range(USERS)
    )
    queries = _queries(rng)
    searches = SavedSearch.objects.bulk_create(
        SavedSearch(user=users[n // PER_USER], name=f"recherche {n}", query_string=query)
        for n, query in enumerate(queries)
    )
    now = timezone.now()
    newest = Article.objects.aggregate(top=Max("pk"))["top"] or 0
    Article.objects.exclude(tagging_status="pending").update(tagged_at=now - timedelta(days=2))
    Article.objects.filter(pk__gt=newest - NEW).update(
        tagging_status="done", tagged_at=now - timedelta(minutes=1)
    )
    WatchState.objects.all().delete()
    WatchState.objects.create(until=now - timedelta(hours=1))

    with Stopwatch() as matching:
        report = watch.percolate()
    locmem = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    with locmem, Stopwatch() as sending:
        digests = watch.prepare_digests("daily", force=True)
        for digest in digests:
            watch.build_message(digest).send()

    started = time.perf_counter()
    naive_matches = 0
    for search in searches:
        request = watch.saved_request(search.query_string, limit=NEW)
        every = SearchRequest(**{**request.__dict__, "with_facets": False, "collapse": False})
        try:
            naive_matches += len(services.run(every).ids)
        except services.QuerySyntaxError:
            continue
    naive_s = time.perf_counter() - started
    return {
        "searches": len(searches),
        "users": USERS,
        "new_dispatches": report.dispatches,
        "matches": report.matches,
        "broken": len(report.broken),
        "match_s": round(matching.seconds, 2),
        "digest_s": round(sending.seconds, 2),
        "digests": len(digests),
        "naive_s": round(naive_s, 2),
        "naive_matches_over_archive": naive_matches,
    }


def rows(figures: dict) -> list[dict]:
    total = figures["match_s"] + figures["digest_s"]
    return [
        row(
            "watch",
            f"{figures['searches']} saved searches over {figures['new_dispatches']} new dispatches",
            unit="s",
            measured=round(total, 2),
            baseline=figures["naive_s"],
            baseline_name="the same searches on the whole archive's index",
            note=f"matching {figures['match_s']} s ({figures['matches']} matches), "
            f"{figures['digests']} digests rendered in {figures['digest_s']} s; "
            f"peak {figures['peak_rss_mb']} MB",
        ),
        row("watch", "peak memory of the alert pass", unit="MB", measured=figures["peak_rss_mb"]),
    ]
