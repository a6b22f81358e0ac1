"""`said:` and the « Citations » view, on both engines, over crafted dispatches and quotes.

The quotes are rows as the tagger stores them (offsets into the body, inside the marks);
the dispatches are indexed by each engine in turn.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import reverse

from articles.models import Article, Entity, EntityAlias, Quote, Source
from articles.ner.forms import normalize_form
from search import services
from search.query import QuerySyntaxError, SearchRequest
from tests.conftest import user_in
from tests.engines import ENGINES
from tests.search.conftest import entity, indexed_archive, make_article

HOSTILE = "<script>alert('citation')</script> Syrie"
EXTRA_QUOTES = 23  # with the others, Poutine's quotes fill two pages of the view


@dataclass
class Said:
    on_syria: Article  # Poutine quoted on Syria
    syria_outside: Article  # Poutine quoted on Ukraine; Syria only in the reporter's words
    erdogan: Article  # Erdogan quoted on Syria, Poutine only named
    phrase: Article  # Poutine: « une guerre totale » and, apart, « contre la Syrie »
    doctors: Article  # an unattributed quote, and a hostile one
    many: Article  # many short quotes by Poutine, for paging
    people: dict[str, Entity] = field(default_factory=dict)


def quote(article: Article, words: str, speaker: Entity | None, speaker_text: str = "") -> Quote:
    start = article.body.index(words)
    return Quote.objects.create(
        article=article,
        start=start,
        end=start + len(words),
        speaker=speaker,
        speaker_text=speaker_text or (speaker.name if speaker else ""),
        verb="dire",
    )


def alias(person: Entity, surface: str) -> None:
    EntityAlias.objects.create(
        entity=person, key=normalize_form(surface), surface=surface, kind=person.kind
    )


def build() -> Said:
    afp = Source.objects.create(name="AFP")
    poutine = entity("PER", "Vladimir Poutine")
    erdogan = entity("PER", "Recep Tayyip Erdoğan")
    for person, surfaces in ((poutine, ["Vladimir Poutine", "Poutine"]), (erdogan, ["Erdogan"])):
        for surface in surfaces:
            alias(person, surface)

    def article(title: str, body: str, day: int) -> Article:
        return make_article(source=afp, title=title, body=body, published_on=date(2016, 8, day))

    said = Said(
        on_syria=article(
            "Moscou et la Syrie",
            "MOSCOU - «Nous resterons en Syrie aussi longtemps qu'il le faudra», a déclaré "
            "Vladimir Poutine mardi.",
            9,
        ),
        syria_outside=article(
            "Poutine et l'Ukraine",
            "MOSCOU - «L'Ukraine doit respecter les accords», a dit Vladimir Poutine, qui "
            "s'exprimait aussi sur la Syrie sans être cité.",
            10,
        ),
        erdogan=article(
            "Ankara et Damas",
            "ANKARA - «La Syrie a besoin d'une transition», a affirmé M. Erdogan, qui doit "
            "rencontrer Vladimir Poutine.",
            11,
        ),
        phrase=article(
            "Une guerre totale",
            "MOSCOU - «Ce serait une guerre totale», a prévenu Vladimir Poutine. «Nous ne "
            "ferons rien contre la Syrie», a-t-il ajouté.",
            12,
        ),
        doctors=article(
            "Les médecins d'Alep",
            f"ALEP - «Nous manquons de tout», disent les médecins. «{HOSTILE}», a écrit "
            "Vladimir Poutine.",
            13,
        ),
        many=article(
            "Poutine parle beaucoup",
            " ".join(f"«Déclaration numéro {n}», a dit Vladimir Poutine." for n in range(30)),
            14,
        ),
        people={"poutine": poutine, "erdogan": erdogan},
    )
    quote(said.on_syria, "Nous resterons en Syrie aussi longtemps qu'il le faudra", poutine)
    quote(said.syria_outside, "L'Ukraine doit respecter les accords", poutine)
    quote(said.erdogan, "La Syrie a besoin d'une transition", erdogan, "M. Erdogan")
    quote(said.phrase, "Ce serait une guerre totale", poutine)
    quote(said.phrase, "Nous ne ferons rien contre la Syrie", poutine, "il")
    quote(said.doctors, "Nous manquons de tout", None, "les médecins")
    quote(said.doctors, HOSTILE, poutine)
    for n in range(EXTRA_QUOTES):
        quote(said.many, f"Déclaration numéro {n}", poutine)
    return said


@pytest.fixture(scope="module", params=ENGINES)
def archive(request, django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whoosh")
    with indexed_archive(django_db_blocker, folder, build, request.param) as built:
        yield built


@pytest.fixture
def said(archive, db) -> Said:
    return archive


def found(q: str, **extra) -> set[int]:
    hits = services.run(SearchRequest(q=q, limit=100, **extra))
    assert hits.total == len(hits.ids)
    return set(hits.ids)


# --- said: on the index -------------------------------------------------------------------


def test_said_with_words_finds_the_speaker_quoted_on_them(said):
    assert found('said:"Vladimir Poutine" Syrie') == {
        said.on_syria.pk,
        said.phrase.pk,
        said.doctors.pk,
    }


def test_the_words_must_be_in_that_speakers_quotes(said):
    # Syria in the reporter's words, or in another speaker's quote, is not Poutine on Syria.
    hits = found('said:"Vladimir Poutine" Syrie')
    assert said.syria_outside.pk not in hits and said.erdogan.pk not in hits
    assert found("said:Erdogan Syrie") == {said.erdogan.pk}
    assert found("said:Erdogan Ukraine") == set()


def test_said_alone_finds_every_dispatch_quoting_the_speaker(said):
    assert found('said:"Vladimir Poutine"') == {
        said.on_syria.pk,
        said.syria_outside.pk,
        said.phrase.pk,
        said.doctors.pk,
        said.many.pk,
    }
    assert found("said:Erdogan") == {said.erdogan.pk}


@pytest.mark.parametrize(
    "name", ["Poutine", "poutine", '"vladimir poutine"', '"VLADIMIR POUTINE"', '"Erdoğan"']
)
def test_the_speaker_is_found_by_alias_case_and_accents_aside(said, name):
    hits = found(f"said:{name}")
    expected = said.erdogan.pk if "rdo" in name.lower() else said.on_syria.pk
    assert expected in hits


def test_a_part_of_the_name_finds_the_quoted_entity(said):
    # « Tayyip » is no alias: the quoted entity whose name has that word answers.
    assert found("said:Tayyip") == {said.erdogan.pk}


def test_an_unknown_speaker_finds_nothing(said):
    assert found("said:Inconnu Syrie") == set()
    assert found('said:"les médecins"') == set()  # unattributed quotes have no speaker


def test_phrases_stay_inside_one_quote(said):
    assert found('said:Poutine "guerre totale"') == {said.phrase.pk}
    # « totale » ends one quote and « ferons » is the next one's: no phrase across them.
    assert found('said:Poutine "totale ferons"') == set()


def test_not_and_or_apply_to_the_speakers_words(said):
    assert found("said:Poutine Syrie -guerre") == {said.on_syria.pk, said.doctors.pk}
    assert found("said:Poutine (Ukraine OR totale)") == {said.syria_outside.pk, said.phrase.pk}


def test_other_fields_still_apply_to_the_dispatch(said):
    assert found("said:Poutine title:Ukraine") == {said.syria_outside.pk}
    assert found("said:Poutine Syrie", date_from=date(2016, 8, 12)) == {
        said.phrase.pk,
        said.doctors.pk,
    }


def test_two_speakers_must_both_be_quoted(said):
    assert found("said:Poutine said:Erdogan") == set()
    assert found("said:Erdogan said:Erdogan Syrie") == {said.erdogan.pk}


def test_the_searched_words_are_highlighted(said):
    hits = services.run(SearchRequest(q='said:"Vladimir Poutine" Syrie'))
    assert "syr" in hits.terms


@pytest.mark.parametrize(
    "q", ["said:", 'said:"" Syrie', "said: Poutine", "(said:Poutine Syrie)", "Syrie OR said:x"]
)
def test_a_misplaced_or_empty_said_is_explained(said, q):
    with pytest.raises(QuerySyntaxError, match="said:"):
        services.run(SearchRequest(q=q))


def test_the_page_explains_a_bad_said(said, client):
    client.force_login(user_in("journalist"))
    html = client.get(reverse("search:search"), {"q": "(said:Poutine)"}).text
    assert "vaut pour toute la recherche" in html


# --- the Citations view ---------------------------------------------------------------


def citations_page(client, **params) -> str:
    client.force_login(user_in("journalist"))
    response = client.get(reverse("search:search"), {"vue": "citations", **params})
    assert response.status_code == 200
    return response.text


def listed(html: str) -> list[str]:
    return re.findall(r'<blockquote class="cited-words">« (.*?) »</blockquote>', html, re.S)


def test_citations_lists_the_quotes_highlighted_and_linked(said, client):
    html = citations_page(client, q='said:"Vladimir Poutine" Syrie', sort="oldest")
    quotes = listed(html)
    assert quotes[0] == "Nous resterons en <mark>Syrie</mark> aussi longtemps qu&#x27;il le faudra"
    assert len(quotes) == 4  # Poutine's quotes of the three dispatches, oldest first
    first = Quote.objects.get(article=said.on_syria)
    assert f'href="/articles/{said.on_syria.pk}/#q-{first.pk}"' in html
    assert "Moscou et la Syrie" in html and "9 août 2016" in html
    article_page = client.get(said.on_syria.get_absolute_url()).text
    assert f'id="q-{first.pk}"' in article_page


def test_citations_escape_hostile_quotes(said, client):
    html = citations_page(client, q="Alep")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;citation&#x27;)&lt;/script&gt;" in html


def test_unattributed_quotes_show_their_description(said, client):
    html = citations_page(client, q="médecins")
    assert "Nous manquons de tout" in html
    assert '<span class="quote-speaker">les médecins</span>' in html


def test_the_speaker_facet_counts_and_filters(said, client):
    html = citations_page(client, q="")
    facet = html.split('class="facet speaker-facet"')[1].split("</section>")[0]
    counts = dict(re.findall(r">([^<>]+)</a> <span class=\"count\">(\d+)</span>", facet))
    assert counts == {"Vladimir Poutine": str(5 + EXTRA_QUOTES), "Recep Tayyip Erdoğan": "1"}
    link = re.search(r'href="([^"]+)">Recep Tayyip Erdoğan<', facet).group(1)
    assert "vue=citations" in link and "auteur=" in link
    filtered = client.get(reverse("search:search") + link.replace("&amp;", "&")).text
    assert listed(filtered) == ["La Syrie a besoin d&#x27;une transition"]
    assert "1</strong> citation " in filtered


def test_the_view_keeps_the_search_and_pages(said, client):
    first = citations_page(client, q="said:Poutine", sort="oldest")
    second = citations_page(client, q="said:Poutine", sort="oldest", page="2")
    assert len(listed(first)) == 20 and len(listed(second)) == 5 + EXTRA_QUOTES - 20
    assert not set(listed(first)) & set(listed(second))
    assert "Page 1 / 2" in first
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1)
    assert set(following.lstrip("?").split("&amp;")) == {
        "q=said%3APoutine",
        "sort=oldest",
        "vue=citations",
        "page=2",
    }
    views = first.split('class="result-views"')[1].split("</nav>")[0]
    dispatches = re.search(r'href="([^"]+)">Dépêches</a>', views).group(1)
    assert "vue=" not in dispatches and "q=said%3APoutine" in dispatches


def test_a_page_past_the_end_says_so(said, client):
    html = citations_page(client, q="said:Erdogan", page="5")
    assert "Cette page n&#x27;existe pas" in html or "Cette page n'existe pas" in html
    assert not listed(html)


def test_an_unknown_speaker_filter_lists_nothing(said, client):
    html = citations_page(client, q="Syrie", auteur="personne-inconnue")
    assert not listed(html) and "Aucune citation dans ces dépêches" in html


def test_no_dispatch_no_quote(said, client):
    html = citations_page(client, q="said:Erdogan Ukraine")
    assert not listed(html) and "Aucune dépêche ne correspond" in html
    assert "speaker-facet" not in html
