"""The admin, and in it the editors' desk: entities, mentions and their corrections.

Every editorial change goes through `articles.curation`, so it is recorded and applied
to the whole archive; the admin only parses input and renders the result.
"""

from articles.admin import entities, imports, mentions, quotes, records, stories

__all__ = ["entities", "imports", "mentions", "quotes", "records", "stories"]
