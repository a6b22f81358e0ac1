"""The query checker: what it refuses before Whoosh's parser sees it, and what it lets by."""

import pytest

from search.query import QuerySyntaxError, check_syntax


@pytest.mark.parametrize(
    "text",
    ["Syrie AND NOT Alep", "Syrie OR NOT Alep", "NOT (NOT Alep)", "- -Alep", '"NOT NOT"'],
)
def test_an_operator_then_not_reads_as_one(text):
    check_syntax(text)  # raises nothing


@pytest.mark.parametrize(
    "text", ["NOT NOT Alep", "NOT -Alep", "-NOT Alep", "Syrie OR AND Alep", "Alep NOT OR Syrie"]
)
def test_two_operators_in_a_row_are_explained(text):
    with pytest.raises(QuerySyntaxError, match="deux opérateurs de suite"):
        check_syntax(text)
