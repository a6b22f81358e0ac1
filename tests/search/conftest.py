"""Search fixtures: real indexes of both engines over real French dispatches.

Every fixture here that makes an index is parametrised by engine: a Whoosh index in a temp
dir, and an alias of its own on the project's two-node OpenSearch cluster. The `corpus`
fixture builds its rows and its index once per test module and engine, inside a
transaction that is rolled back when the module ends; each test still runs in its own
savepoint (pytest-django's `db`), so tests can change rows without leaking.
"""

import csv
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.db import transaction

from articles.importing import import_files
from articles.models import Article, Entity, Mention, Source, Story
from search import indexing
from tests.conftest import MASAKHANE_DEV, REFERENCE
from tests.engines import ENGINES, engine_index, search_connection, whoosh_index

__all__ = ["search_connection", "whoosh_index"]


@contextmanager
def indexed_archive(django_db_blocker, folder, build, engine: str = "whoosh"):
    """Rows made by `build()`, every article indexed by `engine` (Whoosh: in `folder`), for
    a module's tests; all of it rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        with engine_index(engine, folder):
            indexing.mark_articles(Article.objects.values_list("pk", flat=True))
            indexing.process_queue()
            yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role fixtures create users: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """Run the test once per engine."""
    return request.param


@pytest.fixture
def fresh_index(engine, tmp_path):
    """An index of its own on each engine, empty until something is indexed."""
    with engine_index(engine, tmp_path / "whoosh") as backend:
        yield backend


@pytest.fixture
def fresh_whoosh_index(tmp_path):
    """For what only Whoosh has (commits, segments, merges)."""
    with whoosh_index(tmp_path / "whoosh") as backend:
        yield backend


def make_article(*, source: Source, title: str, body: str, published_on=None, **extra) -> Article:
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    if "story" not in extra:
        extra["story"] = Story.objects.create()
    return Article.objects.create(
        source=source,
        title=title,
        body=body,
        published_on=published_on,
        content_hash=digest,
        **extra,
    )


def mention(article: Article, entity: Entity, surface: str, *, occurrence=0, **extra) -> Mention:
    """Tag the n-th occurrence of `surface` in the article's body."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.body.index(surface, start + 1)
    return Mention.objects.create(
        article=article,
        entity=entity,
        start=start,
        end=start + len(surface),
        surface=surface,
        **extra,
    )


def entity(kind: str, name: str) -> Entity:
    slug = f"{name.lower().replace(' ', '-')}-{kind.lower()}"
    return Entity.objects.create(kind=kind, name=name, slug=slug)


def masakhane_rows(limit: int | None = None) -> list[dict]:
    with MASAKHANE_DEV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return rows[:limit]


@dataclass
class Corpus:
    turkey: Article
    aleppo: Article
    elysee: Article
    script: Article
    formula: Article
    undated: Article
    bbc: list[Article] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)

    @property
    def articles(self) -> list[Article]:
        crafted = [self.turkey, self.aleppo, self.elysee, self.script, self.formula, self.undated]
        return [*crafted, *self.bbc]


SCRIPT_TITLE = "<script>alert('titre')</script> Alerte à Alep"
SCRIPT_BODY = "Avant <script>alert('corps')</script> après : une alerte sanitaire à Alep."


def build_corpus() -> Corpus:
    afp = Source.objects.create(name="AFP")
    le_monde = Source.objects.create(name="Le Monde")
    bbc = Source.objects.create(name="BBC Afrique")
    report = import_files(paths=[REFERENCE], source=afp)
    turkey, aleppo = Article.objects.filter(pk__in=report.files[0].article_ids).order_by("pk")
    Article.objects.filter(pk__in=[turkey.pk, aleppo.pk]).update(published_on=date(2016, 8, 11))
    turkey.refresh_from_db()
    aleppo.refresh_from_db()
    corpus = Corpus(
        turkey=turkey,
        aleppo=aleppo,
        elysee=make_article(
            source=le_monde,
            title="Visite d'État",
            body="Le président a reçu son homologue à l'Élysée, jeudi, pour un dîner d'État.",
            published_on=date(2017, 5, 14),
        ),
        script=make_article(
            source=afp, title=SCRIPT_TITLE, body=SCRIPT_BODY, published_on=date(2016, 8, 12)
        ),
        formula=make_article(
            source=afp,
            title='=HYPERLINK("http://example.invalid","cliquez") tempête',
            body="+33 1 23 45 67 89 : une tempête a frappé la côte bretonne.",
            byline="@correspondant",
            published_on=date(2018, 2, 1),
        ),
        # No date: sorts last, stays out of date ranges and of the histogram.
        undated=make_article(
            source=afp, title="Dépêche sans date", body="Un communiqué non daté sur Alep."
        ),
    )
    for number, row in enumerate(masakhane_rows()):
        corpus.bbc.append(
            make_article(
                source=le_monde if number % 3 == 0 else bbc,
                title=row["headline"],
                body=row["text"],
                published_on=date(2019, 1, 1) + timedelta(days=5 * number),
            )
        )
    people = corpus.entities
    people["assad"] = entity("PER", "Bachar al-Assad")
    people["poutine"] = entity("PER", "Vladimir Poutine")
    people["alep"] = entity("LOC", "Alep")
    people["syrie"] = entity("LOC", "Syrie")
    people["onu"] = entity("ORG", "ONU")
    people["daech"] = entity("MISC", "Daech")
    mention(turkey, people["assad"], "Bachar al-Assad")
    mention(turkey, people["poutine"], "Vladimir Poutine")
    mention(turkey, people["syrie"], "Syrie")
    mention(turkey, people["daech"], "Daech")
    mention(aleppo, people["assad"], "Bachar al-Assad")
    mention(aleppo, people["alep"], "Alep")
    mention(aleppo, people["alep"], "Alep", occurrence=1)
    mention(aleppo, people["onu"], "ONU")
    mention(aleppo, people["syrie"], "Syrie")
    # An editor said this one is not Vladimir Poutine: it must stay out of the index.
    mention(aleppo, people["poutine"], "Russie", rejected=True)
    mention(corpus.script, people["alep"], "Alep")
    return corpus


@pytest.fixture(scope="module", params=ENGINES)
def corpus(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Reference dispatches, the MasakhaNEWS dev set and a few crafted articles, indexed
    by each engine in turn."""
    folder = tmp_path_factory.mktemp("whoosh")
    with indexed_archive(django_db_blocker, folder, build_corpus, request.param) as built:
        yield built


@pytest.fixture
def search_db(corpus, db):
    """The module's corpus, inside this test's savepoint."""
    return corpus
