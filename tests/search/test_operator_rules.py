"""The operators' rules without an engine: which stems a pattern matches, what the check
lets through (these rules are shared by both engines and the highlighting)."""

import pytest

from search.operators.stems import pattern_matches, pattern_variants, shorter_stems, term_matcher
from search.query import QuerySyntaxError, check_syntax


@pytest.mark.parametrize(
    ("pattern", "stem", "matches"),
    [
        ("medec*", "medecin", True),
        ("russe*", "russ", True),
        ("russe*", "rus", False),
        ("russe*", "russel", True),
        ("minist?e", "ministr", True),
        ("minist?e", "minis", False),
        ("m?decin", "medecin", True),
        ("m?decin", "medecins", False),
        ("medecin?", "medecin", True),
        ("al?p", "alep", True),
        ("al?p", "alp", False),
    ],
)
def test_which_stems_a_pattern_matches(pattern, stem, matches):
    assert pattern_matches(pattern, stem) is matches


def test_shorter_stems_and_variants_come_from_the_stemmer():
    assert "russ" in shorter_stems("russe*")
    assert "medecin" in shorter_stems("medecins*")
    assert "rus" not in shorter_stems("russe*")
    assert "frapp" in shorter_stems("frappe*")
    assert pattern_variants("minist?e") == ("minist?e", "minist?")
    assert pattern_variants("medec*") == ("medec*",)


def test_highlighting_reads_patterns_and_fuzzy_words_from_the_terms():
    matches = term_matcher(frozenset({"alep", "medec*", "poutin~1"}))
    assert all(matches(stem) for stem in ("alep", "medecin", "poutin", "pautin", "poutine"))
    assert not any(matches(stem) for stem in ("ale", "mede", "boutin", "pautim"))


@pytest.mark.parametrize(
    "q",
    [
        "Syrie -Russie",
        'person:"Bachar al-Assad"',
        "Qui est Poutine ?",
        "(Syrie OR Irak) frappes",
        'title:Alep "État islamique"',
        "+médec* -Poutin~ title:russ?s",
        '"frappes russes"~0',
        "frappes NEAR/0 russes",
        "frappes NEAR/50 russes NEAR/2 Kiev",
    ],
)
def test_ordinary_and_valid_queries_pass_the_check(q):
    check_syntax(q)


@pytest.mark.parametrize("q", ["a*", "NEAR/5", "Poutin~3", '"a b"~99', "ab* cd* ef* gh* ij* kl~"])
def test_invalid_operators_fail_the_check_before_any_engine(q):
    with pytest.raises(QuerySyntaxError):
        check_syntax(q)
