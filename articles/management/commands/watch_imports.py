"""Sweep the watch folder now (or keep sweeping): import the files complete there."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles import watching


class Command(BaseCommand):
    help = (
        "Import the complete files of the watch folder (IMPORT_WATCH_DIR) and move each to "
        "done/ or failed/ (with a .reason.txt). The beat scheduler does this every "
        "IMPORT_WATCH_SECONDS when IMPORT_WATCH_DIR is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--folder", type=Path, help="another folder than IMPORT_WATCH_DIR")
        parser.add_argument("--loop", action="store_true", help="keep sweeping until stopped")

    def handle(self, *args, **options):
        folder = options["folder"] or (
            Path(settings.IMPORT_WATCH_DIR) if settings.IMPORT_WATCH_DIR else None
        )
        if folder is None:
            raise CommandError("no folder: set IMPORT_WATCH_DIR or pass --folder")
        while True:
            try:
                report = watching.sweep(folder)
            except FileNotFoundError as error:
                raise CommandError(str(error)) from error
            for name in report.imported:
                self.stdout.write(f"imported: {name}")
            for name in report.failed:
                self.stdout.write(f"failed: {name} (see failed/{name}.reason.txt)")
            if not options["loop"]:
                if report.waiting:
                    self.stdout.write(f"still being written: {', '.join(report.waiting)}")
                return
            time.sleep(settings.IMPORT_WATCH_SECONDS)
