"""What the archive announces to the apps that read it (search connects in its ready()).

`articles` never imports `search`: it sends `articles_changed` with the ids of articles
whose searchable state changed (created, re-tagged, moved to another story, corrected),
inside the transaction that changed them, and whoever keeps a copy (the index) listens.
"""

from collections.abc import Iterable

from django.dispatch import Signal

# Sent with `article_ids`: a list of primary keys, deleted articles' included.
articles_changed = Signal()


def announce_changed(article_ids: Iterable[int]) -> None:
    ids = sorted({int(pk) for pk in article_ids})
    if ids:
        articles_changed.send(sender="articles", article_ids=ids)
