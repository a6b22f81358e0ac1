"""What the API returns and accepts; the schema is generated from these."""

from django.urls import reverse
from rest_framework import serializers

from articles.models import Article, Entity
from search.models import SavedSearch


def absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.URLField(help_text="L'adresse qui décrit ce type de problème.")
    title = serializers.CharField(help_text="Le problème en quelques mots, en français.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="Ce qui ne va pas dans cette requête-ci.")
    instance = serializers.CharField(help_text="La requête en cause (chemin et paramètres).")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Pour une erreur de validation : les messages de chaque champ.",
    )


class EntityRefSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Entity.Kind.choices)
    name = serializers.CharField()
    slug = serializers.SlugField()
    url = serializers.SerializerMethodField()

    def get_url(self, entity) -> str:
        slug = entity["slug"] if isinstance(entity, dict) else entity.slug
        return absolute(self.context, reverse("api:entity", args=[slug]))


class ResultStorySerializer(serializers.Serializer):
    versions = serializers.IntegerField(source="count", help_text="Versions de l'histoire.")
    kind = serializers.ChoiceField(choices=Article.VersionKind.choices)
    annulled = serializers.BooleanField()
    corrected_by = serializers.IntegerField(
        allow_null=True, help_text="La rectification qui a suivi cette version."
    )


class SearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article.pk")
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    title = serializers.CharField(source="article.title")
    title_highlighted = serializers.CharField(
        source="title", help_text="Le titre en HTML échappé, les mots cherchés dans <mark>."
    )
    highlight = serializers.CharField(
        source="snippet", help_text="Un extrait en HTML échappé, les mots cherchés dans <mark>."
    )
    source = serializers.CharField(source="article.source.name")
    published_on = serializers.DateField(source="article.published_on", allow_null=True)
    published_at = serializers.DateTimeField(source="article.published_at", allow_null=True)
    byline = serializers.CharField(source="article.byline")
    dateline_place = serializers.CharField(source="article.dateline_place")
    language = serializers.CharField(source="article.language")
    story_id = serializers.IntegerField(source="article.story_id")
    story = ResultStorySerializer(source="versions")
    entities = EntityRefSerializer(source="chips", many=True)

    def get_url(self, result) -> str:
        return absolute(self.context, reverse("api:article", args=[result.article.pk]))

    def get_page_url(self, result) -> str:
        return absolute(self.context, result.url)


class FacetValueSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Dépêches (toutes versions) qui portent ce nom.")
    active = serializers.BooleanField(help_text="Ce filtre est dans la requête.")


class FacetsSerializer(serializers.Serializer):
    person = FacetValueSerializer(many=True)
    place = FacetValueSerializer(many=True)
    org = FacetValueSerializer(many=True)
    misc = FacetValueSerializer(many=True)
    source = FacetValueSerializer(many=True)


class BarSerializer(serializers.Serializer):
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()


class HistogramSerializer(serializers.Serializer):
    granularity = serializers.ChoiceField(
        choices=[("mois", "mois"), ("année", "année"), ("", "aucune")],
        help_text="Par mois, ou par année quand les résultats couvrent plus de trois ans.",
    )
    bars = BarSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Dépêches trouvées (toutes versions).")
    stories = serializers.IntegerField(
        allow_null=True, help_text="Histoires trouvées, quand les versions sont regroupées."
    )
    collapsed = serializers.BooleanField(help_text="Un résultat par histoire.")
    suggestion = serializers.CharField(help_text="« Vouliez-vous dire » ; vide sinon.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)
    facets = FacetsSerializer()
    histogram = HistogramSerializer()


class MentionSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Début dans `text` (caractères, à partir de 0).")
    end = serializers.IntegerField(help_text="Fin (exclue) dans `text`.")
    surface = serializers.CharField(help_text="Les mots tels qu'écrits.")
    origin = serializers.CharField()
    entity = EntityRefSerializer()


class SpeakerSerializer(EntityRefSerializer):
    pass


class QuoteSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    words = serializers.CharField()
    speaker = SpeakerSerializer(allow_null=True)
    speaker_text = serializers.CharField()
    verb = serializers.CharField()
    partial = serializers.BooleanField()


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    source = serializers.CharField(source="source.name")
    kind = serializers.ChoiceField(source="version_kind", choices=Article.VersionKind.choices)
    label = serializers.CharField(help_text="« Urgent », « 2e lead », « Rectificatif »…")
    rank = serializers.IntegerField(source="version_rank")
    published_on = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    annulled = serializers.BooleanField()
    is_current_version = serializers.BooleanField()

    def get_url(self, version) -> str:
        return absolute(self.context, reverse("api:article", args=[version.pk]))


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    versions = VersionSerializer(many=True, source="timeline")
    annulled_by = serializers.IntegerField(allow_null=True, source="annulment.pk", default=None)
    corrected_by = serializers.IntegerField(allow_null=True, source="correction.pk", default=None)


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    page_url = serializers.SerializerMethodField()
    title = serializers.CharField()
    raw_title = serializers.CharField()
    title_derived = serializers.BooleanField()
    text = serializers.CharField(source="body", help_text="Le texte tel qu'importé.")
    source = serializers.CharField(source="source.name")
    byline = serializers.CharField()
    dateline_place = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    imported_at = serializers.DateTimeField()
    language = serializers.CharField()
    source_format = serializers.CharField()
    guid = serializers.CharField()
    item_version = serializers.IntegerField(allow_null=True)
    urgency = serializers.IntegerField(allow_null=True)
    slug = serializers.CharField()
    subjects = serializers.ListField(child=serializers.CharField())
    genre = serializers.CharField()
    wire_status = serializers.CharField()
    tagging_status = serializers.ChoiceField(choices=Article.Tagging.choices)
    version_kind = serializers.ChoiceField(choices=Article.VersionKind.choices)
    version_label = serializers.CharField()
    version_note = serializers.CharField()
    annulled = serializers.BooleanField()
    is_current_version = serializers.BooleanField()
    entities = MentionSerializer(many=True, source="api_mentions")
    quotes = QuoteSerializer(many=True, source="api_quotes")
    story = StorySerializer(source="api_story")

    def get_page_url(self, article) -> str:
        return absolute(self.context, article.get_absolute_url())


class AliasSerializer(serializers.Serializer):
    surface = serializers.CharField()
    curated = serializers.BooleanField(help_text="Ajouté ou validé par la rédaction.")


class MonthCountSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="Premier jour du mois.")
    count = serializers.IntegerField()


class CoMentionSerializer(EntityRefSerializer):
    shared = serializers.IntegerField(help_text="Dépêches qui les nomment toutes les deux.")


class EntityQuoteSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    words = serializers.CharField()
    verb = serializers.CharField()


class EntitySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Entity.Kind.choices)
    name = serializers.CharField()
    slug = serializers.SlugField()
    reviewed = serializers.BooleanField()
    page_url = serializers.SerializerMethodField()
    search_url = serializers.SerializerMethodField()
    mention_count = serializers.IntegerField()
    aliases = AliasSerializer(many=True, source="api_aliases")
    mentions_over_time = MonthCountSerializer(many=True, source="api_timeline")
    co_mentioned = CoMentionSerializer(many=True, source="api_co_mentioned")
    quotes = EntityQuoteSerializer(many=True, source="api_quotes")

    def get_page_url(self, entity) -> str:
        return absolute(self.context, entity.get_absolute_url())

    def get_search_url(self, entity) -> str:
        return absolute(self.context, reverse("api:search") + f"?{entity.search_param}")


class SavedSearchSerializer(serializers.ModelSerializer):
    """A saved search: the search page's query string, named, with its alert frequency."""

    results_url = serializers.SerializerMethodField()
    feed_url = serializers.SerializerMethodField()

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "name",
            "query_string",
            "frequency",
            "created_at",
            "last_seen_at",
            "broken",
            "results_url",
            "feed_url",
        ]
        read_only_fields = ["id", "created_at", "last_seen_at", "broken"]

    def get_results_url(self, search) -> str:
        return absolute(self.context, reverse("api:search") + "?" + search.query_string)

    def get_feed_url(self, search) -> str:
        return absolute(self.context, reverse("search:feed", args=[search.feed_token]))

    def validate(self, attrs: dict) -> dict:
        """Check the search as « Mes recherches » does, with the same form."""
        from search.watch_views import SavedSearchForm

        current = self.instance
        data = {
            "name": attrs.get("name", current.name if current else ""),
            "frequency": attrs.get(
                "frequency", current.frequency if current else SavedSearch.Frequency.DAILY
            ),
            "query_string": attrs.get("query_string", current.query_string if current else ""),
        }
        form = SavedSearchForm(data, instance=current, user=self.context["request"].user)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: list(messages) for field, messages in form.errors.items()}
            )
        return {field: form.cleaned_data[field] for field in data}
