"""French by default, English on request: every label translated, nothing half-translated."""

import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from articles.models import (
    Article,
    Correction,
    EntityAlias,
    ImportBatch,
    ImportFileResult,
    Quote,
    RejectedForm,
)
from newsroom.api import tokens
from search import indexing
from tests.engines import engine_index
from tests.factories import ArticleFactory, EntityFactory, MentionFactory, SourceFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
OUR_APPS = ("articles", "search")
# Apps whose labels need French: the API's token model too (its permissions, stored in
# English by Django, show on the user admin, so it stays out of english_labels()).
LABELLED_APPS = (*OUR_APPS, "api")
# Django's English admin phrases: none may show through on a French page.
ENGLISH_ADMIN = (
    "Select ", " to change", " to view", "Save and ", "Filter", "Home", "Action:", "Go",
    "Log out", "View site", "Add ", "History", "Delete", "Search", "Show counts", "By ",
)  # fmt: skip
# Technical terms French keeps as they are (django-axes' log of logins says « User Agent »),
# and the search engine's name.
KEPT_TERMS = ("User Agent", "HTTP Accept", "OpenSearch")
FRENCH_LETTERS = re.compile(r"[éèêàâùûçôîœ]", re.IGNORECASE)
# French words without an accent that an English page would only show in a left-over string.
FRENCH_WORDS = re.compile(
    r"\b(?:le|la|les|des|du|de|un|une|et|ou|par|pour|dans|avec|sans|sur|aucun|aucune|jamais"
    r"|tous|toutes|voir|nom|jeton|jetons|vue|auteur|auteurs|urgence|langue|crédit)\b",
    re.IGNORECASE,
)


def read_po(path: Path) -> list[dict]:
    """Return the catalogue's entries (msgctxt, msgid, msgid_plural, msgstr list, flags)."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"flags": "", "msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": []}
        if line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if key == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[key] += value
        else:
            word, value = line.split(" ", 1)
            key = "msgstr" if word.startswith("msgstr") else word
            if key == "msgstr":
                entry["msgstr"].append(_unquote(value))
            else:
                entry[key] = _unquote(value)
    return entries


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def compiled() -> dict:
    with (CATALOGUE / "django.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def same_in_both() -> set[str]:
    """The msgids the French catalogue deliberately keeps as they are (« source », « Lead »)."""
    return {key for key, value in compiled().items() if key == value and key}


def our_models(names: tuple[str, ...] = OUR_APPS) -> list[type[models.Model]]:
    return [m for name in names for m in apps.get_app_config(name).get_models()]


def labels_of(model: type[models.Model]) -> list[tuple[str, object]]:
    """Every label a page can show for this model: names, fields, help texts and choices."""
    meta = model._meta
    found = [("verbose_name", meta.verbose_name), ("verbose_name_plural", meta.verbose_name_plural)]
    for field in meta.get_fields():
        if field.auto_created and (not field.concrete or field is meta.pk):
            continue
        found.append((f"{field.name}.verbose_name", field.verbose_name))
        if field.help_text:
            found.append((f"{field.name}.help_text", field.help_text))
        for value, label in field.flatchoices or ():
            found.append((f"{field.name}={value}", label))
    return found


def in_language(code: str, label) -> str:
    with translation.override(code):
        return str(label)


def test_every_model_field_and_choice_label_has_a_french_translation():
    kept = same_in_both()
    untranslated = [
        f"{model.__name__}.{where}: {in_language('en', label)!r}"
        for model in our_models(LABELLED_APPS)
        for where, label in labels_of(model)
        if in_language("fr", label) == in_language("en", label)
        and in_language("en", label) not in kept
    ]
    assert not untranslated, "untranslated labels:\n" + "\n".join(untranslated)


def test_the_app_names_are_translated():
    for name in LABELLED_APPS:
        label = apps.get_app_config(name).verbose_name
        assert in_language("fr", label) != in_language("en", label) or str(label) in same_in_both()
    assert in_language("fr", apps.get_app_config("search").verbose_name) == "Recherche"


def test_the_catalogue_is_whole_and_compiled_from_its_source():
    entries = [e for e in read_po(CATALOGUE / "django.po") if e["msgid"]]
    assert len(entries) > 400
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not [e["msgid"] for e in entries if not all(e["msgstr"])]
    catalogue = compiled()
    for entry in entries:
        key = entry["msgid"]
        if entry["msgctxt"]:
            key = f"{entry['msgctxt']}\x04{key}"
        if entry["msgid_plural"]:
            for form, text in enumerate(entry["msgstr"]):
                assert catalogue[(key, form)] == text, f"{key!r}: recompile the catalogue"
        else:
            assert catalogue[key] == entry["msgstr"][0], f"{key!r}: recompile the catalogue"


class VisibleText(HTMLParser):
    """The words a reader sees in the page's language: not scripts, markup, or the switch
    to the other language (written in that language, `lang` says so)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style") or (tag != "html" and "lang" in attributes):
            self._hidden += 1
            self._open.append(tag)
        for name in ("title", "aria-label", "placeholder"):
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") == "submit" and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self._open and tag == self._open[-1]:
            self._open.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible(response) -> str:
    assert response.status_code == 200, response.status_code
    reader = VisibleText()
    reader.feed(response.content.decode())
    return " ".join(" ".join(reader.parts).split())


def english_labels() -> set[str]:
    """The English words of our models a French page must never show."""
    kept = same_in_both()
    words = set()
    for model in our_models():
        for _, label in labels_of(model):
            english = in_language("en", label)
            if english not in kept and "%" not in english and len(english) > 3:
                words.add(english)
    return words


MASKED = re.compile(r"\S*\*{3,}\S*")  # a password's salt and hash, shown masked: "Go/x3z*****"


def english_leaks(text: str, words: set[str]) -> list[str]:
    for term in KEPT_TERMS:
        text = text.replace(term, "")
    text = MASKED.sub(" ", text)
    leaks = [phrase for phrase in ENGLISH_ADMIN if phrase in text]
    for word in words:
        shown = capfirst(word)
        if re.search(rf"(?<![\w-]){re.escape(shown)}(?![\w-])", text):
            leaks.append(shown)
        if re.search(rf"\b(?:Par|objet|l'objet|les|des|un|une) {re.escape(word)}\b", text):
            leaks.append(word)
    return leaks


@pytest.fixture
def archive(db):
    """One row of each model the admin lists, so every change page has something to show."""
    source = SourceFactory(name="AFP")
    article = ArticleFactory(source=source, title="La Turquie appelle la Russie")
    person = EntityFactory(name="Recep Tayyip Erdogan")
    mention = MentionFactory(article=article, entity=person, start=3, end=10)
    EntityAlias.objects.create(entity=person, key="erdogan", surface="Erdogan", kind="PER")
    batch = ImportBatch.objects.create(source=source, status=ImportBatch.Status.DONE)
    ImportFileResult.objects.create(batch=batch, name="a.txt", status="rejected", reason="vide")
    RejectedForm.objects.create(key="lundi", surface="Lundi")
    Correction.objects.create(action=Correction.Action.RENAME, entity=person, summary="renommé")
    Quote.objects.create(article=article, start=0, end=10, speaker=person, verb="appelle")
    return {"article": article, "entity": person, "mention": mention}


def admin_urls(model, model_admin, request) -> list[str]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{prefix}_changelist")]
    if model_admin.has_add_permission(request):
        urls.append(reverse(f"{prefix}_add"))
    if (first := model._default_manager.order_by("pk").first()) is not None:
        urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    return urls


def test_no_admin_screen_shows_an_english_label(client, superuser, archive, rf):
    client.force_login(superuser)
    request = rf.get("/admin/")
    request.user = superuser
    words = english_labels()
    leaks = {}
    for model, model_admin in admin.site._registry.items():
        for url in [reverse("admin:index"), *admin_urls(model, model_admin, request)]:
            if found := english_leaks(visible(client.get(url)), words):
                leaks[url] = found
    filtered = reverse("admin:articles_entity_changelist") + "?kind__exact=PER&review=reviewed"
    if found := english_leaks(visible(client.get(filtered)), words):
        leaks[filtered] = found
    assert not leaks


def test_the_entity_admin_reads_in_french(client, editor, archive):
    client.force_login(editor)
    text = visible(client.get(reverse("admin:articles_entity_changelist")))
    assert "Sélectionnez l’objet entité à changer" in text or (
        "Sélectionnez l'objet entité à changer" in text
    )
    for label in ("Par type", "Par relecture", "Relue", "Type", "Entités", "Fusionner les entités"):
        assert label in text
    text = visible(client.get(reverse("admin:articles_rejectedform_changelist")))
    assert "Formes rejetées" in text


def test_a_label_missing_from_the_catalogue_is_caught(archive):
    """The checks above see an English label once its translation is gone."""
    field = EntityAlias._meta.get_field("curated")
    with translation.override("fr"):
        assert str(field.verbose_name) == "validé par la rédaction"
    # Django merges catalogues into one; take the word out of each part, as a .po without it.
    parts = translation.trans_real.translation("fr")._catalog._catalogs
    removed = [(part, part.pop("curated")) for part in parts if "curated" in part]
    try:
        assert in_language("fr", field.verbose_name) == "curated"
        assert "Curated" in english_leaks("Curated Entité", english_labels() | {"curated"})
        untranslated = [
            where
            for where, label in labels_of(EntityAlias)
            if in_language("fr", label) == in_language("en", label)
            and in_language("en", label) not in same_in_both()
        ]
        assert untranslated == ["curated.verbose_name"]
    finally:
        for part, text in removed:
            part["curated"] = text


FRENCH_PAGES = {
    "articles:list": ("Dépêches", "Dispatches"),
    "articles:batches": ("Nouvel import", "New import"),
    "articles:upload": ("Importer des dépêches", "Import dispatches"),
    "search:saved": ("Mes recherches", "My searches"),
}


@pytest.mark.parametrize("name", FRENCH_PAGES)
def test_pages_are_french_by_default_and_english_on_request(client, superuser, name):
    client.force_login(superuser)
    french, english = FRENCH_PAGES[name]
    text = visible(client.get(reverse(name)))
    assert french in text
    assert "Déconnexion" in text
    text = visible(client.get(reverse(name), headers={"accept-language": "en"}))
    assert english in text
    assert "Log out" in text
    assert not FRENCH_LETTERS.findall(text), text


def test_login_page_in_english_and_the_language_switch_remembers(client, archive):
    text = visible(client.get(reverse("login"), headers={"accept-language": "en-GB,en;q=0.9"}))
    assert "Username" in text and "Password" in text
    assert not FRENCH_LETTERS.findall(text), text
    text = visible(client.get(reverse("login"), headers={"accept-language": "de"}))
    assert "Identifiant" in text, "a language we do not have falls back to French"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert "Username" in visible(client.get(reverse("login")))


def test_article_and_entity_pages_in_english(client, journalist, archive):
    client.force_login(journalist)
    article, entity = archive["article"], archive["entity"]
    headers = {"accept-language": "en"}
    text = visible(client.get(article.get_absolute_url(), headers=headers))
    assert "Imported on" in text and "People" in text and "Quotes" in text
    text = visible(client.get(entity.get_absolute_url(), headers=headers))
    assert "1 mention in 1 dispatch." in text
    text = visible(client.get(entity.get_absolute_url()))
    assert "1 mention dans 1 dépêche." in text


def test_the_admin_in_english(client, superuser, archive):
    client.force_login(superuser)
    url = reverse("admin:articles_entity_changelist")
    text = visible(client.get(url, headers={"accept-language": "en"}))
    assert "Select entity to change" in text
    assert "By kind" in text and "Reviewed" in text


def untranslated_phrases(text: str) -> list[str]:
    """The catalogue's English phrases (two words or more) a French page shows as they are."""
    kept = same_in_both()
    phrases = {
        key.split("\x04")[-1] for key in compiled() if isinstance(key, str) and key not in kept
    }
    return [
        phrase
        for phrase in phrases
        if " " in phrase.strip() and "%" not in phrase and "<" not in phrase and phrase in text
    ]


def french_leaks(text: str) -> list[str]:
    return FRENCH_LETTERS.findall(text) + FRENCH_WORDS.findall(text)


# Rows whose words (names, numbers, codes) are neither French nor English, so that any
# French word on an English page, or English phrase on a French one, is the page's own.
@pytest.fixture
def neutral(db, tmp_path):
    """A dispatch with every line of its page (credit, dateline, byline, wire codes), its
    quotes, an import batch, all indexed (Whoosh) for the Citations view."""
    source = SourceFactory(
        name="Wikinews",
        attribution="Wikinews (fr.wikinews.org), CC BY 2.5",
        attribution_url="https://creativecommons.org/licenses/by/2.5/deed.fr",
    )
    batch = ImportBatch.objects.create(
        source=source, status=ImportBatch.Status.DONE, files_total=2, files_done=2
    )
    body = "ANKARA - «Ankara Moscou Alep 2016», Erdogan Ankara. «Idlib Homs 2017», Ankara."
    article = ArticleFactory(
        source=source,
        title="Ankara Erdogan 2016",
        body=body,
        title_derived=True,
        published_on=datetime.date(2016, 8, 9),
        dateline_place="Ankara",
        byline="Karam AL MASRI",
        slug="ANKARA-ERDOGAN",
        guid="urn:newsml:afp.com:20160809:ab12",
        item_version=2,
        urgency=3,
        import_batch=batch,
    )
    ImportFileResult.objects.create(batch=batch, name="a.txt", status="imported", encoding="utf-8")
    ImportFileResult.objects.create(batch=batch, name="b.txt", status="rejected", reason="0x00")
    person = EntityFactory(name="Erdogan", slug="erdogan-per")
    EntityFactory(name="Idlib", slug="idlib-per")  # quoted nowhere
    EntityAlias.objects.create(entity=person, key="erdogan", surface="Erdogan", kind="PER")
    for words, speaker in (("Ankara Moscou Alep 2016", person), ("Idlib Homs 2017", None)):
        start = body.index(words)
        Quote.objects.create(
            article=article,
            start=start,
            end=start + len(words),
            speaker=speaker,
            speaker_text="",
        )
    with engine_index("whoosh", tmp_path):
        indexing.mark_articles(Article.objects.values_list("pk", flat=True))
        indexing.process_queue()
        yield {"article": article, "batch": batch, "entity": person}


def neutral_pages(neutral) -> dict[str, str]:
    article, batch = neutral["article"], neutral["batch"]
    search = reverse("search:search")
    return {
        "account": reverse("account:account"),
        "citations": f"{search}?q=Ankara&vue=citations",
        "citations by one speaker": f"{search}?q=Ankara&vue=citations&auteur=erdogan-per",
        "no quote": f"{search}?q=Ankara&vue=citations&auteur=idlib-per",
        "results": f"{search}?q=Ankara",
        "batch": batch.get_absolute_url(),
        "article": f"{article.get_absolute_url()}?recherche={quote_plus('q=Ankara')}",
    }


@pytest.mark.parametrize(
    "page", ["account", "citations", "citations by one speaker", "no quote", "results", "batch",
             "article"],
)  # fmt: skip
def test_new_pages_have_no_english_in_french_and_no_french_in_english(
    client, superuser, neutral, page
):
    client.force_login(superuser)
    tokens.create_token(user=superuser, name="CMS", expires_days=None)
    tokens.create_token(user=superuser, name="Jupyter", expires_days=30)
    url = neutral_pages(neutral)[page]
    french = visible(client.get(url))
    assert "Déconnexion" in french
    assert not english_leaks(french, english_labels()), french
    assert not untranslated_phrases(french), french
    english = visible(client.get(url, headers={"accept-language": "en"}))
    assert "Log out" in english
    assert not french_leaks(english), english


def test_the_new_pages_speak_french_and_english(client, superuser, neutral):
    client.force_login(superuser)
    tokens.create_token(user=superuser, name="CMS", expires_days=None)
    pages = neutral_pages(neutral)
    expected = {
        "account": (["Mon compte", "Jetons d'API", "jamais", "Révoquer"],
                    ["My account", "API tokens", "never", "Revoke"]),
        "citations": (["2 citations", "Auteurs des citations", "auteur inconnu"],
                      ["2 quotes", "Speakers of the quotes", "unknown speaker", "Erdogan"]),
        "citations by one speaker": (["1 citation de Erdogan", "tous les auteurs"],
                                     ["1 quote by Erdogan", "every speaker"]),
        "no quote": (["Aucune citation dans ces dépêches pour cet auteur."],
                     ["No quote by this speaker in these dispatches."]),
        "results": (["Syntaxe : troncature, proximité, orthographe approchée"],
                    ["Syntax: truncation, proximity, approximate spelling"]),
        "batch": (["Étiquetage :", "Rejeté"], ["Tagging:", "Rejected"]),
        "article": (["← Résultats", "Crédit :", "Par Karam AL MASRI", "titre dérivé"],
                    ["← Results", "Credit:", "By Karam AL MASRI", "derived title"]),
    }  # fmt: skip
    for page, (in_french, in_english) in expected.items():
        french = visible(client.get(pages[page]))
        english = visible(client.get(pages[page], headers={"accept-language": "en"}))
        assert [words for words in in_french if words not in french] == [], (page, french)
        assert [words for words in in_english if words not in english] == [], (page, english)


def test_a_left_over_french_string_is_caught():
    """The checks above see an unwrapped French word, and an English phrase left untranslated."""
    assert french_leaks("← Résultats") and french_leaks("Expire le 2 May · jamais")
    assert not french_leaks("← Results · never · 2 quotes by Erdogan")
    assert untranslated_phrases("Jetons · Speakers of the quotes") == ["Speakers of the quotes"]


def test_the_api_speaks_the_requests_language(client, journalist):
    created = tokens.create_token(user=journalist, name="CMS")
    url = reverse("api:article", args=[999999])
    auth = {"authorization": f"Token {created.raw}"}
    french = client.get(url, headers=auth).json()
    assert french["title"] == "Ressource introuvable"
    assert french["detail"] == "Aucune dépêche n° 999999 dans l'archive."
    english = client.get(url, headers={**auth, "accept-language": "en"}).json()
    assert english["title"] == "Resource not found"
    assert english["detail"] == "No dispatch no. 999999 in the archive."
    refused = client.get(url, headers={"authorization": "Token nope.nope"}).json()
    assert refused["detail"] == "Jeton inconnu ou révoqué."
