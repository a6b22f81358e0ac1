"""Bookkeeping shared by every correction: the record, locks, aliases' and mentions' states."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext

from articles import locks, tagging
from articles.models import Article, Correction, Entity, EntityAlias, Mention
from articles.ner import normalize_form

Action = Correction.Action
User = AbstractBaseUser | None
MACHINE = (Mention.Origin.MODEL, Mention.Origin.RULE)
_MENTION_FIELDS = ("id", "article_id", "entity_id", "start", "end", "surface", "origin", "rejected")


class CurationError(ValueError):
    """A correction that cannot be applied as asked; the message is for the editor."""


@contextmanager
def correcting() -> Iterator[None]:
    """One correction's transaction, serialised against tagging writes (see articles.locks)."""
    with transaction.atomic():
        locks.correcting()
        yield


def _correct(
    action: str,
    user: User,
    entity: Entity | None,
    summary: str,
    *,
    retag: Iterable[int],
    involved: Iterable[Entity | int] = (),
    before: dict | None = None,
    after: dict | None = None,
) -> Correction:
    """Record a correction, mark its entities reviewed and re-tag its articles after commit."""
    ids = sorted({getattr(e, "pk", e) for e in chain(involved, [entity] if entity else [])})
    Entity.objects.filter(pk__in=ids).update(reviewed=True)
    article_ids = sorted(set(retag))
    if article_ids:
        Article.objects.filter(pk__in=article_ids).update(tagging_status=Article.Tagging.PENDING)
        tagging.enqueue_tagging(article_ids)
    user = user if user is not None and user.is_authenticated else None
    return Correction.objects.create(
        action=action,
        user=user,
        entity=entity,
        entity_ids=ids,
        summary=summary[:500],
        before=before or {},
        after=(after or {}) | {"retagged": len(article_ids)},
    )


def _lock(model: type[models.Model], pk: int, what: str):
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise CurationError(gettext("%(what)s no longer exists.") % {"what": what}) from None


def _clean(text: str) -> tuple[str, str]:
    text = " ".join(text.split())
    if not (key := normalize_form(text)):
        raise CurationError(gettext("The text is empty."))
    return text, key


def _ensure_name_alias(entity: Entity) -> None:
    """Make the entity's own name a curated alias, so the tagger resolves its canonical name."""
    alias, _ = EntityAlias.objects.get_or_create(
        kind=entity.kind,
        key=normalize_form(entity.name),
        defaults={"entity": entity, "surface": entity.name},
    )
    if alias.entity_id != entity.pk:
        raise CurationError(
            gettext("« %(name)s » already names « %(other)s » (%(kind)s): merge the two entities.")
            % {"name": entity.name, "other": alias.entity, "kind": alias.get_kind_display()}
        )
    EntityAlias.objects.filter(pk=alias.pk).update(curated=True)


def _alias_state(alias: EntityAlias, **extra) -> dict:
    return {"key": alias.key, "surface": alias.surface, "kind": alias.kind} | extra


def _mention_state(mention: Mention) -> dict:
    return {field: getattr(mention, field) for field in _MENTION_FIELDS}
