"""The API's endpoints: parse the request, call the service the pages call, serialise."""

from dataclasses import replace
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import selectors
from articles.models import Article, Entity
from newsroom.api import serializers
from newsroom.api.pagination import MAX_SIZE, NewestFirst, neighbour_links, read_window
from search import presenters, services
from search.forms import SORTS, SearchForm
from search.models import SavedSearch
from search.query import FILTER_FIELDS

PROBLEM = "application/problem+json"


def problems(*statuses: int) -> dict:
    """The schema's error responses: problem details for each status."""
    return {
        (status, PROBLEM): OpenApiResponse(serializers.ProblemSerializer, description=text)
        for status, text in {
            400: "Paramètres invalides",
            401: "Aucun jeton valide ni session",
            403: "Rôle insuffisant",
            404: "Introuvable",
            429: "Trop de requêtes",
            503: "Moteur de recherche indisponible",
        }.items()
        if status in statuses
    }


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = gettext_lazy("Service unavailable for the moment.")


def _form_errors(form) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if field == "__all__" else field): list(messages)
        for field, messages in form.errors.items()
    }


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="Les mots, avec la syntaxe de la page de recherche."),
    *(
        OpenApiParameter(
            name,
            {"type": "array", "items": {"type": "string"}},
            explode=True,
            description=f"Filtre par nom entier ({name}) ; répétable.",
        )
        for name in FILTER_FIELDS
    ),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Du (AAAA-MM-JJ)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Au (AAAA-MM-JJ)."),
    OpenApiParameter("sort", str, enum=list(SORTS), description="Pertinence par défaut."),
    OpenApiParameter(
        "versions", str, enum=["toutes"], description="« toutes » : une ligne par version."
    ),
    OpenApiParameter("cursor", str, description="Le curseur d'un lien next/previous."),
    OpenApiParameter("page_size", int, description=f"Résultats par page (1 à {MAX_SIZE})."),
]


class SearchView(APIView):
    @extend_schema(
        operation_id="search",
        summary="Chercher dans l'archive",
        description=(
            "Les paramètres de la page de recherche : résultats (un par histoire sauf "
            "versions=toutes), facettes, histogramme des dates, extraits surlignés."
        ),
        parameters=SEARCH_PARAMETERS,
        responses={200: serializers.SearchResponseSerializer, **problems(400, 401, 403, 429, 503)},
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        window = read_window(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        search_request = replace(
            form.search_request(page=1, per_page=window.size), offset=window.offset
        )
        outcome = services.search_articles(search_request)
        if outcome.engine_failed:
            raise ServiceUnavailable(outcome.error)
        if outcome.error:
            raise exceptions.ValidationError({"q": [outcome.error]})
        if outcome.unavailable:
            raise ServiceUnavailable(
                gettext("The search index is being rebuilt: try again in a moment.")
            )
        hits = outcome.hits
        collapsed = search_request.collapse and hits.stories is not None
        shown = hits.stories if collapsed else hits.total
        next_url, previous_url = neighbour_links(request.build_absolute_uri(), window, shown or 0)
        active = set(search_request.filters)
        granularity, bars = presenters.histogram(
            hits.months, presenters.Permalink(request.query_params)
        )
        body = {
            "count": hits.total,
            "stories": hits.stories if collapsed else None,
            "collapsed": search_request.collapse,
            "suggestion": hits.suggestion,
            "next": next_url,
            "previous": previous_url,
            "results": outcome.results,
            "facets": {
                param: [
                    {"name": name, "count": count, "active": (param, name) in active}
                    for name, count in hits.facets.get(field, [])
                ]
                for param, field in FILTER_FIELDS.items()
            },
            "histogram": {"granularity": granularity, "bars": bars},
        }
        data = serializers.SearchResponseSerializer(body, context={"request": request}).data
        return Response(data)


class ArticleView(APIView):
    @extend_schema(
        operation_id="article",
        summary="Une dépêche",
        description="Texte, métadonnées, entités avec leurs positions, citations, versions.",
        responses={200: serializers.ArticleSerializer, **problems(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        article = Article.objects.select_related("source").filter(pk=pk).first()
        if article is None:
            raise exceptions.NotFound(
                gettext("No dispatch no. %(number)s in the archive.") % {"number": pk}
            )
        article.version_label = selectors.version_label(article)
        article.api_mentions = selectors.article_mentions(article)
        article.api_quotes = selectors.article_quotes(article)
        story = selectors.article_story(article)
        story.id = article.story_id
        article.api_story = story
        data = serializers.ArticleSerializer(article, context={"request": request}).data
        return Response(data)


class EntityView(APIView):
    @extend_schema(
        operation_id="entity",
        summary="Une entité",
        description="Noms, mentions par mois, entités citées avec elle, ses déclarations.",
        responses={200: serializers.EntitySerializer, **problems(401, 403, 404, 429)},
    )
    def get(self, request: Request, slug: str) -> Response:
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            raise exceptions.NotFound(
                gettext("No entity « %(slug)s » in the archive.") % {"slug": slug}
            )
        entity.search_param = urlencode({services.ENTITY_FILTERS[entity.kind]: entity.name})
        entity.mention_count = entity.mentions.filter(rejected=False).count()
        entity.api_aliases = entity.aliases.exclude(surface=entity.name).order_by("surface")
        entity.api_timeline = selectors.entity_timeline(entity)
        entity.api_co_mentioned = selectors.co_mentioned_entities(entity)
        entity.api_quotes = selectors.entity_quotes(entity)
        data = serializers.EntitySerializer(entity, context={"request": request}).data
        return Response(data)


class OwnSavedSearches:
    """Saved searches of the requesting user only: anybody else's is a 404."""

    serializer_class = serializers.SavedSearchSerializer

    def get_queryset(self):
        return SavedSearch.objects.filter(user=self.request.user)

    def save_or_name_taken(self, serializer, **extra) -> None:
        try:
            with transaction.atomic():
                serializer.save(**extra)
        except IntegrityError as error:
            raise exceptions.ValidationError(
                {"name": [gettext("You already have a search of this name.")]}
            ) from error


@extend_schema(responses={**problems(400, 401, 403, 429)})
class SavedSearchList(OwnSavedSearches, generics.ListCreateAPIView):
    pagination_class = NewestFirst

    @extend_schema(operation_id="saved_searches_list", summary="Mes recherches enregistrées")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="saved_searches_create", summary="Enregistrer une recherche")
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def perform_create(self, serializer) -> None:
        self.save_or_name_taken(serializer, user=self.request.user)


@extend_schema(responses={**problems(400, 401, 403, 404, 429)})
class SavedSearchDetail(OwnSavedSearches, generics.RetrieveUpdateDestroyAPIView):
    http_method_names = ["get", "patch", "delete", "options"]

    @extend_schema(operation_id="saved_search", summary="Une recherche enregistrée")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="saved_search_update", summary="Modifier une recherche")
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)

    @extend_schema(operation_id="saved_search_delete", summary="Supprimer une recherche")
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def get_object(self) -> SavedSearch:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise exceptions.NotFound(f"Vous n'avez aucune recherche n° {self.kwargs['pk']}.")
        return found

    def perform_update(self, serializer) -> None:
        self.save_or_name_taken(serializer, broken="")  # a query that reads again works again
