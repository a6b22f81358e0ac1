from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from articles.signals import articles_changed
        from search.indexing import mark_articles

        def on_articles_changed(sender, *, article_ids, **kwargs) -> None:
            mark_articles(article_ids)

        articles_changed.connect(on_articles_changed, weak=False, dispatch_uid="search-index")

        from articles.extensions import add_to_article_page, find_searched_words_with
        from search.services import searched_spans
        from search.similar import similar_articles

        add_to_article_page(lambda article: {"similar": similar_articles(article)})
        find_searched_words_with(searched_spans)
