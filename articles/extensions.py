"""What other apps add to the archive's pages, without `articles` importing them.

An app registers a function in its `AppConfig.ready()`; the article page calls each one
with the article and adds what it returns to the template's context. Search also says how
to find a query's words in a text, for the article page reached from a result.
"""

from collections.abc import Callable

ArticleContext = Callable[[object], dict]
_article_page: list[ArticleContext] = []


def add_to_article_page(provider: ArticleContext) -> None:
    if provider not in _article_page:
        _article_page.append(provider)


def article_page_context(article) -> dict:
    context: dict = {}
    for provider in _article_page:
        context.update(provider(article))
    return context


SearchedWords = Callable[[str, str], list[tuple[int, int]]]
_searched_words: list[SearchedWords] = []


def find_searched_words_with(finder: SearchedWords) -> None:
    """Set how the article page finds a search's words in a text: (text, query) -> spans."""
    _searched_words[:] = [finder]


def searched_words(text: str, query: str) -> list[tuple[int, int]]:
    """Return the (start, end) of the words of text that the query searched, in order."""
    if not query.strip() or not _searched_words:
        return []
    return sorted(_searched_words[0](text, query))
