"""Which articles a correction affects, found in the database by their surface forms."""

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from itertools import chain

from django.db.models import Exists, OuterRef, Q, QuerySet

from articles.models import Article, Correction, Entity, Mention
from articles.ner import normalize_form

_SEPARATORS = "[[:space:]'’ʼ‘`‐‑‒–—―−-]+"  # what normalize_form folds into one space
_LATIN = (range(0x30, 0x3A), range(0x41, 0x5B), range(0x61, 0x7B), range(0xC0, 0x250))


@cache
def _spellings() -> dict[str, str]:
    """Map each folded letter (or pair, for œ, æ, ß) to the characters that fold to it."""
    table: dict[str, set[str]] = defaultdict(set)
    for char in map(chr, chain(*_LATIN, range(0x1E00, 0x1F00))):
        if char.isalnum() and (folded := normalize_form(char)):
            table[folded].add(char)
    return {folded: "".join(sorted(chars)) for folded, chars in table.items()}


def form_pattern(key: str) -> str:
    """Return a PostgreSQL regex matching every spelling whose normalize_form() is key."""
    table, parts, i = _spellings(), [], 0
    while i < len(key):
        char, pair = key[i], key[i : i + 2]
        one = f"[{table[char]}]" if char in table else re.escape(char)
        if char == " ":
            parts.append(_SEPARATORS)
        elif len(pair) == 2 and pair in table:
            two = f"[{table[pair[1]]}]" if pair[1] in table else re.escape(pair[1])
            parts.append(f"(?:{one}{two}|[{table[pair]}])")
            i += 1
        else:
            parts.append(one)
        i += 1
    return "".join(parts)


def _spelled(keys: Iterable[str]) -> str:
    """Return an anchored regex for mention surfaces spelled like one of the keys."""
    return "^(" + "|".join(form_pattern(key) for key in sorted(set(keys))) + ")$"


def articles_with_forms(keys: Iterable[str]) -> QuerySet[Article]:
    """Return articles with a mention spelled like one of the keys, or a body containing one."""
    keys = {key for key in keys if key}
    if not keys:
        return Article.objects.none()
    mentioned = Mention.objects.filter(article=OuterRef("pk"), surface__regex=_spelled(keys))
    # Case and accents are spelled out in the pattern: only word boundaries are the DB's.
    words = "|".join(form_pattern(key) for key in sorted(keys))
    written = Q(body__regex=f"(^|[^[:alnum:]])({words})($|[^[:alnum:]])")
    return Article.objects.filter(Q(Exists(mentioned)) | written)


def _mentioning(entity: Entity) -> QuerySet:
    return Mention.objects.filter(entity=entity).values_list("article_id", flat=True)


def corrections_for(entity: Entity) -> QuerySet[Correction]:
    """Return the corrections that involved an entity, newest first."""
    return Correction.objects.filter(
        Q(entity=entity) | Q(entity_ids__contains=[entity.pk])
    ).select_related("user", "reverted_by")
