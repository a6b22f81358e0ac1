"""The journalist's watch: saved searches, alerts through a real SMTP server, Atom feeds."""

from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import stories
from articles.importing import import_files
from articles.models import Article
from search import indexing, watch
from search.models import AlertDigest, SavedSearch, SavedSearchMatch, WatchState
from tests.conftest import REPO, user_in
from tests.mail import SmtpServer

VERSIONS = REPO / "fixtures" / "dispatches" / "story_versions.txt"
QUAKE_UPDATE = """ACTUALISATION Séisme de magnitude 6,8 au large du Japon, pas de victime

TOKYO, 12 mars 2016 (AFP) - Un séisme <script>alert(1)</script> de magnitude 6,8 a frappé samedi \
le large de la côte nord-est du Japon, a annoncé l'Agence météorologique japonaise, qui \
n'a pas lancé d'alerte au tsunami.

La secousse s'est produite à 14h32 locales (05h32 GMT) à une profondeur de 10 kilomètres, à \
environ 120 kilomètres au large de la préfecture de Miyagi, selon l'agence.

Des immeubles ont tremblé jusqu'à Tokyo, mais aucun dégât ni victime n'avait été signalé \
dans l'immédiat, a indiqué la chaîne publique NHK. Les trains ont repris.
"""


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server.inbox
    server.stop()


def arrive(*paths: Path) -> list[int]:
    """Import dispatches after the watch began, group them and make them searchable."""
    report = import_files(paths=list(paths))
    ids = [pk for f in report.files for pk in f.article_ids]
    stories.group_articles(ids)
    Article.objects.filter(pk__in=ids).update(tagging_status="done", tagged_at=timezone.now())
    return ids


def start_watch() -> None:
    WatchState.objects.create(until=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def alice(db):
    return user_in("journalist", email="alice@example.org")


@pytest.fixture
def bob(db):
    return user_in("journalist", email="bob@example.org")


def saved(user, name, query, frequency="daily") -> SavedSearch:
    return SavedSearch.objects.create(user=user, name=name, query_string=query, frequency=frequency)


def test_the_results_page_saves_the_whole_search(client, alice, fresh_index, settings):
    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    arrive(VERSIONS)
    indexing.process_queue()
    client.force_login(alice)
    page = client.get(reverse("search:search"), {"q": "séisme", "source": "AFP", "page": "1"})
    assert "Enregistrer cette recherche" in page.text
    response = client.post(
        reverse("search:save"),
        {"name": "Japon", "frequency": "immediate", "query_string": "q=s%C3%A9isme&source=AFP"},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(user=alice)
    assert (search.name, search.query_string, search.frequency) == (
        "Japon",
        "q=s%C3%A9isme&source=AFP",
        "immediate",
    )
    request = watch.saved_request(search.query_string)
    assert (request.q, request.filters) == ("séisme", (("source", "AFP"),))
    listing = client.get(reverse("search:saved")).text
    assert "Japon" in listing and "Immédiate" in listing
    opened = client.get(reverse("search:open-saved", args=[search.pk]))
    assert opened["Location"].endswith("?q=s%C3%A9isme&source=AFP")


def test_saved_searches_are_private(client, alice, bob):
    mine = saved(alice, "Japon", "q=Japon")
    client.force_login(bob)
    assert "Japon" not in client.get(reverse("search:saved")).text
    for name in ("search:open-saved", "search:edit-saved"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    for name in ("search:edit-saved", "search:delete-saved", "search:new-feed-token"):
        response = client.post(
            reverse(name, args=[mine.pk]), {"name": "volé", "query_string": "q=x"}
        )
        assert response.status_code == 404
    mine.refresh_from_db()
    assert (mine.name, mine.query_string) == ("Japon", "q=Japon")


def test_a_search_is_renamed_edited_and_deleted_by_its_owner(client, alice):
    search = saved(alice, "Japon", "q=Japon")
    client.force_login(alice)
    client.post(
        reverse("search:edit-saved", args=[search.pk]),
        {"name": "Séismes", "frequency": "weekly", "query_string": "?q=séisme&page=3"},
    )
    search.refresh_from_db()
    assert (search.name, search.frequency, search.query_string) == ("Séismes", "weekly", "q=séisme")
    refused = client.post(
        reverse("search:edit-saved", args=[search.pk]),
        {"name": "Séismes", "frequency": "weekly", "query_string": 'q="non fermé'},
    )
    assert "ne se lit pas" in refused.text
    client.post(reverse("search:delete-saved", args=[search.pk]))
    assert not SavedSearch.objects.exists()


def test_alerts_match_new_dispatches_and_are_sent_once(alice, bob, smtp, capsys):
    start_watch()
    saved(alice, "Japon", "q=séisme+Japon", "daily")
    saved(alice, "Grèves", "q=grève", "daily")
    saved(bob, "Portugal", "q=budget&source=AFP", "weekly")
    saved(bob, "Rien", "q=volcan", "daily")
    arrive(VERSIONS)
    call_command("send_alerts", "--now")
    assert "2 digests sent" in capsys.readouterr().out
    by_user = {m["To"]: m for m in smtp.messages}
    assert set(by_user) == {"alice@example.org", "bob@example.org"}
    mail = by_user["alice@example.org"]
    assert mail["Subject"].startswith("Vos alertes : ")
    assert "List-Unsubscribe" in mail and mail["List-Unsubscribe-Post"]
    text, html = smtp.parts(mail, "plain"), smtp.parts(mail, "html")
    # One story, collapsed: the quake's current version only; the strike's annulled one.
    assert text.count("Séisme de magnitude 6,8") == 1
    assert "Grève des contrôleurs aériens" in text and "== Japon ==" in text
    assert '<html lang="fr">' in html and "Ne plus recevoir ces alertes" in html
    assert "Le parlement portugais adopte le budget 2016" in smtp.parts(
        by_user["bob@example.org"], "plain"
    )

    call_command("send_alerts", "--now")  # nothing new: nothing sent again
    assert len(smtp.messages) == 2
    assert AlertDigest.objects.filter(status="sent").count() == 2


def test_a_digest_lists_a_few_dispatches_per_search_and_counts_the_rest(alice, smtp, settings):
    settings.ALERT_DIGEST_PER_SEARCH = 1
    start_watch()
    saved(alice, "Tout AFP", "source=AFP", "daily")
    arrive(VERSIONS)
    call_command("send_alerts", "--now")
    matched = SavedSearchMatch.objects.filter(digest__isnull=False, skipped=False).count()
    assert matched >= 3
    (mail,) = smtp.messages
    text, html = smtp.parts(mail, "plain"), smtp.parts(mail, "html")
    assert text.count("/articles/") == 1 and html.count("/articles/") == 1
    assert f"… et {matched - 1} autres dépêches pour cette recherche." in text
    assert f"… et {matched - 1} autres dépêches pour cette recherche." in html
    assert mail["Subject"].startswith(f"Vos alertes : {matched} dépêches")


def test_a_new_version_of_a_sent_story_comes_once_as_an_update(alice, smtp, tmp_path):
    start_watch()
    saved(alice, "Japon", "q=séisme", "immediate")
    arrive(VERSIONS)
    call_command("send_alerts", verbosity=0)
    assert len(smtp.messages) == 1
    update = tmp_path / "maj.txt"
    update.write_text(QUAKE_UPDATE, "utf-8")
    (new,) = arrive(update)
    assert (
        Article.objects.get(pk=new).story_id
        == Article.objects.get(version_kind="correction").story_id
    )
    call_command("send_alerts", verbosity=0)
    assert len(smtp.messages) == 2
    text, html = smtp.parts(smtp.messages[1], "plain"), smtp.parts(smtp.messages[1], "html")
    assert "[Mise à jour] Séisme de magnitude 6,8 au large du Japon, pas de victime" in text
    assert "<script>" not in html and "&lt;script&gt;" in html  # an escaped extract
    assert SavedSearchMatch.objects.filter(update=True).count() == 1


def test_daily_alerts_wait_for_their_day(alice, smtp):
    start_watch()
    search = saved(alice, "Japon", "q=séisme", "daily")
    SavedSearch.objects.filter(pk=search.pk).update(last_sent_at=timezone.now())
    arrive(VERSIONS)
    call_command("send_alerts", verbosity=0)
    assert smtp.messages == []
    SavedSearch.objects.filter(pk=search.pk).update(last_sent_at=timezone.now() - timedelta(days=1))
    call_command("send_alerts", verbosity=0)
    assert len(smtp.messages) == 1


def test_the_unsubscribe_link_needs_no_login_and_turns_alerts_off(alice, smtp, client):
    start_watch()
    search = saved(alice, "Japon", "q=séisme", "immediate")
    arrive(VERSIONS)
    call_command("send_alerts", verbosity=0)
    text = smtp.parts(smtp.messages[0], "plain")
    link = next(line for line in text.splitlines() if line.startswith("Ne plus recevoir"))
    url = link.split(": ", 1)[1].replace("http://127.0.0.1:8000", "")
    assert "Arrêter les alertes" in client.get(url).text  # anonymous
    client.post(url)
    search.refresh_from_db()
    assert search.frequency == "off"
    tampered = url.rstrip("/")[:-3] + "xyz/"
    assert client.get(tampered).status_code == 404


def test_a_search_that_no_longer_parses_is_marked_broken_not_deleted(alice, smtp, client):
    start_watch()
    broken = saved(alice, "Cassée", 'q="jamais fermé', "immediate")
    saved(alice, "Japon", "q=séisme", "immediate")
    arrive(VERSIONS)
    call_command("send_alerts", verbosity=0)
    broken.refresh_from_db()
    assert "guillemet" in broken.broken
    assert len(smtp.messages) == 1  # the working search still sends
    client.force_login(alice)
    assert "Recherche cassée" in client.get(reverse("search:saved")).text


def test_the_list_counts_new_dispatches_since_the_last_look(alice, client):
    start_watch()
    search = saved(alice, "Japon", "q=séisme", "off")
    arrive(VERSIONS)
    watch.percolate()
    client.force_login(alice)
    assert '<strong class="new-count">4</strong>' in client.get(reverse("search:saved")).text
    client.get(reverse("search:open-saved", args=[search.pk]))
    assert '<span class="new-count">0</span>' in client.get(reverse("search:saved")).text


def test_the_atom_feed_is_valid_secret_and_revocable(alice, client, fresh_index, settings):
    settings.INDEX_UNTAGGED_DELAY = settings.INDEX_COMMIT_DELAY = 0
    search = saved(alice, "Japon", "q=séisme")
    arrive(VERSIONS)
    indexing.process_queue()
    url = reverse("search:feed", args=[search.feed_token])
    response = client.get(url)  # no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Japon · Newsroom archive"
    assert len(feed.entries) == 4 and all(e.link.startswith("http") for e in feed.entries)
    client.force_login(alice)
    client.post(reverse("search:new-feed-token", args=[search.pk]))
    client.logout()
    assert client.get(url).status_code == 404
    search.refresh_from_db()
    assert client.get(reverse("search:feed", args=[search.feed_token])).status_code == 200
