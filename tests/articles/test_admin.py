"""The editors' desk in the admin, through Django's test client, as each role."""

import pytest
from django.urls import reverse

from articles.importing import import_files
from articles.models import Article, Correction, Entity, EntityAlias, Mention, RejectedForm
from articles.ner import normalize_form
from articles.tagging import load_lexicon, tag_articles
from tests.articles.test_curation import (
    entity_with_names,
    import_text,
    mention,
    run_tagging_worker,
    tagged_article,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENTITIES = reverse("admin:articles_entity_changelist")


def entity_url(entity: Entity) -> str:
    return reverse("admin:articles_entity_change", args=[entity.pk])


def article_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form_data(response) -> dict:
    """Return what the browser would post back from an admin change page, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form[name].html_name] = "on"
            elif value is not None and value is not False and value != "":
                data[form[name].html_name] = value
    return data


def select(action: str, entities: list[Entity], **extra) -> dict:
    return {"action": action, "_selected_action": [e.pk for e in entities], **extra}


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


# --- who gets in -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["journalist", "archivist"])
def test_journalists_and_archivists_get_no_admin(client, role, request):
    client.force_login(request.getfixturevalue(role))
    entity = entity_with_names("ORG", "EI")
    keep = entity_with_names("ORG", "État islamique")
    for url in [ENTITIES, entity_url(entity), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(ENTITIES, select("merge_entities", [entity, keep], post="yes"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    undo = reverse("admin:articles_entity_undo", args=[1])
    assert "/admin/login/" in client.post(undo)["Location"]
    assert Entity.objects.count() == 2 and not Correction.objects.exists()


def test_staff_without_the_editor_role_cannot_change_entities(client):
    client.force_login(UserFactory(is_staff=True))
    entity = entity_with_names("ORG", "EI")
    alias = entity.aliases.get()
    assert client.get(ENTITIES).status_code == 403
    assert client.get(entity_url(entity)).status_code == 403
    split = reverse("admin:articles_entity_split", args=[entity.pk, alias.pk])
    assert client.post(split).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(ENTITIES)
    assert response.status_code == 302 and "login" in response["Location"]


# --- the entity list -------------------------------------------------------------------


def test_entity_list_shows_counts_in_a_constant_number_of_queries(
    desk, django_assert_max_num_queries
):
    article = tagged_article("Daech et l'EI, puis l'EI encore. Alep.")
    other = tagged_article("L'EI à Alep.")
    ei = entity_with_names("ORG", "EI", "E.I.", "Daech")
    mention(article, "EI", ei)
    mention(article, "EI", ei, nth=1)
    mention(other, "EI", ei)
    mention(article, "Daech", ei, rejected=True)  # rejected ones are not counted
    with django_assert_max_num_queries(10):
        response = desk.get(ENTITIES)
    row = next(e for e in response.context["cl"].result_list if e.pk == ei.pk)
    assert (row.alias_count, row.mention_count, row.article_count) == (3, 3, 2)
    places = [entity_with_names("LOC", f"Ville {n}", f"Cité {n}") for n in range(30)]
    mention(other, "Alep", places[0])
    with django_assert_max_num_queries(10):
        response = desk.get(ENTITIES)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 31


def test_entity_list_searches_names_and_aliases_and_filters_unreviewed(desk):
    keep = entity_with_names("ORG", "État islamique", "Daech")
    reviewed = entity_with_names("LOC", "Alep")
    Entity.objects.filter(pk=reviewed.pk).update(reviewed=True)
    for term in ["daech", "etat", "ÉTAT-ISLAMIQUE"]:
        found = desk.get(ENTITIES, {"q": term}).context["cl"].result_list
        assert list(found) == [keep], term
    unreviewed = desk.get(ENTITIES, {"review": "unreviewed"}).context["cl"].result_list
    assert list(unreviewed) == [keep]
    places = desk.get(ENTITIES, {"kind__exact": "LOC"}).context["cl"].result_list
    assert list(places) == [reviewed]


def test_entity_autocomplete_answers_editors(desk):
    entity_with_names("ORG", "État islamique", "Daech")
    response = desk.get(
        reverse("admin:autocomplete"),
        {"term": "daech", "app_label": "articles", "model_name": "mention", "field_name": "entity"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["État islamique"]


# --- actions on the list ---------------------------------------------------------------


def test_merge_asks_which_entity_to_keep_then_merges(desk, editor):
    article = tagged_article("L'État islamique (EI), ou Daech.")
    keep = entity_with_names("ORG", "État islamique")
    ei = entity_with_names("ORG", "EI")
    daech = entity_with_names("ORG", "Daech")
    mention(article, "État islamique", keep)
    mention(article, "EI", ei)
    mention(article, "Daech", daech)
    chosen = [keep, ei, daech]

    page = desk.post(ENTITIES, select("merge_entities", chosen, index=0))

    assert page.status_code == 200
    assert "admin/articles/entity/confirm.html" in [t.name for t in page.templates]
    html = page.content.decode()
    for entity in chosen:
        assert f'name="keep" value="{entity.pk}"' in html and entity.name in html
    assert Entity.objects.count() == 3  # nothing happens before the confirmation

    done = desk.post(ENTITIES, select("merge_entities", chosen, post="yes", keep=keep.pk))

    assert done.status_code == 302
    assert list(Entity.objects.all()) == [keep]
    assert keep.mentions.count() == 3
    correction = Correction.objects.get(action="merge")
    assert correction.user == editor
    messages = [str(m) for m in desk.get(ENTITIES).context["messages"]]
    assert any("fusionné dans « État islamique »" in m for m in messages)


def test_merge_needs_two_entities_and_a_kept_one(desk):
    one = entity_with_names("ORG", "EI")
    two = entity_with_names("ORG", "Daech")
    desk.post(ENTITIES, select("merge_entities", [one], index=0))
    desk.post(ENTITIES, select("merge_entities", [one, two], post="yes"))
    assert Entity.objects.count() == 2 and not Correction.objects.exists()


def test_not_an_entity_rejects_every_name_of_the_selected_entities(desk):
    article = tagged_article("Prouvez-le ! PROUVEZ-LE !")
    bogus = entity_with_names("PER", "Prouvez", "PROUVEZ")
    mention(article, "Prouvez", bogus)
    page = desk.post(ENTITIES, select("reject_entities", [bogus], index=0))
    assert page.status_code == 200 and "Prouvez" in page.content.decode()
    desk.post(ENTITIES, select("reject_entities", [bogus], post="yes"))
    assert list(RejectedForm.objects.values_list("key", flat=True)) == ["prouvez"]
    assert not Entity.objects.exists() and not Mention.objects.exists()


def test_relabel_action_changes_the_kind_or_explains_the_clash(desk):
    tupolev = entity_with_names("ORG", "Tupolev")
    wrong = entity_with_names("PER", "Alep")
    place = entity_with_names("LOC", "Alep")
    page = desk.post(ENTITIES, select("relabel_entities", [tupolev], index=0))
    assert page.status_code == 200 and 'name="kind"' in page.content.decode()
    desk.post(ENTITIES, select("relabel_entities", [tupolev], post="yes", kind="MISC"))
    tupolev.refresh_from_db()
    assert tupolev.kind == "MISC" and load_lexicon().aliases["tupolev"] == ("MISC", "Tupolev")

    desk.post(ENTITIES, select("relabel_entities", [wrong], post="yes", kind="LOC"))
    wrong.refresh_from_db()
    assert wrong.kind == "PER"
    messages = [str(m) for m in desk.get(ENTITIES).context["messages"]]
    assert any("désigne déjà « Alep »" in m for m in messages)
    desk.post(
        ENTITIES, select("relabel_entities", [wrong], post="yes", kind="LOC", merge_on_clash="on")
    )
    assert not Entity.objects.filter(pk=wrong.pk).exists() and place.aliases.count() == 1


# --- the entity page -------------------------------------------------------------------


def test_entity_page_shows_names_mentions_in_context_escaped_and_history(desk, editor):
    article = tagged_article("Selon <script>alert(1)</script> l'agence, Daech a reculé hier soir.")
    entity = entity_with_names("ORG", "Daech", "Daesh")
    mention(article, "Daech", entity)
    response = desk.get(entity_url(entity))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Daesh" in html and "séparer en entité à part" in html
    in_context = (
        "…Selon &lt;script&gt;alert(1)&lt;/script&gt; l&#x27;agence, "
        "<strong>Daech</strong> a reculé hier soir.…"
    )
    assert in_context in html
    assert "<script>alert" not in html
    assert "Aucune correction" in html


def test_rename_and_add_a_name_through_the_change_form(desk):
    entity = entity_with_names("PER", "Cavusolgu")
    data = change_form_data(desk.get(entity_url(entity)))
    data |= {"name": "Mevlüt Cavusoglu", "new_alias": "Cavusoglu"}
    response = desk.post(entity_url(entity), data)
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.name == "Mevlüt Cavusoglu" and entity.reviewed
    assert set(entity.aliases.values_list("surface", flat=True)) == {
        "Cavusolgu", "Mevlüt Cavusoglu", "Cavusoglu"
    }  # fmt: skip
    assert set(Correction.objects.values_list("action", flat=True)) == {"rename", "add_alias"}
    history = desk.get(entity_url(entity)).content.decode()
    assert "« Cavusolgu » renommé « Mevlüt Cavusoglu »" in history


def test_change_form_refuses_a_name_or_kind_owned_by_another_entity(desk):
    entity = entity_with_names("PER", "Alep")
    entity_with_names("LOC", "Alep")
    entity_with_names("PER", "Bachar al-Assad")
    data = change_form_data(desk.get(entity_url(entity)))
    response = desk.post(entity_url(entity), data | {"kind": "LOC"})
    assert response.status_code == 200 and "désigne déjà" in response.content.decode()
    response = desk.post(entity_url(entity), data | {"name": "Bachar al-Assad"})
    assert response.status_code == 200 and "fusionnez" in response.content.decode()
    entity.refresh_from_db()
    assert (entity.name, entity.kind) == ("Alep", "PER")
    assert not Correction.objects.exists()


def test_undo_a_merge_from_the_entity_page(desk):
    article = tagged_article("L'EI et l'État islamique.")
    keep = entity_with_names("ORG", "État islamique")
    ei = entity_with_names("ORG", "EI")
    mention(article, "EI", ei)
    desk.post(ENTITIES, select("merge_entities", [keep, ei], post="yes", keep=keep.pk))
    merge = Correction.objects.get(action="merge")
    undo_url = reverse("admin:articles_entity_undo", args=[merge.pk])
    page = desk.get(entity_url(keep)).content.decode()
    assert f'action="{undo_url}"' in page and "Annuler la fusion" in page
    assert desk.get(undo_url).status_code == 405

    response = desk.post(undo_url)

    assert response.status_code == 302
    restored = Entity.objects.get(pk=ei.pk)
    assert restored.mentions.count() == 1
    assert "annulée le" in desk.get(entity_url(keep)).content.decode()


def test_split_an_alias_from_its_confirmation_page(desk):
    article = tagged_article("Assad, puis Bachar al-Assad.")
    bachar = entity_with_names("PER", "Bachar al-Assad", "Assad")
    mention(article, "Assad", bachar)
    alias = bachar.aliases.get(surface="Assad")
    url = reverse("admin:articles_entity_split", args=[bachar.pk, alias.pk])
    page = desk.get(url)
    assert page.status_code == 200 and "avec 1 mention," in page.content.decode()
    response = desk.post(url)
    new = Entity.objects.get(name="Assad")
    assert response["Location"] == entity_url(new)
    assert new.mentions.count() == 1 and not bachar.mentions.exists()
    wrong = reverse("admin:articles_entity_split", args=[new.pk, bachar.aliases.get().pk])
    assert desk.post(wrong).status_code == 403


def test_reject_a_form_from_the_rejected_forms_page(desk):
    article = tagged_article("Prouvez-le.")
    mention(article, "Prouvez", entity_with_names("PER", "Prouvez"))
    response = desk.post(reverse("admin:articles_rejectedform_add"), {"surface": "Prouvez"})
    assert response.status_code == 302
    assert RejectedForm.objects.get().key == "prouvez" and not Mention.objects.exists()
    assert Correction.objects.get().action == "reject_form"


# --- the article page ------------------------------------------------------------------


def test_article_page_rejects_reassigns_and_adds_mentions(desk, editor):
    article = tagged_article("Erdogan à Moscou. Daech recule ; Daech fuit.")
    wrong = entity_with_names("LOC", "Erdogan")
    person = entity_with_names("PER", "Recep Tayyip Erdogan")
    moscou = entity_with_names("LOC", "Moscou")
    keep = entity_with_names("ORG", "État islamique")
    erdogan = mention(article, "Erdogan", wrong)
    city = mention(article, "Moscou", moscou)

    page = desk.get(article_url(article))
    assert page.status_code == 200
    data = change_form_data(page)
    prefix = {
        m.pk: f"mentions-{i}"
        for i, m in enumerate(page.context["inline_admin_formsets"][0].formset.queryset)
    }
    data[f"{prefix[city.pk]}-rejected"] = "on"
    data[f"{prefix[erdogan.pk]}-entity"] = person.pk
    data |= {"mention_surface": "Daech", "mention_entity": keep.pk, "mention_every": "1"}

    response = desk.post(article_url(article), data)

    assert response.status_code == 302
    city.refresh_from_db()
    erdogan.refresh_from_db()
    assert city.rejected and (erdogan.entity, erdogan.origin) == (person, "editor")
    added = article.mentions.filter(entity=keep)
    assert [(m.start, m.end, m.origin) for m in added] == [(18, 23, "editor"), (33, 38, "editor")]
    assert set(Correction.objects.values_list("action", flat=True)) == {
        "reject_mention", "change_mention", "add_mention"
    }  # fmt: skip
    article.refresh_from_db()
    assert article.body.startswith("Erdogan à Moscou") and article.tagging_status == "pending"


def test_article_page_adds_a_mention_of_a_new_entity_or_explains(desk):
    article = tagged_article("La Russie et Daech.")
    data = change_form_data(desk.get(article_url(article)))
    response = desk.post(article_url(article), data | {"mention_surface": "Daesh"})
    assert response.status_code == 200
    assert "n&#x27;apparaît pas" in response.content.decode()
    response = desk.post(
        article_url(article),
        data | {"mention_surface": "Daech", "mention_kind": "ORG", "mention_name": "Daech"},
    )
    assert response.status_code == 302
    created = article.mentions.get()
    assert (created.surface, created.entity.kind, created.start) == ("Daech", "ORG", 13)


# --- done when -------------------------------------------------------------------------


def test_done_when_an_editor_corrects_the_demo_and_the_next_dispatch_follows(
    desk, tmp_path, reference_path
):
    # The desk's archive: a dispatch naming "Daech" and "EI" without defining them, then
    # the reference file. The tagger links the reference's "EI" to "État islamique" (it is
    # defined there), but the earlier dispatch left "Daech" and "EI" as entities of their own.
    earlier = import_text(
        tmp_path,
        "avant.txt",
        "Mossoul : Daech perd du terrain\n\nBAGDAD, 30 juin 2016 (AFP) - Daech a perdu du "
        "terrain à Mossoul, selon l'armée irakienne. Les jihadistes de l'EI ont revendiqué "
        "mardi l'attentat de Bagdad.\n",
    )
    tag_articles(article_ids=earlier)
    reference = import_files(paths=[reference_path]).files[0].article_ids
    tag_articles(article_ids=reference)

    def org(name):
        return EntityAlias.objects.get(kind="ORG", key=normalize_form(name)).entity

    state, ei, daech = org("État islamique"), org("EI"), org("Daech")
    assert len({state, ei, daech}) == 3 and org("Etat islamique") == state
    tupolev = Entity.objects.get(name="Tupolev")
    assert tupolev.kind == "ORG"  # an aircraft, mislabelled

    # The editor merges "EI" and "Daech" into "État islamique" ...
    chosen = [state, ei, daech]
    assert desk.post(ENTITIES, select("merge_entities", chosen, index=0)).status_code == 200
    desk.post(ENTITIES, select("merge_entities", chosen, post="yes", keep=state.pk))
    # ... says "Prouvez" is not an entity ...
    desk.post(reverse("admin:articles_rejectedform_add"), {"surface": "Prouvez"})
    # ... and relabels Tupolev.
    desk.post(ENTITIES, select("relabel_entities", [tupolev], post="yes", kind="MISC"))

    assert org("EI") == org("Daech") == state
    assert not Entity.objects.filter(pk__in=[ei.pk, daech.pk]).exists()
    assert Correction.objects.count() == 3
    run_tagging_worker()  # the background re-tag of the affected dispatches
    earlier_names = Mention.objects.filter(article_id__in=earlier, surface__in=["EI", "Daech"])
    assert {m.entity_id for m in earlier_names} == {state.pk}
    assert state.mentions.filter(article=reference[0], surface="Daech").exists()  # "anti-Daech"

    # A dispatch imported after the corrections is tagged with them, with no manual re-run.
    new = import_text(
        tmp_path,
        "apres.txt",
        "Daech revendique l'attentat de Bagdad\n\nBAGDAD, 4 juillet 2016 (AFP) - Daech a "
        "revendiqué l'attentat qui a frappé Bagdad dimanche. « Prouvez-le », a lancé le "
        "Premier ministre irakien. Un Tupolev russe a bombardé Raqa, fief de Daech en Syrie.\n",
    )
    tag_articles(article_ids=new)

    mentions = Mention.objects.filter(article_id__in=new).select_related("entity")
    daech_mentions = [m for m in mentions if m.surface == "Daech"]
    assert len(daech_mentions) == 2 and {m.entity for m in daech_mentions} == {state}
    assert [m.entity for m in mentions if m.surface == "Tupolev"] == [tupolev]
    tupolev.refresh_from_db()
    assert tupolev.kind == "MISC"
    assert not mentions.filter(surface__icontains="prouvez").exists()
    # The entity's public page shows one entity with every dispatch.
    page = desk.get(state.get_absolute_url())
    assert page.status_code == 200 and page.context["page"].paginator.count == 4
