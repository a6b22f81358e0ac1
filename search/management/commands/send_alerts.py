"""Match new dispatches against saved searches and send the alerts that are due, here."""

from django.core.management.base import BaseCommand

from search import alert_tasks, watch
from search.models import SavedSearch


class Command(BaseCommand):
    help = (
        "Match the dispatches that became searchable against every saved search, then send "
        "the digests that are due (--now: every search with alerts on, whatever its "
        "frequency), in this process. The beat scheduler does the same every "
        "ALERT_PASS_SECONDS through the workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send every digest now")

    def handle(self, *args, **options):
        report = watch.percolate()
        watch.mark_interrupted()
        self.stdout.write(
            f"{report.dispatches} new dispatches, {report.searches} searches, "
            f"{report.matches} matches"
            + (f", {len(report.broken)} broken searches" if report.broken else "")
        )
        for frequency in SavedSearch.Frequency.values:
            if frequency != SavedSearch.Frequency.OFF:
                watch.prepare_digests(frequency, force=options["now"])
        sent = failed = 0
        for digest_id in watch.pending_digests():
            try:
                if alert_tasks.deliver(digest_id) == "sent":
                    sent += 1
            except alert_tasks.SMTP_ERRORS as error:
                failed += 1
                self.stderr.write(f"digest {digest_id} not sent ({error}): it stays pending")
        self.stdout.write(f"{sent} digests sent, {failed} left pending")
        if failed:
            raise SystemExit(1)
