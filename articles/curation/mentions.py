"""Corrections of single mentions: reject one, move it to another entity, add one by hand."""

import re

from django.utils.translation import gettext

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
        mention = _lock(Mention, mention.pk, gettext("This mention"))
        if mention.rejected:
            raise CurationError(gettext("This mention is already rejected."))
        before = _mention_state(mention)
        mention.rejected = True
        mention.save(update_fields=["rejected"])
        return _correct(
            Action.REJECT_MENTION, user, mention.entity,
            gettext("Mention « %(text)s » rejected (dispatch %(article)s)")
            % {"text": mention.surface, "article": mention.article_id},
            retag=[mention.article_id], before=before, after={"rejected": True},
        )  # fmt: skip


def change_mention_entity(*, mention: Mention, entity: Entity, user: User) -> Correction:
    """Attach one mention to another entity, as an editor's decision."""
    with correcting():
        mention = _lock(Mention, mention.pk, gettext("This mention"))
        before, old = _mention_state(mention), mention.entity
        mention.entity, mention.origin, mention.rejected = entity, Mention.Origin.EDITOR, False
        mention.save(update_fields=["entity", "origin", "rejected"])
        return _correct(
            Action.CHANGE_MENTION, user, entity,
            gettext("Mention « %(text)s »: « %(old)s » → « %(new)s »")
            % {"text": mention.surface, "old": old.name, "new": entity.name},
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
        raise CurationError(
            gettext("Choose an existing entity, or the kind and name of a new one.")
        )
    if kind is not None and kind not in Entity.Kind.values:
        raise CurationError(gettext("Unknown kind: %(kind)s.") % {"kind": kind})
    with correcting():
        article = _lock(Article, article.pk, gettext("This dispatch"))
        spans = occurrences(article.body, surface)
        if not spans:
            raise CurationError(
                gettext("« %(surface)s » does not appear in this dispatch.") % {"surface": surface}
            )
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
            raise CurationError(
                gettext("« %(surface)s » is already marked everywhere by the desk.")
                % {"surface": surface}
            )
        return _correct(
            Action.ADD_MENTION, user, entity,
            gettext("« %(surface)s » → « %(entity)s » in dispatch %(article)s (%(count)d×)")
            % {"surface": surface, "entity": entity.name, "article": article.pk,
               "count": len(created)},
            retag=[article.pk], involved={m["entity_id"] for m in replaced},
            before={"replaced": replaced},
            after={"article": article.pk, "spans": [[m.start, m.end] for m in created]},
        )  # fmt: skip
