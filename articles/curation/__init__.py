"""Editors' corrections: merge, rename, relabel, split, reject, and mentions by hand.

Each service applies one correction in a transaction, records it as a Correction (who,
when, what, before and after), marks the entities reviewed, and queues the affected
articles for re-tagging after commit. Curated aliases and rejected forms are what
`tagging.load_lexicon` reads, so every future dispatch is tagged with the correction too.
"""

from articles.curation.affected import articles_with_forms, corrections_for, form_pattern
from articles.curation.entities import (
    add_alias,
    merge,
    reject_form,
    relabel,
    relabel_clashes,
    rename,
    split_alias,
    undo_merge,
)
from articles.curation.mentions import (
    add_mention,
    change_mention_entity,
    occurrences,
    reject_mention,
)
from articles.curation.organisations import add_organisation, load_organisations
from articles.curation.records import CurationError

__all__ = [
    "CurationError",
    "add_alias",
    "add_mention",
    "add_organisation",
    "articles_with_forms",
    "change_mention_entity",
    "corrections_for",
    "form_pattern",
    "load_organisations",
    "merge",
    "occurrences",
    "reject_form",
    "reject_mention",
    "relabel",
    "relabel_clashes",
    "rename",
    "split_alias",
    "undo_merge",
]
