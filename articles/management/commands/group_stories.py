"""Group dispatches into stories: the ungrouped ones, or the whole archive again."""

from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError as BrokerError
from tqdm import tqdm

from articles import stories
from articles.models import Article
from articles.tagging import chunked

BATCH = 500


class Command(BaseCommand):
    help = (
        "Group ungrouped dispatches into stories (--all: regroup the whole archive, in "
        "publication order, keeping editors' placements). Queued for the workers unless --sync."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="regroup every dispatch")
        parser.add_argument("--sync", action="store_true", help="group here, without a worker")

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0
        if options["all"] and options["sync"]:
            total = Article.objects.count()
            with tqdm(total=total, unit="article", disable=quiet) as bar:
                report = stories.regroup_all(on_batch=lambda r: bar.update(r.grouped - bar.n))
            self._summary(report.grouped)
            return
        ids = stories.pending_ids()
        if options["sync"]:
            with tqdm(total=len(ids), unit="article", disable=quiet) as bar:
                for chunk in chunked(ids, BATCH):
                    stories.group_articles(chunk)
                    bar.update(len(chunk))
            self._summary(len(ids))
            return
        from articles.tasks import group_stories_task, regroup_stories_task

        try:
            if options["all"]:
                # One worker regroups everything, in order: the same archive, the same stories.
                regroup_stories_task.delay()
                self.stdout.write("the whole archive is queued for regrouping")
                return
            for chunk in chunked(ids, BATCH):
                group_stories_task.delay(chunk)
        except BrokerError as error:
            raise CommandError(
                f"the broker is unreachable ({error}): start Redis or use --sync"
            ) from error
        self.stdout.write(f"{len(ids)} articles queued for grouping")

    def _summary(self, grouped: int) -> None:
        count = Article.objects.values("story_id").distinct().count()
        self.stdout.write(f"{grouped} articles grouped; the archive holds {count} stories")
