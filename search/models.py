"""The index queue: articles whose search document must be added, refreshed or removed."""

from django.db import models


class IndexQueue(models.Model):
    """One row per article to (re)index; `marked_at` changes each time it is marked again."""

    article_id = models.BigIntegerField(unique=True)
    marked_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "index queue entry"
        verbose_name_plural = "index queue"

    def __str__(self) -> str:
        return f"article {self.article_id} marked {self.marked_at:%Y-%m-%d %H:%M:%S}"
