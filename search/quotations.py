"""« Citations »: the quotations of a search's dispatches, with a facet of their speakers.

The dispatches are the search's own (its words, filters, dates, sort and story collapse),
up to QUOTE_SCAN_LIMIT of them in the search's order; their quotations follow that order,
and each dispatch's in text order. A query with `said:` keeps only its speakers' quotes.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import F
from django.db.models.functions import Substr
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from articles.models import Article, Entity, Quote
from search import services
from search.highlighting import marked
from search.query import SearchRequest
from search.said import resolve_speakers, said_names

QUOTE_SCAN_LIMIT = 10_000
SPEAKER_FACET_SIZE = 15


@dataclass
class CitedQuote:
    words: SafeString  # highlighted, escaped
    speaker: str  # the entity's name, or the description as written (« les médecins »)
    speaker_url: str  # the entity's page; empty when unattributed
    article: Article
    url: str  # the quote's mark on the article page


@dataclass
class SpeakerCount:
    name: str
    slug: str
    count: int


@dataclass
class Citations:
    total: int = 0  # quotes, after the speaker filter
    quotes: list[CitedQuote] = field(default_factory=list)
    speakers: list[SpeakerCount] = field(default_factory=list)
    speaker: Entity | None = None  # the active speaker filter
    truncated: bool = False  # more dispatches matched than were read


def search_quotes(
    request: SearchRequest,
    *,
    terms: frozenset[str],
    speaker_slug: str = "",
    offset: int = 0,
    limit: int = 20,
) -> Citations:
    """Return a page of the quotes of the request's dispatches, with the speaker counts."""
    ids = [pk for page in services.matching_ids(request, limit=QUOTE_SCAN_LIMIT) for pk in page]
    found = Citations(truncated=len(ids) >= QUOTE_SCAN_LIMIT)
    if request.collapse:
        ids = _one_per_story(ids)
    rank = {pk: position for position, pk in enumerate(ids)}
    quotes = Quote.objects.filter(article_id__in=ids, rejected=False)
    names = said_names(request.q)
    if names:
        quotes = quotes.filter(speaker_id__in={pk for n in names for pk in resolve_speakers(n)})
    rows = sorted(
        quotes.values_list("pk", "article_id", "start", "speaker_id"),
        key=lambda row: (rank[row[1]], row[2]),
    )
    counts = Counter(speaker for *_, speaker in rows if speaker is not None)
    speakers = Entity.objects.in_bulk([pk for pk, _ in counts.most_common(SPEAKER_FACET_SIZE)])
    found.speakers = [
        SpeakerCount(speakers[pk].name, speakers[pk].slug, count)
        for pk, count in sorted(
            counts.most_common(SPEAKER_FACET_SIZE), key=lambda item: (-item[1], item[0])
        )
        if pk in speakers
    ]
    if speaker_slug:
        found.speaker = Entity.objects.filter(slug=speaker_slug).first()
        wanted = found.speaker.pk if found.speaker else None
        rows = [row for row in rows if row[3] == wanted and wanted is not None]
    found.total = len(rows)
    page = [row[0] for row in rows[offset : offset + limit]]
    found.quotes = _cited(page, terms)
    return found


def _one_per_story(ids: list[int]) -> list[int]:
    """Keep each story's first dispatch in the search's order (its quotes repeat)."""
    stories = dict(Article.objects.filter(pk__in=ids).values_list("pk", "story_id"))
    seen, kept = set(), []
    for pk in ids:
        story = stories.get(pk)
        if story is None or story not in seen:
            kept.append(pk)
            seen.add(story)
    return kept


def _cited(quote_ids: list[int], terms: frozenset[str]) -> list[CitedQuote]:
    """Load a page of quotes (their words read in the database), highlighted, in order."""
    loaded = (
        Quote.objects.filter(pk__in=quote_ids)
        .select_related("article__source", "speaker")
        .annotate(words=Substr("article__body", F("start") + 1, F("end") - F("start")))
        .defer("article__body")
        .in_bulk()
    )
    detail_url = services.url_maker("articles:detail")
    entity_url = services.url_maker("articles:entity")
    cited = []
    for pk in quote_ids:
        quote = loaded[pk]
        speaker = quote.speaker
        cited.append(
            CitedQuote(
                words=marked(" ".join(quote.words.split()), terms),
                speaker=speaker.name if speaker else " ".join(quote.speaker_text.split()),
                speaker_url=entity_url(speaker.slug) if speaker else "",
                article=quote.article,
                url=f"{detail_url(quote.article_id)}#q-{quote.pk}",
            )
        )
    return cited


def search_citations(
    request: SearchRequest, *, speaker_slug: str = "", offset: int = 0, limit: int = 20
) -> tuple[services.SearchOutcome, Citations | None]:
    """Answer the Citations view: the search's outcome, and a page of quotes (None: failed)."""
    outcome = services.search_articles(replace(request, offset=0, limit=0))
    if outcome.error or outcome.unavailable or outcome.empty_archive:
        return outcome, None
    try:
        citations = search_quotes(
            request,
            terms=outcome.hits.terms,
            speaker_slug=speaker_slug,
            offset=offset,
            limit=limit,
        )
    except services.QuerySyntaxError as error:
        outcome.error = str(error)
        return outcome, None
    except (services.IndexUnavailable, services.EngineUnavailable):
        outcome.error = gettext("The search engine does not answer: try again in a moment.")
        return outcome, None
    return outcome, citations
