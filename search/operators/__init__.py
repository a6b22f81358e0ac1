"""The search operators: truncation (médec*, m?decin), proximity ("a b"~5, a NEAR/5 b) and
approximate words (Poutin~), their limits, and which indexed stems a pattern matches.

The index holds stems ("médecins" -> "medecin", "russes" -> "russ"), so a pattern matches
a stem when the stem itself fits the folded pattern, or fits it once an ending the French
stemmer removes is taken off its end ("minist?e" -> "ministr"), or when the stem is a word
the pattern spells minus such an ending ("russe*" -> "russ", since "russe" stems to
"russ"). Both engines and the highlighting apply this one rule.
"""

from search.operators.limits import (
    MAX_EXPANSIONS,
    MAX_NEAR_EXPANSIONS,
    QuerySyntaxError,
    check_operators,
    too_many_terms,
)
from search.operators.nodes import Fuzzy, Near, Pattern, expand_operators, highlight_key
from search.operators.plugins import install
from search.operators.stems import pattern_variants, shorter_stems, term_matcher

__all__ = [
    "MAX_EXPANSIONS",
    "MAX_NEAR_EXPANSIONS",
    "Fuzzy",
    "Near",
    "Pattern",
    "QuerySyntaxError",
    "check_operators",
    "expand_operators",
    "highlight_key",
    "install",
    "pattern_variants",
    "shorter_stems",
    "term_matcher",
    "too_many_terms",
]
