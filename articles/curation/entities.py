"""Corrections of entities: merge and undo, rename, relabel, split an alias, reject, add."""

from collections.abc import Sequence

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from articles import tagging
from articles.curation.affected import _mentioning, _spelled, articles_with_forms
from articles.curation.records import (
    MACHINE,
    Action,
    CurationError,
    User,
    _alias_state,
    _clean,
    _correct,
    _ensure_name_alias,
    _lock,
    correcting,
)
from articles.models import Correction, Entity, EntityAlias, Mention, Quote, RejectedForm
from articles.ner import normalize_form


def _move_aliases(other: Entity, keep: Entity, merged_ids: list[int]) -> list[dict]:
    """Move other's aliases to keep as curated ones; return what became of each."""
    states = []
    for alias in sorted(other.aliases.all(), key=lambda a: a.kind != keep.kind):
        state = _alias_state(alias, curated=alias.curated, fate="moved")
        target = EntityAlias.objects.filter(kind=keep.kind, key=alias.key).first()
        if target is None or target.pk == alias.pk:
            alias.entity, alias.kind, alias.curated = keep, keep.kind, True
            alias.save(update_fields=["entity", "kind", "curated"])
        elif target.entity_id == keep.pk or target.entity_id in merged_ids:
            state["fate"] = "dropped"  # keep has this name already
            alias.delete()
        else:
            raise CurationError(
                gettext(
                    "« %(name)s » already names « %(other)s » (%(kind)s): include it in the merge."
                )
                % {"name": alias.surface, "other": target.entity, "kind": target.get_kind_display()}
            )
        states.append(state)
    return states


def merge(*, keep: Entity, others: Sequence[Entity], user: User) -> Correction:
    """Move the others' mentions, names and history to keep, then delete them."""
    other_ids = sorted({e.pk for e in others} - {keep.pk})
    if not other_ids:
        raise CurationError(gettext("Choose at least one other entity to merge."))
    with correcting():
        rows = Entity.objects.select_for_update().in_bulk([keep.pk, *other_ids])
        if len(rows) != len(other_ids) + 1:
            raise CurationError(gettext("One of the entities to merge no longer exists."))
        keep = rows[keep.pk]
        snapshots, forms, article_ids = [], set(), set()
        for other in (rows[pk] for pk in other_ids):
            EntityAlias.objects.get_or_create(
                kind=other.kind,
                key=normalize_form(other.name),
                defaults={"entity": other, "surface": other.name},
            )
            spans = list(
                Mention.objects.filter(entity=other).values_list("article", "start", "end")
            )
            history = list(other.corrections.values_list("pk", flat=True))
            aliases = _move_aliases(other, keep, other_ids)
            snapshots.append(
                {"id": other.pk, "kind": other.kind, "name": other.name, "slug": other.slug}
                | {"aliases": aliases, "mentions": spans, "corrections": history}
            )
            forms.update(a["key"] for a in aliases)
            article_ids.update(a for a, _, _ in spans)
        _ensure_name_alias(keep)  # after the move: a merged entity may have held its name
        Mention.objects.filter(entity_id__in=other_ids).update(entity=keep)
        Quote.objects.filter(speaker_id__in=other_ids).update(speaker=keep)
        Correction.objects.filter(entity_id__in=other_ids).update(entity=keep)
        Entity.objects.filter(pk__in=other_ids).delete()
        article_ids.update(articles_with_forms(forms).values_list("pk", flat=True))
        names = ", ".join(f"« {s['name']} »" for s in snapshots)
        summary = gettext("%(names)s merged into « %(keep)s »") % {
            "names": names,
            "keep": keep.name,
        }
        return _correct(
            Action.MERGE, user, keep, summary, retag=article_ids, involved=other_ids,
            before={"entities": snapshots}, after={"name": keep.name, "kind": keep.kind},
        )  # fmt: skip


def _restore_aliases(snapshot: dict, entity: Entity, keep: Entity) -> None:
    for alias in snapshot["aliases"]:
        fields = {"kind": alias["kind"], "curated": alias["curated"]}
        # A name given to another entity since the merge stays where it is.
        taken = EntityAlias.objects.filter(kind=alias["kind"], key=alias["key"])
        if alias["fate"] == "moved":
            current = EntityAlias.objects.filter(entity=keep, kind=keep.kind, key=alias["key"])
            if not taken.exclude(pk__in=current.values("pk")).exists():
                current.update(entity=entity, **fields)
        elif not taken.exists():
            EntityAlias.objects.create(
                entity=entity, key=alias["key"], surface=alias["surface"], **fields
            )


def undo_merge(*, correction: Correction, user: User) -> Correction:
    """Recreate the entities a merge removed, with their names, mentions and history."""
    with correcting():
        correction = _lock(Correction, correction.pk, gettext("This correction"))
        if correction.action != Action.MERGE or correction.reverted_by_id:
            raise CurationError(gettext("Only a merge not undone yet can be undone."))
        if correction.entity_id is None:
            raise CurationError(
                gettext("The kept entity no longer exists: the merge cannot be undone.")
            )
        keep = _lock(Entity, correction.entity_id, gettext("The kept entity"))
        restored, article_ids = [], set()
        for snap in correction.before["entities"]:
            slug = snap["slug"]
            if Entity.objects.filter(slug=slug).exists():
                slug = tagging._unique_slug(snap["name"], snap["kind"])
            entity = Entity.objects.create(
                pk=snap["id"], kind=snap["kind"], name=snap["name"], slug=slug
            )
            _restore_aliases(snap, entity, keep)
            # Mentions go back by span: re-tagging since the merge may have replaced rows.
            spans = {tuple(span) for span in snap["mentions"]}
            articles = {span[0] for span in spans}
            rows = Mention.objects.filter(entity=keep, article_id__in=articles)
            ids = [pk for pk, *span in rows.values_list("pk", "article", "start", "end")
                   if tuple(span) in spans]  # fmt: skip
            Mention.objects.filter(pk__in=ids).update(entity=entity)
            Correction.objects.filter(pk__in=snap["corrections"], entity=keep).update(entity=entity)
            restored.append(entity)
            article_ids.update(articles)
        names = ", ".join(f"« {e.name} »" for e in restored)
        undo = _correct(
            Action.UNDO_MERGE, user, keep,
            gettext("Merge undone: %(names)s split from « %(keep)s »")
            % {"names": names, "keep": keep.name},
            retag=article_ids, involved=restored, before={"merge": correction.pk},
            after={"restored": [e.pk for e in restored]},
        )  # fmt: skip
        correction.reverted_by = undo
        correction.save(update_fields=["reverted_by"])
    return undo


def rename(*, entity: Entity, name: str, user: User) -> Correction:
    """Change an entity's canonical name; the old name stays an alias."""
    name, _ = _clean(name)
    with correcting():
        entity = _lock(Entity, entity.pk, gettext("The entity « %(name)s »") % {"name": entity})
        old = entity.name
        if name == old:
            raise CurationError(gettext("The entity already has this name."))
        EntityAlias.objects.get_or_create(
            kind=entity.kind, key=normalize_form(old), defaults={"entity": entity, "surface": old}
        )
        entity.name = name
        entity.save(update_fields=["name"])
        _ensure_name_alias(entity)
        return _correct(
            Action.RENAME, user, entity,
            gettext("« %(old)s » renamed « %(new)s »") % {"old": old, "new": name},
            retag=_mentioning(entity), before={"name": old}, after={"name": name},
        )  # fmt: skip


def relabel_clashes(*, entity: Entity, kind: str) -> list[Entity]:
    """Return the other entities that already own one of entity's names as that kind."""
    keys = entity.aliases.values_list("key", flat=True)
    clashes = Entity.objects.filter(aliases__kind=kind, aliases__key__in=keys)
    return list(clashes.exclude(pk=entity.pk).distinct())


def relabel(*, entity: Entity, kind: str, user: User, merge_on_clash: bool = False) -> Correction:
    """Change an entity's kind with its aliases; merge into a same-named entity if asked."""
    if kind not in Entity.Kind.values:
        raise CurationError(gettext("Unknown kind: %(kind)s.") % {"kind": kind})
    with correcting():
        entity = _lock(Entity, entity.pk, gettext("The entity « %(name)s »") % {"name": entity})
        old = entity.kind
        if kind == old:
            raise CurationError(gettext("The entity already has this kind."))
        clashes = relabel_clashes(entity=entity, kind=kind)
        label = Entity.Kind(kind).label
        if clashes and (not merge_on_clash or len(clashes) > 1):
            names = ", ".join(f"« {e.name} »" for e in clashes)
            raise CurationError(
                gettext(
                    "A name of « %(name)s » already names %(others)s (%(kind)s): merge them, "
                    "or change the kind accepting the merge."
                )
                % {"name": entity.name, "others": names, "kind": label}
            )
        summary = gettext("« %(name)s »: %(old)s → %(new)s") % {
            "name": entity.name,
            "old": Entity.Kind(old).label,
            "new": label,
        }
        if clashes:
            _correct(
                Action.RELABEL, user, clashes[0],
                gettext("%(summary)s, merged into « %(keep)s »")
                % {"summary": summary, "keep": clashes[0]},
                retag=(), involved=[entity], before={"kind": old}, after={"kind": kind},
            )  # fmt: skip
            return merge(keep=clashes[0], others=[entity], user=user)
        entity.aliases.update(kind=kind, curated=True)  # the tagger now finds them as `kind`
        entity.kind = kind
        entity.save(update_fields=["kind"])
        _ensure_name_alias(entity)
        return _correct(
            Action.RELABEL, user, entity, summary, retag=_mentioning(entity),
            before={"kind": old}, after={"kind": kind},
        )  # fmt: skip


def split_alias(*, alias: EntityAlias, user: User) -> Correction:
    """Give an alias its own entity, taking the mentions spelled like it."""
    with correcting():
        alias = _lock(EntityAlias, alias.pk, gettext("This alias"))
        source = alias.entity
        if alias.key == normalize_form(source.name):
            raise CurationError(
                gettext("« %(name)s » is the entity's name: rename it.") % {"name": alias.surface}
            )
        slug = tagging._unique_slug(alias.surface, alias.kind)
        entity = Entity.objects.create(kind=alias.kind, name=alias.surface, slug=slug)
        alias.entity, alias.curated = entity, True
        alias.save(update_fields=["entity", "curated"])
        _ensure_name_alias(source)  # the longer name then wins over the split-off one
        moved = Mention.objects.filter(entity=source, surface__regex=_spelled([alias.key]))
        article_ids = list(moved.values_list("article_id", flat=True))
        # An editor's decision: re-tagging must not fold them back into the source.
        count = moved.update(entity=entity, origin=Mention.Origin.EDITOR)
        return _correct(
            Action.SPLIT, user, entity,
            gettext("« %(alias)s » split from « %(entity)s » (%(count)d mentions)")
            % {"alias": alias.surface, "entity": source.name, "count": count},
            retag=article_ids, involved=[source],
            before={"entity": source.pk, "name": source.name, "alias": _alias_state(alias)},
            after={"mentions": count},
        )  # fmt: skip


def reject_form(*, surface: str, user: User) -> Correction:
    """Mark a surface form as never an entity and remove its machine mentions everywhere."""
    surface, key = _clean(surface)
    with correcting():
        RejectedForm.objects.get_or_create(
            key=key, defaults={"surface": surface, "created_by": user}
        )
        machine = Mention.objects.filter(
            origin__in=MACHINE, rejected=False, surface__regex=_spelled([key])
        )
        rows = list(machine.values_list("article_id", "entity_id"))
        machine.delete()
        aliases = EntityAlias.objects.filter(key=key)
        alias_states = [_alias_state(a, entity=a.entity_id) for a in aliases]
        aliases.delete()
        involved = {e for _, e in rows} | {a["entity"] for a in alias_states}
        orphans = Entity.objects.filter(pk__in=involved).exclude(
            Exists(Mention.objects.filter(entity=OuterRef("pk")))
            | Exists(EntityAlias.objects.filter(entity=OuterRef("pk")))
        )
        deleted = list(orphans.values("id", "kind", "name"))
        orphans.delete()
        return _correct(
            Action.REJECT_FORM, user, None,
            gettext("« %(name)s » is not an entity (%(count)d mentions removed)")
            % {"name": surface, "count": len(rows)},
            retag={a for a, _ in rows}, involved=involved,
            before={"mentions": len(rows), "aliases": alias_states, "entities": deleted},
            after={"rejected": surface},
        )  # fmt: skip


def add_alias(*, entity: Entity, surface: str, user: User) -> Correction:
    """Teach the tagger another name of an entity (lifting a rejection), and apply it."""
    surface, key = _clean(surface)
    with correcting():
        entity = _lock(Entity, entity.pk, gettext("The entity « %(name)s »") % {"name": entity})
        alias = EntityAlias.objects.filter(kind=entity.kind, key=key).first()
        if alias is not None and alias.entity_id != entity.pk:
            raise CurationError(
                gettext("« %(name)s » already names « %(other)s »: merge the two entities.")
                % {"name": surface, "other": alias.entity}
            )
        before = _alias_state(alias, curated=alias.curated) if alias else {}
        if RejectedForm.objects.filter(key=key).delete()[0]:
            before["rejected"] = True  # the editor says it is a name after all
        EntityAlias.objects.update_or_create(
            kind=entity.kind,
            key=key,
            defaults={"curated": True},
            create_defaults={"entity": entity, "surface": surface, "curated": True},
        )
        _ensure_name_alias(entity)
        return _correct(
            Action.ADD_ALIAS, user, entity,
            gettext("« %(name)s » added to the names of « %(entity)s »")
            % {"name": surface, "entity": entity.name},
            retag=articles_with_forms([key]).values_list("pk", flat=True),
            before=before, after={"surface": surface, "kind": entity.kind},
        )  # fmt: skip
