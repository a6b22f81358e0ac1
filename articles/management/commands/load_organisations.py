"""Seed the tagger's lexicon with the curated list of organisations (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.curation.organisations import load_organisations
from articles.ner.organisations import FIXTURE


class Command(BaseCommand):
    help = (
        "Charge la liste d'organisations (fixtures/organisations.json) comme noms validés : "
        "l'étiqueteur les cherche dans chaque dépêche. Sans effet si elle est déjà chargée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=FIXTURE, help="liste JSON à charger")

    def handle(self, *args, **options):
        try:
            report = load_organisations(path=options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(f"liste illisible : {error}") from error
        for conflict in report.conflicts:
            self.stderr.write(conflict)
        self.stdout.write(
            f"{report.entities_created} entités créées, {report.aliases_curated} noms validés, "
            f"{report.retagged} dépêches à réétiqueter"
        )
