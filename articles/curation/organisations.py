"""Seed the lexicon with the curated organisations of fixtures/organisations.json.

The list becomes what editors' corrections already are: curated aliases of entities, which
`tagging.load_lexicon` hands to the tagger. Loading is idempotent and never overrides an
editor: a form they rejected stays rejected, a form that already names another entity
stays with it (reported, for an editor to merge), an entity that exists keeps its name.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext

from articles import tagging
from articles.curation.affected import articles_with_forms
from articles.curation.records import CurationError, User, _clean, _correct, correcting
from articles.models import Article, Correction, Entity, EntityAlias, RejectedForm
from articles.ner import normalize_form
from articles.ner.organisations import FIXTURE, CuratedName, read_curated


def already_exists(name: str) -> str:
    return gettext("« %(name)s » exists already: add a name to it from its page.") % {"name": name}


@dataclass
class OrganisationsReport:
    entities_created: int = 0
    aliases_curated: int = 0
    conflicts: list[str] = field(default_factory=list)
    retagged: int = 0


def _entity_for(entry: CuratedName, owners: dict[str, EntityAlias]) -> Entity | None:
    """The entity one of the entry's forms already names, the name's first."""
    for form in entry.forms:
        if alias := owners.get(normalize_form(form)):
            return alias.entity
    return None


def _seed(entry: CuratedName, report: OrganisationsReport) -> set[str]:
    """Curate the entry's forms; return the keys that became curated."""
    keys: dict[str, str] = {}
    for form in entry.forms:
        keys.setdefault(normalize_form(form), form)  # "Zanaco ; ZANACO": the first spelling
    owners = {
        alias.key: alias
        for alias in EntityAlias.objects.select_related("entity").filter(
            kind=entry.kind, key__in=keys
        )
    }
    rejected = set(RejectedForm.objects.filter(key__in=keys).values_list("key", flat=True))
    entity = _entity_for(entry, owners)
    if entity is None:
        entity = Entity.objects.create(
            kind=entry.kind, name=entry.name, slug=tagging._unique_slug(entry.name, entry.kind)
        )
        report.entities_created += 1
    curated = set()
    for key, form in keys.items():
        alias = owners.get(key)
        if key in rejected:
            report.conflicts.append(f"« {form} » : refusé par la rédaction, laissé tel quel")
        elif alias is None:
            EntityAlias.objects.create(
                entity=entity, kind=entry.kind, key=key, surface=form, curated=True
            )
            curated.add(key)
        elif alias.entity_id != entity.pk:
            report.conflicts.append(
                f"« {form} » désigne déjà « {alias.entity} » : fusionnez-la avec « {entity} »"
            )
        elif not alias.curated:
            EntityAlias.objects.filter(pk=alias.pk).update(curated=True)
            curated.add(key)
    return curated


def load_organisations(*, path: Path = FIXTURE) -> OrganisationsReport:
    """Make the list's organisations curated entities and re-tag the articles they change."""
    entries = read_curated(path)
    report = OrganisationsReport()
    with correcting():
        keys: set[str] = set()
        for entry in entries:
            keys |= _seed(entry, report)
        report.aliases_curated = len(keys)
        if keys:
            ids = list(articles_with_forms(keys).values_list("pk", flat=True))
            Article.objects.filter(pk__in=ids).exclude(
                tagging_status=Article.Tagging.SKIPPED
            ).update(tagging_status=Article.Tagging.PENDING)
            tagging.enqueue_tagging(ids)
            report.retagged = len(ids)
    return report


def add_organisation(*, name: str, kind: str, aliases: list[str], user: User) -> Correction:
    """Create an entity from an editor's hand with its names, curated, and apply it."""
    name, key = _clean(name)
    forms = [name, *(_clean(a)[0] for a in aliases if a.strip())]
    with correcting():
        report = OrganisationsReport()
        entry = CuratedName(kind=kind, name=name, forms=tuple(dict.fromkeys(forms)))
        if EntityAlias.objects.filter(kind=kind, key=key).exists():
            raise CurationError(already_exists(name))
        keys = _seed(entry, report)
        if report.conflicts:  # the transaction rolls back: nothing was added
            raise CurationError(" ; ".join(report.conflicts))
        entity = EntityAlias.objects.get(kind=kind, key=key).entity
        return _correct(
            Correction.Action.ADD_ALIAS, user, entity,
            gettext("« %(name)s » added by the desk") % {"name": name},
            retag=articles_with_forms(keys).values_list("pk", flat=True),
            after={"surface": name, "kind": kind, "aliases": forms[1:]},
        )  # fmt: skip
