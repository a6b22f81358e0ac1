"""The editors' corrections (articles.curation) against PostgreSQL, with the real tagger."""

import pytest
from django.db.models import Q

from articles import curation
from articles.curation import CurationError
from articles.importing import import_files
from articles.models import Article, Correction, Entity, EntityAlias, Mention, RejectedForm
from articles.ner import normalize_form
from articles.tagging import load_lexicon, tag_articles
from tests.factories import ArticleFactory, EntityFactory, MentionFactory

pytestmark = pytest.mark.django_db
DECIDED = Q(origin="editor") | Q(rejected=True)
DECISION = ("article", "start", "end", "entity", "origin", "rejected")

BODY = (
    "Le groupe État islamique (EI) a revendiqué l'attaque. Selon l'EI, Etat islamique "
    "et Daech ne font qu'un ; ETAT-ISLAMIQUE, écrit en capitales, aussi."
)


def tagged_article(body: str) -> Article:
    return ArticleFactory(body=body, tagging_status="done")


def entity_with_names(kind: str, name: str, *aliases: str, curated: bool = False) -> Entity:
    entity = EntityFactory(kind=kind, name=name)
    for surface in {normalize_form(s): s for s in reversed((name, *aliases))}.values():
        EntityAlias.objects.create(
            entity=entity, kind=kind, key=normalize_form(surface), surface=surface, curated=curated
        )
    return entity


def mention(article: Article, surface: str, entity: Entity, nth: int = 0, **extra) -> Mention:
    start, end = curation.occurrences(article.body, surface)[nth]
    return MentionFactory(article=article, entity=entity, start=start, end=end, **extra)


def pending_ids() -> set[int]:
    return set(Article.objects.filter(tagging_status="pending").values_list("pk", flat=True))


def run_tagging_worker() -> None:
    """Do what the background worker does with the queued articles, synchronously."""
    tag_articles(article_ids=sorted(pending_ids()))


def import_text(tmp_path, name: str, text: str) -> list[int]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_files(paths=[path]).files[0].article_ids


@pytest.fixture
def tagged_reference(reference_path) -> list[int]:
    ids = import_files(paths=[reference_path]).files[0].article_ids
    tag_articles(article_ids=ids)
    return ids


def entity_named(name: str, kind: str | None = None) -> Entity:
    key = normalize_form(name)
    aliases = EntityAlias.objects.filter(key=key, **({"kind": kind} if kind else {}))
    return aliases.select_related("entity").get().entity


# --- the prefilter -------------------------------------------------------------------


def test_articles_with_forms_finds_every_spelling_as_whole_words():
    written = tagged_article(BODY)
    tagged_article("Un Étatiste islamiquement correct, la Daechienne et la reine.")
    tagged_article("La nouvelle ÉTAT ISLAMIQUE est un cas.")  # capitals and accents too
    found = set(curation.articles_with_forms([normalize_form("Etat islamique")]))
    assert written in found and len(found) == 2
    assert set(curation.articles_with_forms(["daech"])) == {written}
    assert set(curation.articles_with_forms(["ei"])) == {written}  # not "reine"
    assert not curation.articles_with_forms([])


def test_articles_with_forms_also_finds_mentions_spelled_alike():
    article = tagged_article("Poutine et Erdogan.")
    entity = entity_with_names("PER", "Vladimir Poutine")
    mention(article, "Poutine", entity)
    assert list(curation.articles_with_forms(["poutine"])) == [article]


# --- merge and undo --------------------------------------------------------------------


def test_merge_moves_mentions_names_and_history_then_deletes_the_others(
    editor, django_capture_on_commit_callbacks
):
    article = tagged_article(BODY)
    elsewhere = tagged_article("Les combattants de Daech ont fui Raqa.")
    untouched = tagged_article("Rien à voir.")
    keep = entity_with_names("ORG", "État islamique")
    ei = entity_with_names("ORG", "EI")
    daech = entity_with_names("ORG", "Daech", "Daesh")
    mention(article, "État islamique", keep)
    mention(article, "EI", ei)
    mention(article, "EI", ei, nth=1)
    curation.rename(entity=daech, name="Daech (EI)", user=editor)

    with django_capture_on_commit_callbacks() as callbacks:
        correction = curation.merge(keep=keep, others=[ei, daech], user=editor)

    assert not Entity.objects.filter(pk__in=[ei.pk, daech.pk]).exists()
    assert keep.mentions.count() == 3
    names = dict(keep.aliases.values_list("surface", "curated"))
    assert names == {
        "État islamique": True, "EI": True, "Daech": True, "Daesh": True, "Daech (EI)": True
    }  # fmt: skip
    assert correction.action == Correction.Action.MERGE and correction.user == editor
    assert set(correction.entity_ids) == {keep.pk, ei.pk, daech.pk}
    assert [c.action for c in curation.corrections_for(keep)] == ["merge", "rename"]
    keep.refresh_from_db()
    assert keep.reviewed
    # Mentions moved, and the merged names are looked for where the model missed them.
    assert pending_ids() == {article.pk, elsewhere.pk} and untouched.pk not in pending_ids()
    assert len(callbacks) == 1
    assert load_lexicon().aliases["daech"] == ("ORG", "État islamique")


def test_merge_refuses_names_owned_by_an_entity_left_out():
    keep = entity_with_names("ORG", "Alep")
    place = entity_with_names("LOC", "Alep ville", "Alep-Est")
    entity_with_names("ORG", "Alep-Est")
    with pytest.raises(CurationError, match="Alep-Est"):
        curation.merge(keep=keep, others=[place], user=None)
    assert Entity.objects.filter(pk=place.pk).exists()  # nothing half-done
    assert place.aliases.count() == 2
    with pytest.raises(CurationError):
        curation.merge(keep=keep, others=[keep], user=None)


def test_merge_into_an_entity_whose_name_a_merged_one_held(editor):
    keep = EntityFactory(kind="ORG", name="Etat islamique")  # e.g. created by hand, no alias
    other = entity_with_names("ORG", "EI", "État islamique")
    curation.merge(keep=keep, others=[other], user=editor)
    assert set(keep.aliases.values_list("surface", flat=True)) == {"EI", "État islamique"}
    assert load_lexicon().aliases["ei"] == ("ORG", "Etat islamique")


def test_merge_across_kinds_drops_names_the_kept_entity_has(editor):
    keep = entity_with_names("ORG", "Hezbollah")
    wrong = entity_with_names("LOC", "Hezbollah", "Hizbollah")
    correction = curation.merge(keep=keep, others=[wrong], user=editor)
    assert set(keep.aliases.values_list("kind", "surface")) == {
        ("ORG", "Hezbollah"), ("ORG", "Hizbollah")
    }  # fmt: skip
    curation.undo_merge(correction=correction, user=editor)
    restored = Entity.objects.get(pk=wrong.pk)
    assert set(restored.aliases.values_list("kind", "surface")) == {
        ("LOC", "Hezbollah"), ("LOC", "Hizbollah")
    }  # fmt: skip


def test_undo_merge_recreates_the_entities_with_names_mentions_and_history(editor, superuser):
    article = tagged_article(BODY)
    keep = entity_with_names("ORG", "État islamique")
    ei = entity_with_names("ORG", "EI", curated=False)
    EntityAlias.objects.filter(entity=keep).update(curated=False)
    kept_mention = mention(article, "État islamique", keep)
    first = mention(article, "EI", ei)
    second = mention(article, "EI", ei, nth=1)
    rename = curation.rename(entity=ei, name="E.I.", user=editor)
    merge = curation.merge(keep=keep, others=[ei], user=editor)
    # Re-tagging since the merge replaced one mention row by an identical span.
    Mention.objects.filter(pk=second.pk).delete()
    replacement = mention(article, "EI", keep, nth=1)

    undo = curation.undo_merge(correction=merge, user=superuser)

    restored = Entity.objects.get(pk=ei.pk)
    assert (restored.kind, restored.name, restored.slug) == ("ORG", "E.I.", ei.slug)
    assert dict(restored.aliases.values_list("surface", "curated")) == {"EI": False, "E.I.": True}
    assert set(restored.mentions.values_list("pk", flat=True)) == {first.pk, replacement.pk}
    assert list(keep.mentions.all()) == [kept_mention]
    assert set(keep.aliases.values_list("surface", flat=True)) == {"État islamique"}
    rename.refresh_from_db()
    assert rename.entity == restored
    merge.refresh_from_db()
    assert merge.reverted_by == undo and undo.action == Correction.Action.UNDO_MERGE
    assert undo in curation.corrections_for(restored)
    with pytest.raises(CurationError, match="annulée"):
        curation.undo_merge(correction=merge, user=editor)
    with pytest.raises(CurationError):
        curation.undo_merge(correction=rename, user=editor)


# --- rename, relabel, split, add a name ----------------------------------------------------


def test_rename_keeps_the_old_name_as_an_alias(editor):
    article = tagged_article("M. Cavusolgu a parlé.")
    entity = entity_with_names("PER", "Cavusolgu")
    mention(article, "Cavusolgu", entity)
    correction = curation.rename(entity=entity, name="  Mevlüt   Cavusoglu ", user=editor)
    entity.refresh_from_db()
    assert entity.name == "Mevlüt Cavusoglu" and entity.reviewed
    assert dict(entity.aliases.values_list("surface", "curated")) == {
        "Cavusolgu": False, "Mevlüt Cavusoglu": True
    }  # fmt: skip
    assert correction.before == {"name": "Cavusolgu"}
    assert pending_ids() == {article.pk}
    entity_with_names("PER", "Recep Tayyip Erdogan")
    with pytest.raises(CurationError, match="fusionnez"):
        curation.rename(entity=entity, name="Recep Tayyip Erdogan", user=editor)
    entity.refresh_from_db()
    assert entity.name == "Mevlüt Cavusoglu"
    with pytest.raises(CurationError):
        curation.rename(entity=entity, name="   ", user=editor)


def test_relabel_moves_the_aliases_and_teaches_the_tagger(editor):
    article = tagged_article("Six Tupolev ont frappé.")
    entity = entity_with_names("ORG", "Tupolev", "Tu-22")
    mention(article, "Tupolev", entity)
    curation.relabel(entity=entity, kind="MISC", user=editor)
    entity.refresh_from_db()
    assert entity.kind == "MISC"
    assert set(entity.aliases.values_list("kind", "curated")) == {("MISC", True)}
    assert load_lexicon().aliases["tupolev"] == ("MISC", "Tupolev")
    assert pending_ids() == {article.pk}


def test_relabel_onto_an_existing_name_is_refused_or_merges(editor):
    wrong = entity_with_names("PER", "Alep")
    place = entity_with_names("LOC", "Alep")
    with pytest.raises(CurationError, match="Alep"):
        curation.relabel(entity=wrong, kind="LOC", user=editor)
    wrong.refresh_from_db()
    assert wrong.kind == "PER"
    correction = curation.relabel(entity=wrong, kind="LOC", user=editor, merge_on_clash=True)
    assert correction.action == Correction.Action.MERGE and correction.entity == place
    assert not Entity.objects.filter(pk=wrong.pk).exists()
    assert [c.action for c in curation.corrections_for(place)] == ["merge", "relabel"]


def test_split_alias_takes_the_mentions_spelled_like_it(editor):
    article = tagged_article("Assad, ASSAD et Bachar al-Assad.")
    bachar = entity_with_names("PER", "Bachar al-Assad", "Assad")
    assad_alias = bachar.aliases.get(surface="Assad")
    first = mention(article, "Assad", bachar)
    capitals = mention(article, "ASSAD", bachar)
    full = mention(article, "Bachar al-Assad", bachar)

    correction = curation.split_alias(alias=assad_alias, user=editor)

    hafez = correction.entity
    assert (hafez.name, hafez.kind) == ("Assad", "PER")
    assert set(hafez.mentions.values_list("pk", flat=True)) == {first.pk, capitals.pk}
    assert set(hafez.mentions.values_list("origin", flat=True)) == {"editor"}
    assert list(bachar.mentions.all()) == [full]
    assert hafez.aliases.get().curated
    with pytest.raises(CurationError, match="renommez"):
        curation.split_alias(alias=bachar.aliases.get(), user=editor)


def test_add_alias_is_curated_and_queues_the_articles_that_contain_it(editor):
    daech = tagged_article("Les opérations anti-Daech continuent.")
    tagged_article("Rien ici.")
    entity = entity_with_names("ORG", "État islamique")
    curation.add_alias(entity=entity, surface="Daech", user=editor)
    assert entity.aliases.get(surface="Daech").curated
    assert pending_ids() == {daech.pk}
    other = entity_with_names("ORG", "Daech Inc")
    with pytest.raises(CurationError, match="fusionnez"):
        curation.add_alias(entity=other, surface="DAECH", user=editor)


def test_add_alias_lifts_a_rejection(editor):
    curation.reject_form(surface="Daech", user=editor)
    entity = entity_with_names("ORG", "État islamique")
    correction = curation.add_alias(entity=entity, surface="Daech", user=editor)
    assert not RejectedForm.objects.exists()
    assert correction.before["rejected"] is True


# --- not an entity ---------------------------------------------------------------------


def test_reject_form_removes_machine_mentions_everywhere_and_keeps_editors(editor):
    one = tagged_article("Prouvez-le, a-t-il dit. PROUVEZ !")
    two = tagged_article("« Prouvez », a répondu Cavusoglu.")
    bogus = entity_with_names("PER", "Prouvez")
    person = entity_with_names("PER", "Cavusoglu")
    mention(one, "Prouvez", bogus)
    mention(one, "PROUVEZ", bogus, origin="rule")
    by_hand = mention(two, "Prouvez", person, origin="editor")
    mention(two, "Cavusoglu", person)

    correction = curation.reject_form(surface="Prouvez", user=editor)

    assert RejectedForm.objects.get().key == "prouvez"
    assert "prouvez" in load_lexicon().rejected
    assert not Entity.objects.filter(pk=bogus.pk).exists()  # nothing left of it
    assert list(Mention.objects.filter(surface__iexact="prouvez")) == [by_hand]
    assert person.mentions.count() == 2
    assert correction.before["mentions"] == 2 and correction.entity_ids == [bogus.pk]
    assert pending_ids() == {one.pk}


def test_reject_mention_and_change_mention_entity_are_editor_decisions(editor):
    article = tagged_article("Erdogan et Poutine à Moscou.")
    wrong = entity_with_names("LOC", "Erdogan")
    person = entity_with_names("PER", "Recep Tayyip Erdogan")
    moscou = entity_with_names("LOC", "Moscou")
    erdogan = mention(article, "Erdogan", wrong)
    city = mention(article, "Moscou", moscou)

    curation.change_mention_entity(mention=erdogan, entity=person, user=editor)
    curation.reject_mention(mention=city, user=editor)

    erdogan.refresh_from_db()
    city.refresh_from_db()
    assert (erdogan.entity, erdogan.origin) == (person, "editor")
    assert city.rejected
    assert pending_ids() == {article.pk}
    assert Correction.objects.filter(entity_ids__contains=[wrong.pk]).exists()
    with pytest.raises(CurationError):
        curation.reject_mention(mention=city, user=editor)


# --- mentions by hand ------------------------------------------------------------------


def test_add_mention_finds_the_offsets_first_or_every_occurrence(editor):
    article = tagged_article("Daech recule. Les chefs de Daech fuient ; Daechistan non.")
    entity = entity_with_names("ORG", "État islamique")
    curation.add_mention(article=article, surface="Daech", entity=entity, user=editor)
    assert list(article.mentions.values_list("start", "end", "origin")) == [(0, 5, "editor")]
    correction = curation.add_mention(
        article=article, surface="Daech", entity=entity, every_occurrence=True, user=editor
    )
    spans = list(article.mentions.values_list("start", "end"))
    assert spans == [(0, 5), (27, 32)]  # whole words only
    assert correction.after["spans"] == [[27, 32]]
    assert all(article.body[s:e] == "Daech" for s, e in spans)
    with pytest.raises(CurationError, match="partout"):
        curation.add_mention(article=article, surface="Daech", entity=entity, user=editor)
    with pytest.raises(CurationError, match="n'apparaît pas"):
        curation.add_mention(article=article, surface="Daesh", entity=entity, user=editor)


def test_add_mention_of_a_new_entity_replaces_the_machine_span(editor):
    article = tagged_article("Les frappes visent Daech en Irak.")
    misc = entity_with_names("MISC", "Daech en Irak")
    machine = mention(article, "Daech en Irak", misc)
    correction = curation.add_mention(
        article=article, surface="Daech", kind="ORG", name="Daech", user=editor
    )
    created = article.mentions.get()
    assert (created.surface, created.entity.kind, created.entity.name) == ("Daech", "ORG", "Daech")
    assert not Mention.objects.filter(pk=machine.pk).exists()
    assert correction.before["replaced"][0]["surface"] == "Daech en Irak"
    with pytest.raises(CurationError, match="existante"):
        curation.add_mention(article=article, surface="Irak", user=editor)
    with pytest.raises(CurationError, match="existante"):
        curation.add_mention(
            article=article, surface="Irak", entity=misc, kind="LOC", name="Irak", user=editor
        )


# --- with the real tagger ------------------------------------------------------------


def test_retagging_keeps_every_editor_decision(tagged_reference, editor):
    first, second = tagged_reference
    article = Article.objects.get(pk=first)
    moscou = article.mentions.filter(surface="Moscou").first()
    recep = article.mentions.get(surface="Recep Tayyip")
    curation.reject_mention(mention=moscou, user=editor)
    erdogan = entity_with_names("PER", "Recep Tayyip Erdogan")
    curation.change_mention_entity(mention=recep, entity=erdogan, user=editor)
    curation.add_mention(
        article=article, surface="Daech", kind="ORG", name="Daech", user=editor
    )  # the model misses "anti-Daech"
    alias = EntityAlias.objects.get(surface="Assad")
    split = curation.split_alias(alias=alias, user=editor)
    decided = sorted(Mention.objects.filter(DECIDED).values_list(*DECISION))
    assert len(decided) >= 5

    tag_articles(article_ids=[first, second], force=True)
    tag_articles(article_ids=[first, second], force=True)  # twice: same result

    after = sorted(Mention.objects.filter(DECIDED).values_list(*DECISION))
    assert after == decided
    # No machine mention took the place of a decision.
    for a, start, end, *_ in decided:
        overlapping = Mention.objects.filter(article=a, start__lt=end, end__gt=start)
        assert overlapping.count() == 1
    assert split.entity.mentions.count() == 2


def test_a_correction_changes_the_tags_of_a_dispatch_imported_after_it(
    tagged_reference, tmp_path, editor
):
    keep = entity_named("État islamique", "ORG")
    curation.add_alias(entity=keep, surface="Daech", user=editor)
    curation.reject_form(surface="Tupolev", user=editor)
    run_tagging_worker()
    # The re-tag found the form in the reference dispatch where the model had missed it.
    assert keep.mentions.filter(surface="Daech", origin="rule").count() == 1
    assert not Mention.objects.filter(surface="Tupolev").exists()

    ids = import_text(
        tmp_path,
        "nouvelle.txt",
        "Daech perd du terrain\n\nBAGDAD, 3 juillet 2016 (AFP) - Daech a perdu du terrain "
        "autour de Mossoul, où un Tupolev a été abattu, selon l'armée irakienne.\n",
    )
    tag_articles(article_ids=ids)

    new = Mention.objects.filter(article_id__in=ids)
    assert new.get(surface="Daech").entity == keep
    assert new.filter(surface="Mossoul").exists()
    assert not new.filter(surface="Tupolev").exists()
