"""Import files, folders and zips of dispatches from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.decoding import ENCODINGS
from articles.importing import count_input_files, import_files
from articles.models import Source


class Command(BaseCommand):
    help = "Import plain-text dispatch files, folders (recursively) and zips."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files, folders or .zip archives")
        parser.add_argument(
            "--source",
            help="source of every dispatch (AFP, Reuters…); default: the agency in each "
            "dispatch's opener, else 'Inconnue'",
        )
        parser.add_argument("--encoding", choices=ENCODINGS, default="auto")

    def handle(self, *args, paths, source, encoding, **options):
        source_row = None
        if source:
            name = " ".join(source.split())
            if not name:
                raise CommandError("--source needs a name, e.g. --source AFP")
            source_row = Source.objects.filter(name__iexact=name).first() or Source.objects.create(
                name=name
            )
        total = count_input_files(paths)
        with tqdm(total=total, unit="file", disable=options["verbosity"] == 0) as bar:

            def advance(file_report):
                bar.set_postfix_str(Path(file_report.name).name[-30:])
                bar.update(1)

            report = import_files(
                paths=paths, source=source_row, encoding=encoding, on_file=advance
            )
        self.stdout.write(
            f"{len(report.files)} files: {report.articles_created} articles created, "
            f"{report.duplicates} duplicates, {len(report.rejected)} rejected"
        )
        for rejected in report.rejected:
            self.stderr.write(f"rejected {rejected.name}: {rejected.reason}")
        if report.rejected:
            raise SystemExit(1)
