"""The curated organisations in the lexicon, and re-tagging an archive with the new rules."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import curation
from articles.curation import load_organisations
from articles.models import Correction, Entity, EntityAlias, Mention, RejectedForm
from articles.ner import normalize_form
from articles.ner.organisations import read_curated
from articles.tagging import load_lexicon, tag_articles
from tests.articles.test_curation import (
    entity_named,
    entity_with_names,
    import_text,
    mention,
    run_tagging_worker,
    tagged_article,
)

pytestmark = pytest.mark.django_db

PLATFORMS = (
    "Fifa contre Facebook\n\nGENÈVE, 3 mars 2021 (AFP) - La Fifa a porté plainte contre "
    "Facebook et Twitter, a indiqué la fédération.\n"
)


def curated_keys() -> set[tuple[str, str]]:
    return set(EntityAlias.objects.filter(curated=True).values_list("kind", "key"))


def small_list(tmp_path, entries) -> object:
    path = tmp_path / "organisations.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_list_seeds_the_lexicon_once():
    report = load_organisations()
    entries = read_curated()
    assert report.entities_created == len(entries)
    keys = {("ORG", normalize_form(f)) for e in entries for f in e.forms}
    assert curated_keys() == keys
    fifa = entity_named("FIFA", "ORG")
    assert fifa.name == "Fédération internationale de football association"
    assert load_lexicon().aliases[normalize_form("Fifa")] == ("ORG", fifa.name)

    again = load_organisations()
    assert (again.entities_created, again.aliases_curated, again.retagged) == (0, 0, 0)
    assert Entity.objects.count() == len(entries) and curated_keys() == keys


def test_the_tagger_uses_the_list_once_loaded(tmp_path):
    before = import_text(tmp_path, "avant.txt", PLATFORMS)
    tag_articles(article_ids=before)
    assert not Mention.objects.filter(surface="Fifa", entity__kind="ORG").exists()

    report = load_organisations()
    assert report.retagged == 1  # the dispatch naming them waits for the worker
    run_tagging_worker()
    named = {m.surface: m.entity for m in Mention.objects.filter(article_id__in=before)}
    assert named["Fifa"] == entity_named("Fifa", "ORG")
    assert named["Facebook"].kind == named["Twitter"].kind == "ORG"


def test_loading_never_overrides_an_editor(tmp_path, editor):
    mine = entity_with_names("ORG", "Fédération de football", "Fifa", curated=True)
    RejectedForm.objects.create(key=normalize_form("Football"), surface="Football")
    fifa = {
        "name": "Fédération internationale de football association",
        "aliases": ["Fifa", "Football"],
    }
    path = small_list(
        tmp_path, [fifa, {"name": "Organisation des Nations unies", "aliases": ["ONU"]}]
    )
    report = load_organisations(path=path)
    # "Fifa" names the editor's entity: the list's forms join it, its name stays.
    assert entity_named("Fédération internationale de football association", "ORG") == mine
    mine.refresh_from_db()
    assert mine.name == "Fédération de football"
    assert not EntityAlias.objects.filter(key="fifa", kind="ORG").exclude(entity=mine).exists()
    assert RejectedForm.objects.filter(key="football").exists()
    assert not EntityAlias.objects.filter(key="football").exists()
    assert report.conflicts == ["« Football » : refusé par la rédaction, laissé tel quel"]
    assert report.entities_created == 1  # the ONU


def test_a_form_naming_another_entity_is_reported_not_moved(tmp_path, client, editor):
    short = entity_with_names("ORG", "Fifa")
    full = entity_with_names("ORG", "Fédération internationale de football association")
    entry = {"name": "Fédération internationale de football association", "aliases": ["Fifa"]}
    report = load_organisations(path=small_list(tmp_path, [entry]))
    assert (entity_named("Fifa", "ORG"), report.entities_created) == (short, 0)
    assert report.conflicts == [
        "« Fifa » désigne déjà « Fifa » : fusionnez-la avec "
        "« Fédération internationale de football association »"
    ]
    assert EntityAlias.objects.get(key=normalize_form(full.name)).curated
    # From the admin, the same clash is refused whole, for the editor to merge instead.
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_entity_add"),
        {"name": "Fédération de football", "kind": "ORG", "new_alias": "Fifa"},
    )
    assert "désigne déjà « Fifa »" in response.content.decode()
    assert not EntityAlias.objects.filter(key="federation de football").exists()


def test_the_command_loads_and_refuses_a_bad_file(tmp_path, capsys):
    path = small_list(tmp_path, [{"name": "Médecins sans frontières", "aliases": ["MSF"]}])
    call_command("load_organisations", file=path)
    assert "1 entités créées, 2 noms validés, 0 dépêches à réétiqueter" in capsys.readouterr().out
    call_command("load_organisations", file=path)
    assert "0 entités créées, 0 noms validés" in capsys.readouterr().out
    with pytest.raises(CommandError, match="liste illisible"):
        call_command("load_organisations", file=small_list(tmp_path, [{"kind": "ORG"}]))
    with pytest.raises(CommandError, match="liste illisible"):
        call_command("load_organisations", file=tmp_path / "absent.json")


def test_an_editor_adds_an_organisation_from_the_admin(client, editor, tmp_path):
    ids = import_text(tmp_path, "club.txt", (
        "Le Zanaco gagne\n\nLUSAKA, 3 mars 2021 (AFP) - A Kinshasa, Zanaco (Zambie) a "
        "arraché un nul contre le Motema Pembe.\n"
    ))  # fmt: skip
    tag_articles(article_ids=ids)
    client.force_login(editor)
    add = reverse("admin:articles_entity_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add, {"name": "Zanaco Football Club", "kind": "ORG", "new_alias": "Zanaco ; ZANACO"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entity = entity_named("Zanaco Football Club", "ORG")
    assert {a.surface for a in entity.aliases.filter(curated=True)} == {
        "Zanaco Football Club",
        "Zanaco",
    }
    assert Correction.objects.get().entity == entity
    run_tagging_worker()  # the dispatch naming it is re-tagged
    assert set(
        Mention.objects.filter(article_id__in=ids, entity=entity).values_list("surface", flat=True)
    ) >= {"Zanaco"}

    again = client.post(add, {"name": "zanaco football club", "kind": "ORG"})
    assert again.status_code == 200 and "existe déjà" in again.content.decode()
    assert Entity.objects.filter(aliases__key="zanaco football club").count() == 1


# --- existing archives ----------------------------------------------------------------


def test_tag_articles_all_retags_with_the_new_rules_and_keeps_every_editor_decision(editor):
    body = (
        "Le Conseil constitutionnel a censuré la loi, a indiqué l'Élysée. L'Union des "
        "associations de parents, d'élèves et d'enseignants a salué la décision. "
        "Jean Dupont, porte-parole de l'Union, a parlé à Paris."
    )
    article = tagged_article(body)
    # What the old rules had left: "Conseil" alone, the Élysée as a place, the union cut.
    conseil = entity_with_names("ORG", "Conseil")
    palace = entity_with_names("LOC", "Élysée")
    union = entity_with_names("ORG", "Union des associations de parents")
    paris = entity_with_names("LOC", "Paris")
    mention(article, "Conseil", conseil)
    mention(article, "Élysée", palace)
    mention(article, "Union des associations de parents", union)
    rejected = mention(article, "Paris", paris)
    curation.reject_mention(mention=rejected, user=editor)
    person = entity_with_names("PER", "Jean Dupont")
    curation.add_mention(article=article, surface="Jean Dupont", entity=person, user=editor)
    decided = set(
        Mention.objects.filter(origin="editor").values_list("pk", "start", "end", "entity_id")
    )
    decided |= set(
        Mention.objects.filter(rejected=True).values_list("pk", "start", "end", "entity_id")
    )

    call_command("tag_articles", "--all", "--sync", verbosity=0)

    spans = {
        (m.surface, m.entity.kind) for m in Mention.objects.filter(article=article, rejected=False)
    }
    assert ("Conseil constitutionnel", "ORG") in spans and ("Élysée", "ORG") in spans
    assert ("Union des associations de parents, d'élèves et d'enseignants", "ORG") in spans
    assert ("Paris", "LOC") not in spans  # the editor rejected it
    after = set(
        Mention.objects.filter(origin="editor").values_list("pk", "start", "end", "entity_id")
    )
    after |= set(
        Mention.objects.filter(rejected=True).values_list("pk", "start", "end", "entity_id")
    )
    assert after == decided


def test_a_merge_stays_a_merge_when_the_archive_is_retagged(tmp_path, editor):
    ids = import_text(tmp_path, "ei.txt", (
        "Daech recule\n\nBAGDAD, 3 juillet 2016 (AFP) - L'organisation État islamique (EI) "
        "recule. Daech a perdu Falloujah, selon le Pentagone. L'EI dément.\n"
    ))  # fmt: skip
    tag_articles(article_ids=ids)
    state, daech = entity_named("État islamique", "ORG"), entity_named("Daech", "ORG")
    curation.merge(keep=state, others=[daech], user=editor)
    run_tagging_worker()
    kept = {(m.surface, m.entity_id) for m in Mention.objects.filter(article_id__in=ids)}
    entities = {e.pk: e.name for e in Entity.objects.all()}

    call_command("tag_articles", "--all", "--sync", verbosity=0)

    again = {(m.surface, m.entity_id) for m in Mention.objects.filter(article_id__in=ids)}
    assert {e for s, e in again if s in ("Daech", "EI", "État islamique")} == {state.pk}
    assert not Entity.objects.filter(pk=daech.pk).exists()
    # Names that did not change keep their entity: same ids, same names.
    unchanged = {(s, e) for s, e in kept if s in {x for x, _ in again}}
    assert unchanged <= again
    assert all(entities[e] == Entity.objects.get(pk=e).name for _, e in again if e in entities)
