"""Corrections of single mentions: reject one, move it to another entity, add one by hand."""

import re

from articles import tagging
from articles.curation.records import (
    Action,
    CurationError,
    User,
    _correct,
    _lock,
    _mention_state,
    correcting,
)
from articles.models import Article, Correction, Entity, Mention


def reject_mention(*, mention: Mention, user: User) -> Correction:
    """Say one mention is not an entity; re-tagging keeps that stretch of text free."""
    with correcting():
        mention = _lock(Mention, mention.pk, "Cette mention")
        if mention.rejected:
            raise CurationError("Cette mention est déjà rejetée.")
        before = _mention_state(mention)
        mention.rejected = True
        mention.save(update_fields=["rejected"])
        return _correct(
            Action.REJECT_MENTION, user, mention.entity,
            f"Mention « {mention.surface} » rejetée (dépêche {mention.article_id})",
            retag=[mention.article_id], before=before, after={"rejected": True},
        )  # fmt: skip


def change_mention_entity(*, mention: Mention, entity: Entity, user: User) -> Correction:
    """Attach one mention to another entity, as an editor's decision."""
    with correcting():
        mention = _lock(Mention, mention.pk, "Cette mention")
        before, old = _mention_state(mention), mention.entity
        mention.entity, mention.origin, mention.rejected = entity, Mention.Origin.EDITOR, False
        mention.save(update_fields=["entity", "origin", "rejected"])
        return _correct(
            Action.CHANGE_MENTION, user, entity,
            f"Mention « {mention.surface} » : « {old.name} » → « {entity.name} »",
            retag=[mention.article_id], involved=[old], before=before,
            after=_mention_state(mention),
        )  # fmt: skip


def occurrences(body: str, surface: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of surface in body, as whole words."""
    pattern = rf"(?<!\w){re.escape(surface)}(?!\w)"
    return [m.span() for m in re.finditer(pattern, body)] if surface else []


def add_mention(
    *,
    article: Article,
    surface: str,
    user: User,
    entity: Entity | None = None,
    kind: str | None = None,
    name: str | None = None,
    every_occurrence: bool = False,
) -> Correction:
    """Tag surface in the article's body (first or every occurrence) as an entity."""
    surface = surface.strip()
    if (entity is not None) == bool(kind and name and name.strip()):
        raise CurationError("Choisissez une entité existante, ou le type et le nom d'une nouvelle.")
    if kind is not None and kind not in Entity.Kind.values:
        raise CurationError(f"Type inconnu : {kind}.")
    with correcting():
        article = _lock(Article, article.pk, "Cette dépêche")
        spans = occurrences(article.body, surface)
        if not spans:
            raise CurationError(f"« {surface} » n'apparaît pas dans cette dépêche.")
        if entity is None:
            entity = tagging.resolve_entity(kind=kind, name=" ".join(name.split()), surface=surface)
        existing = list(article.mentions.all())
        created, replaced = [], []
        for start, end in spans:
            overlapping = [m for m in existing if m.start < end and start < m.end]
            if any(
                m.origin == Mention.Origin.EDITOR
                and not m.rejected
                and ((m.start, m.end) != (start, end) or m.entity_id == entity.pk)
                for m in overlapping
            ):
                continue  # an editor already decided about this stretch
            for m in overlapping:
                replaced.append(_mention_state(m))
                existing.remove(m)
                m.delete()
            created.append(
                Mention.objects.create(
                    article=article, entity=entity, start=start, end=end,
                    surface=article.body[start:end][:300], origin=Mention.Origin.EDITOR,
                )
            )  # fmt: skip
            if not every_occurrence:
                break
        if not created:
            raise CurationError(f"« {surface} » est déjà annoté partout par la rédaction.")
        return _correct(
            Action.ADD_MENTION, user, entity,
            f"« {surface} » → « {entity.name} » dans la dépêche {article.pk} ({len(created)}×)",
            retag=[article.pk], involved={m["entity_id"] for m in replaced},
            before={"replaced": replaced},
            after={"article": article.pk, "spans": [[m.start, m.end] for m in created]},
        )  # fmt: skip
