"""Rebuild the search index from the database (on OpenSearch: a new index, then the swap)."""

from django.core.management.base import BaseCommand, CommandError

from search import indexing


class Command(BaseCommand):
    help = (
        "Index every article afresh. On OpenSearch the old index serves until the new one "
        "is complete; on Whoosh the index is emptied first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument(
            "-b",
            "--batch-size",
            type=int,
            default=indexing.BATCH_SIZE,
            help=f"articles per bulk request or commit (default {indexing.BATCH_SIZE})",
        )

    def handle(
        self, *args, interactive: bool = True, batch_size: int = indexing.BATCH_SIZE, **options
    ):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if interactive:
            answer = input("Rebuild the whole search index from the database? [y/N] ")
            if answer.strip().lower() not in {"y", "yes", "o", "oui"}:
                self.stdout.write("Nothing was changed.")
                return
        report = indexing.rebuild(batch_size=batch_size)
        repaired = report.repaired
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {report.indexed} articles; caught up with {repaired.indexed} changed "
                f"and {repaired.removed} deleted while the rebuild ran."
            )
        )
