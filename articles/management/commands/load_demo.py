"""Load the demo archive: one user per role, the reference and the Wikinews dispatches."""

from django.core.management.base import BaseCommand

from articles.demo import WIKINEWS_ATTRIBUTION, load_demo


class Command(BaseCommand):
    help = "Create the demo users (passwords printed once) and import the demo dispatches."

    def handle(self, *args, **options):
        report = load_demo()
        self.stdout.write(
            f"Demo dispatches: {report.reference.articles_created} new, "
            f"{report.reference.duplicates} already there."
        )
        wikinews = report.wikinews
        self.stdout.write(
            f"Wikinews dispatches ({WIKINEWS_ATTRIBUTION}): {wikinews.articles_created} new, "
            f"{wikinews.duplicates} already there"
            + (f", import #{report.batch.pk}." if report.batch else ".")
        )
        for rejected in wikinews.rejected + report.reference.rejected:
            self.stderr.write(f"  rejected {rejected.name}: {rejected.reason}")
        if report.users:
            self.stdout.write("Demo users (shown once; change them with manage.py changepassword):")
            for username, role, password in report.users:
                self.stdout.write(f"  {username:<12} {role:<11} {password}")
