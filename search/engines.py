"""Turn SEARCH_URL into haystack's connection settings (no haystack import here)."""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

WHOOSH_ENGINE = "search.backends.FrenchWhooshEngine"
OPENSEARCH_ENGINE = "search.backends.FrenchOpenSearchEngine"
CLUSTER_SCHEMES = {"opensearch", "opensearchs", "elasticsearch", "elasticsearchs"}
CLUSTER_OPTIONS = {"shards": "SHARDS", "replicas": "REPLICAS", "timeout": "TIMEOUT"}


def haystack_connections(url: str) -> dict[str, dict]:
    """Build HAYSTACK_CONNECTIONS for a whoosh:// or opensearch:// URL.

    opensearch://host:9200/alias?shards=2&replicas=1&timeout=10: the alias the archive is
    served from, the new indices' primary shards (default 2) and replicas (default 1 once
    a second node holds data, 0 on a single node), and the request timeout in seconds.
    Credentials go in the URL (opensearchs://user:password@host:9200/newsroom).
    """
    parts = urlsplit(url)
    if parts.scheme == "whoosh":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise ImproperlyConfigured(f"SEARCH_URL {url!r} needs a path: whoosh:///srv/index")
        return {"default": {"ENGINE": WHOOSH_ENGINE, "PATH": path}}
    if parts.scheme in CLUSTER_SCHEMES:
        scheme = "https" if parts.scheme.endswith("s") else "http"
        connection = {
            "ENGINE": OPENSEARCH_ENGINE,
            "URL": f"{scheme}://{parts.netloc}/",
            "INDEX_NAME": parts.path.strip("/") or "newsroom",
        }
        for name, values in parse_qs(parts.query).items():
            if name not in CLUSTER_OPTIONS or not values[-1].isdigit():
                raise ImproperlyConfigured(
                    f"SEARCH_URL {url!r}: {name}={values[-1]} is not understood; "
                    f"use whole numbers for {', '.join(CLUSTER_OPTIONS)}"
                )
            connection[CLUSTER_OPTIONS[name]] = int(values[-1])
        return {"default": connection}
    raise ImproperlyConfigured(
        f"SEARCH_URL {url!r} has an unknown scheme: use whoosh:///path/to/index "
        "or opensearch://host:9200/newsroom"
    )
