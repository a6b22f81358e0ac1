"""The archive's search index: one document per article (see search.backends for engines)."""

from haystack import indexes

from articles.models import Article
from search.backends.schema import NAMES_FIELD_TYPE, SAID_FIELD_TYPE, VERSION_FIELD_TYPE
from search.documents import articles_for_index, document_version, entity_names, said_quotes
from search.said import said_tokens


class NamesField(indexes.MultiValueField):
    """Whole names (entities, source): matched exactly, counted as facets, never stemmed."""

    field_type = NAMES_FIELD_TYPE


class VersionField(indexes.CharField):
    """A stored fingerprint of the indexed article, for check_index."""

    field_type = VERSION_FIELD_TYPE

    def __init__(self, **kwargs):
        super().__init__(indexed=False, stored=True, **kwargs)


class SaidField(indexes.CharField):
    """Who is quoted saying which words (search.said): tokens kept as computed."""

    field_type = SAID_FIELD_TYPE


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title")
    byline = indexes.CharField(model_attr="byline", default="")
    dateline_place = indexes.CharField(model_attr="dateline_place", default="")
    published = indexes.DateField(model_attr="published_on", null=True)
    story = indexes.IntegerField(model_attr="story_id", null=True)
    source = NamesField()
    people = NamesField()
    places = NamesField()
    orgs = NamesField()
    misc = NamesField()
    said = SaidField(default="")
    version = VersionField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return articles_for_index()

    def prepare(self, obj: Article) -> dict:
        data = super().prepare(obj)
        names = entity_names((m.entity.kind, m.entity.name) for m in _live_mentions(obj))
        data.update(names)
        data["source"] = [obj.source.name]
        quotes = said_quotes(obj)
        data["said"] = said_tokens(obj.body, quotes)
        data["version"] = document_version(
            updated_at=obj.updated_at, source=obj.source.name, names=names, quotes=quotes
        )
        return data

    def prepare_text(self, obj: Article) -> str:
        # The title twice: its words weigh more in BM25 at no cost per query (searching a
        # second field would double the postings read for every word).
        parts = (obj.title, obj.title, obj.byline, obj.dateline_place, obj.body)
        return "\n\n".join(part for part in parts if part)


def _live_mentions(article: Article):
    mentions = getattr(article, "live_mentions", None)
    if mentions is None:
        mentions = article.mentions.filter(rejected=False).select_related("entity")
    return mentions
