"""Report articles missing from, stale in, or extra in the search index; --fix repairs them."""

from django.core.management.base import BaseCommand

from search import indexing

SHOWN_IDS = 20


class Command(BaseCommand):
    help = "Compare the search index with the database; --fix re-indexes what drifted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="re-index missing and stale articles, drop extras"
        )

    def handle(self, *args, fix: bool = False, **options):
        drift = indexing.find_drift()
        for label, ids in (
            ("missing from the index", drift.missing),
            ("stale in the index", drift.stale),
            ("in the index but not in the database", drift.extra),
        ):
            shown = ", ".join(str(pk) for pk in ids[:SHOWN_IDS])
            more = f" (+{len(ids) - SHOWN_IDS} more)" if len(ids) > SHOWN_IDS else ""
            self.stdout.write(f"{len(ids)} articles {label}{': ' + shown + more if ids else ''}")
        if drift.clean:
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
            return
        if drift.queued:
            self.stdout.write(f"{drift.queued} of them are already queued for the index worker.")
        if not fix:
            self.stdout.write(self.style.WARNING("Run with --fix to repair."))
            raise SystemExit(1)
        report = indexing.repair(drift)
        self.stdout.write(
            self.style.SUCCESS(
                f"Repaired: {report.indexed} articles indexed, {report.removed} documents removed."
            )
        )
