"""Queue articles for tagging, or tag them in this process."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.models import Article
from articles.tagging import chunked, send_tagging_tasks, tag_articles


class Command(BaseCommand):
    help = "Re-queue (or, with --sync, run) tagging for pending, failed, all or given articles."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--pending", action="store_true", help="articles not tagged yet (default)"
        )
        which.add_argument("--failed", action="store_true", help="articles whose tagging failed")
        which.add_argument("--all", action="store_true", help="every article, re-tagged")
        which.add_argument("--ids", nargs="+", type=int, help="these article ids, re-tagged")
        parser.add_argument("--sync", action="store_true", help="tag here instead of queueing")

    def handle(self, *args, **options):
        articles = Article.objects.order_by("pk")
        if options["ids"]:
            articles = articles.filter(pk__in=options["ids"])
        elif options["failed"]:
            articles = articles.filter(tagging_status=Article.Tagging.FAILED)
        elif not options["all"]:
            articles = articles.filter(tagging_status=Article.Tagging.PENDING)
        ids = list(articles.values_list("pk", flat=True))
        force = bool(options["all"] or options["ids"] or options["failed"])
        tagged = failed = 0
        with tqdm(total=len(ids), unit="article", disable=options["verbosity"] == 0) as bar:
            for chunk in chunked(ids, settings.TAGGING_BATCH_SIZE):
                if options["sync"]:
                    report = tag_articles(article_ids=chunk, force=force)
                    tagged += len(report.tagged)
                    failed += len(report.failed)
                else:
                    if force:
                        # Workers skip tagged articles: mark these as wanted again.
                        articles.filter(pk__in=chunk).update(tagging_status=Article.Tagging.PENDING)
                    if not send_tagging_tasks(chunk):
                        raise CommandError("the broker is unreachable: start Redis or use --sync")
                bar.update(len(chunk))
        if options["sync"]:
            self.stdout.write(f"{tagged} articles tagged, {failed} failed")
        else:
            self.stdout.write(f"{len(ids)} articles queued for tagging")
