"""Page building blocks: permalinks and snippets, checked against what they replaced."""

import random

from django.http import QueryDict
from whoosh.highlight import ContextFragmenter, highlight

from search.analysis import FRENCH, query_terms
from search.highlighting import (
    PASSAGE_CHARS,
    PASSAGE_SURROUND,
    SCAN_CHARS,
    EarlierFirstScorer,
    MarkFormatter,
    snippet,
)
from search.presenters import Permalink


def reference_url(params: QueryDict, *, add=(), remove=(), replace=None) -> str:
    query = params.copy()
    query.pop("page", None)
    for key, value in remove:
        query.setlist(key, [v for v in query.getlist(key) if " ".join(v.split()) != value])
    for key, value in add:
        query.appendlist(key, value)
    for key, value in (replace or {}).items():
        if value:
            query[key] = value
        else:
            query.pop(key, None)
    return f"?{query.urlencode()}"


def test_permalinks_encode_like_a_querydict():
    params = QueryDict(
        "q=%C3%A9conomie+%26+d%C3%A9ficit&person=Bachar+al-Assad&page=3&person=Emmanuel%20Macron"
        "&date_from=2018-01-01&sort=newest"
    )
    link = Permalink(params)
    changes = [
        {},
        {"add": [("place", "Alep / Syrie")]},
        {"add": [("person", "Vladimir Poutine")]},
        {"remove": [("person", "Bachar al-Assad")]},
        {"remove": [("org", "ONU")]},
        {"replace": {"date_from": "", "date_to": ""}},
        {"replace": {"page": "2"}},
        {"replace": {"sort": "oldest", "q": "l'Élysée"}},
    ]
    for change in changes:
        assert link.url(**change) == reference_url(params, **change)


def whoosh_snippet(body: str, terms: frozenset[str]) -> str:
    fragmenter = ContextFragmenter(
        maxchars=PASSAGE_CHARS, surround=PASSAGE_SURROUND, charlimit=SCAN_CHARS
    )
    text = " ".join(body.split())
    scorer = EarlierFirstScorer()
    return highlight(text, terms, FRENCH, fragmenter, MarkFormatter(), top=2, scorer=scorer)


def test_snippets_pick_the_passages_whoosh_would_pick():
    rng = random.Random(7)
    words = [
        "Alep",
        "médecins",
        "président",
        "l'Élysée",
        "sur",
        "le",
        "économie",
        "ministre",
        "premier",
        "xx",
    ]
    for _ in range(300):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 2500)))
        if rng.random() < 0.3:
            # A match around the scan limit, cut or not.
            body = "a" * rng.randint(SCAN_CHARS - 12, SCAN_CHARS + 2) + " Alep " + body
        for query in ("Alep", "président ministre", "économie médecin"):
            terms = frozenset(query_terms(query))
            expected = whoosh_snippet(body, terms)
            assert str(snippet(body, terms)) == expected or not expected
