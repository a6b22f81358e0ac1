"""What other apps add to the archive's pages, without `articles` importing them.

An app registers a function in its `AppConfig.ready()`; the article page calls each one
with the article and adds what it returns to the template's context.
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
