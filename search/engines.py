"""Turn SEARCH_URL into haystack's connection settings (no haystack import here)."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

WHOOSH_ENGINE = "search.backends.FrenchWhooshEngine"
ELASTICSEARCH_ENGINE = "search.backends.FrenchElasticsearchEngine"


def haystack_connections(url: str) -> dict[str, dict]:
    """Build HAYSTACK_CONNECTIONS for a whoosh:// or elasticsearch:// URL."""
    parts = urlsplit(url)
    if parts.scheme == "whoosh":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise ImproperlyConfigured(f"SEARCH_URL {url!r} needs a path: whoosh:///srv/index")
        return {"default": {"ENGINE": WHOOSH_ENGINE, "PATH": path}}
    if parts.scheme in {"elasticsearch", "elasticsearchs", "opensearch", "opensearchs"}:
        index = parts.path.strip("/") or "newsroom"
        scheme = "https" if parts.scheme.endswith("s") else "http"
        return {
            "default": {
                "ENGINE": ELASTICSEARCH_ENGINE,
                "URL": f"{scheme}://{parts.netloc}/",
                "INDEX_NAME": index,
            }
        }
    raise ImproperlyConfigured(
        f"SEARCH_URL {url!r} has an unknown scheme: use whoosh:///path/to/index "
        "or elasticsearch://host:9200/index"
    )
