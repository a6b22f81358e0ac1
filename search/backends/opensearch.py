"""Haystack's Elasticsearch 7 backend, in French, talking to OpenSearch through opensearch-py.

elasticsearch-py 7.14 and later refuse any server that is not Elastic's, and 7.13 does not
import under numpy 2: haystack's backend keeps its mapping and document preparation, and
every request goes through opensearch-py instead (see the README's scale-out section).

The index settings mirror search.analysis: elision, lowercase, accent folding, the same
folded stop words, Snowball French stemming. SEARCH_URL names an alias, never an index:
`rebuild` fills a new index beside the serving one and swaps the alias in one step.
"""

import copy
import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from django.utils import timezone
from django.utils.translation import gettext_lazy
from haystack import connections
from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError, RequestError, TransportError

from search.analysis import name_key
from search.backends.opensearch_query import (
    KEYS_SUFFIX,
    aggregations,
    read_response,
    request_filters,
    sort_clause,
    to_dsl,
)
from search.backends.opensearch_settings import (
    AUTO_REPLICAS,
    FOLDED_SUBFIELD,
    FRENCH_SETTINGS,
    RESULT_WINDOW,
    TEXT_MAPPING,
)
from search.backends.schema import (
    NAMES_FIELD_TYPE,
    SAID_FIELD_TYPE,
    VERSION_FIELD_TYPE,
    build_whoosh_schema,
)
from search.backends.tables import FACET_FIELDS
from search.operators import MAX_EXPANSIONS, MAX_NEAR_EXPANSIONS, too_many_terms
from search.query import (
    IndexUnavailable,
    QuerySyntaxError,
    SearchHits,
    SearchRequest,
    make_parser,
    normalise_operators,
    parse,
    positive_terms,
)

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
BULK_RETRIES = 6
BULK_TIMEOUT_SECONDS = 120
RETRY_STATUSES = frozenset({429, 503})
SCAN_PAGE = 2000


_EXPANSION_FAILURES = ("too_many_clauses", "maxClauseCount", "too many terms")
_SOMETHING = gettext_lazy("A truncated or approximate word")


def expansion_refused(info) -> str:
    """The message when the cluster refused a query for expanding to too many terms, or ''."""
    text = "" if info is None else str(info)
    if not any(reason in text for reason in _EXPANSION_FAILURES):
        return ""
    near = f"(limit {MAX_NEAR_EXPANSIONS})" in text
    return too_many_terms(_SOMETHING, MAX_NEAR_EXPANSIONS if near else MAX_EXPANSIONS)


class BulkRefused(RuntimeError):
    """The cluster refused a document for good (a mapping error, a closed index)."""


def retried_name(name: str) -> bool:
    """Names that are ours alone (timestamped), so finding one made means our own retry."""
    return name.rsplit("-", 1)[-1].isdigit() and len(name.rsplit("-", 1)[-1]) == 20


class FrenchOpenSearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = FRENCH_SETTINGS
    DEFAULT_FIELD_MAPPING = TEXT_MAPPING
    FIELD_MAPPINGS = {
        **Elasticsearch7SearchBackend.FIELD_MAPPINGS,
        NAMES_FIELD_TYPE: {"type": "keyword"},
        VERSION_FIELD_TYPE: {"type": "keyword", "index": False},
        SAID_FIELD_TYPE: {"type": "text", "analyzer": "whitespace"},
    }
    # What the search service reports as "the engine does not answer".
    engine_errors = (TransportError, OSError)

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.conn = OpenSearch(
            options["URL"],
            timeout=self.timeout,
            max_retries=options.get("RETRIES", 2),
            retry_on_timeout=True,
            **options.get("KWARGS", {}),
        )
        self.shards = int(options.get("SHARDS", 2))
        self.replicas = options.get("REPLICAS")
        self.mapping: dict | None = None

    # The index and its alias -------------------------------------------------------------

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field in fields.values():
            if field.field_type == NAMES_FIELD_TYPE:
                mapping[field.index_fieldname + KEYS_SUFFIX] = {"type": "keyword"}
        mapping[content_field_name] = {
            **TEXT_MAPPING,
            "fields": {FOLDED_SUBFIELD: {"type": "text", "analyzer": "french_unstemmed"}},
        }
        return content_field_name, mapping

    def index_settings(self) -> dict:
        """The French analysis, with this connection's shards and replicas."""
        settings = copy.deepcopy(FRENCH_SETTINGS["settings"])
        settings["index"]["number_of_shards"] = self.shards
        if self.replicas is None:
            settings["index"]["auto_expand_replicas"] = AUTO_REPLICAS
        else:
            settings["index"]["number_of_replicas"] = int(self.replicas)
        return settings

    def setup(self):
        """Build the mapping; create the first index behind the alias if there is none."""
        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.content_field_name, field_mapping = self.build_schema(fields)
        self.mapping = {"properties": field_mapping}
        if not self.conn.indices.exists(index=self.index_name):
            # A fixed name: two processes setting up at once make one index, not two.
            first = f"{self.index_name}-1"
            try:
                self._create_index(first, aliases={self.index_name: {}})
            except RequestError as error:
                if error.error != "resource_already_exists_exception":
                    raise
                self.conn.indices.put_alias(index=first, name=self.index_name)
        self.setup_complete = True

    def _create_index(self, name: str, *, aliases: dict | None = None, **settings) -> None:
        body = {"settings": {**self.index_settings(), **settings}, "mappings": self.mapping}
        if aliases:
            body["aliases"] = aliases
        try:
            self.conn.indices.create(index=name, body=body, request_timeout=BULK_TIMEOUT_SECONDS)
        except RequestError as error:
            # A retried request (the first timed out waiting for its shards) finds it made.
            if error.error != "resource_already_exists_exception" or not retried_name(name):
                raise

    def serving_indices(self) -> list[str]:
        """The concrete indices the alias points to (or the index of that very name)."""
        try:
            return sorted(self.conn.indices.get_alias(name=self.index_name))
        except NotFoundError:
            pass
        if self.conn.indices.exists(index=self.index_name):
            return [self.index_name]
        return []

    def clear(self, models=None, commit=True):
        """Empty the index: drop every index behind the alias (setup makes a new one)."""
        if models:
            return super().clear(models, commit)
        serving = self.serving_indices()
        if serving:
            self.conn.indices.delete(index=",".join(serving))
        self.setup_complete = False

    # Writing: the index worker and the management commands -------------------------------

    def _actions(self, index, objects, removed_ids=()) -> Iterator[dict]:
        for identifier in removed_ids:
            yield {"_op_type": "delete", "_id": identifier}
        for obj in objects:
            try:
                prepared = self._prepare_object(index, obj)
            except SkipDocument:
                continue
            source = {key: self._from_python(value) for key, value in prepared.items()}
            yield {"_op_type": "index", "_id": source[ID], "_source": source}

    def _prepare_object(self, index, obj):
        prepared = super()._prepare_object(index, obj)
        for fieldname in FACET_FIELDS:
            names = prepared.get(fieldname) or []
            prepared[fieldname + KEYS_SUFFIX] = sorted({name_key(n) for n in names} - {""})
        return prepared

    def _bulk(self, target: str, actions: Iterable[dict]) -> int:
        """Send actions in bulk requests; return how many documents were indexed.

        Items the cluster cannot take now (429 too busy, 503 a shard without its node) are
        sent again with backoff: a node lost mid-rebuild costs a pause, not the rebuild.
        """
        pending, indexed, attempt = list(actions), 0, 0
        while True:
            again = []
            results = helpers.streaming_bulk(
                self.conn,
                pending,
                index=target,
                chunk_size=BULK_CHUNK,
                raise_on_error=False,
                # The server waits up to a minute for a shard's new primary: so do we.
                request_timeout=BULK_TIMEOUT_SECONDS,
            )
            for action, (ok, result) in zip(pending, results, strict=True):
                ((operation, item),) = result.items()
                status = item.get("status", 0)
                if ok or (operation == "delete" and status == 404):
                    indexed += operation == "index"
                elif status in RETRY_STATUSES and attempt < BULK_RETRIES:
                    again.append(action)
                else:
                    raise BulkRefused(
                        f"{target}: {operation} {item.get('_id')}: {item.get('error')}"
                    )
            if not again:
                return indexed
            logger.warning("%s: %d bulk items refused for now, retrying", target, len(again))
            time.sleep(min(2**attempt, 30))
            pending, attempt = again, attempt + 1

    def apply(self, index, objects, removed_ids=()) -> int:
        """Index `objects` and delete documents by haystack id; searchable on return."""
        if not self.setup_complete:
            self.setup()
        indexed = self._bulk(self.index_name, self._actions(index, objects, removed_ids))
        self.conn.indices.refresh(index=self.index_name)
        return indexed

    def update(self, index, iterable, commit=True):
        self.apply(index, iterable)

    def rebuild(self, index, batches: Iterable[list]) -> int:
        """Fill a new index from `batches`, then point the alias at it in one step.

        The old index serves every search until the swap. A rebuild killed halfway leaves
        an index no alias points to: the next rebuild deletes it first.
        """
        if not self.setup_complete:
            self.setup()
        self.drop_orphans()
        fresh = f"{self.index_name}-{timezone.now():%Y%m%d%H%M%S%f}"
        self._create_index(fresh, refresh_interval="-1")
        indexed = 0
        try:
            # One batch is sent while the next is read and prepared: the cluster indexes
            # while this process works, instead of each waiting for the other.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-bulk") as sender:
                sending = None
                for batch in batches:
                    actions = list(self._actions(index, batch))
                    indexed += sending.result() if sending else 0
                    sending = sender.submit(self._bulk, fresh, actions)
                indexed += sending.result() if sending else 0
            self.conn.indices.put_settings(index=fresh, body={"index": {"refresh_interval": "1s"}})
            self.conn.indices.refresh(index=fresh)
            # The server waits up to its default 30 s: the primaries are usually there at once.
            self.conn.cluster.health(index=fresh, wait_for_status="yellow", request_timeout=60)
        except BaseException:
            self._delete_quietly(fresh)
            raise
        self.swap_alias(fresh)
        return indexed

    def swap_alias(self, fresh: str) -> None:
        """Point the alias at `fresh` alone, atomically, and delete what it served before."""
        serving = self.serving_indices()
        actions: list[dict] = [{"add": {"index": fresh, "alias": self.index_name}}]
        for old in serving:
            if old == self.index_name:
                # An index made before aliases: it goes in the same atomic step.
                actions.append({"remove_index": {"index": old}})
            else:
                actions.append({"remove": {"index": old, "alias": self.index_name}})
        self.conn.indices.update_aliases(body={"actions": actions})
        for old in serving:
            if old != self.index_name:
                self._delete_quietly(old)

    def drop_orphans(self) -> list[str]:
        """Delete this alias's indices that no alias points to (a rebuild cut short)."""
        serving = set(self.serving_indices())
        try:
            found = self.conn.indices.get(index=f"{self.index_name}-*")
        except NotFoundError:
            return []
        orphans = sorted(
            name for name, info in found.items() if name not in serving and not info["aliases"]
        )
        for name in orphans:
            self._delete_quietly(name)
        return orphans

    def _delete_quietly(self, name: str) -> None:
        try:
            self.conn.indices.delete(index=name)
        except TransportError as error:
            logger.warning("could not delete index %s: %s", name, error)

    def indexed_versions(self) -> dict[int, str]:
        """Return {article id: indexed version} for every document in the index."""
        try:
            hits = helpers.scan(
                self.conn,
                index=self.index_name,
                _source=[DJANGO_ID, "version"],
                size=SCAN_PAGE,
            )
            return {
                int(hit["_source"][DJANGO_ID]): hit["_source"].get("version", "") for hit in hits
            }
        except NotFoundError as error:
            raise IndexUnavailable(self.index_name) from error
        except TransportError as error:
            # Just created by another process, its shards not started yet: not there yet.
            if error.status_code == 503:
                raise IndexUnavailable(self.index_name) from error
            raise

    # The search page ---------------------------------------------------------------------

    def query_parser(self):
        """Whoosh's parser over the same fields: the one reading of the query syntax."""
        if getattr(self, "_parser", None) is None:
            fields = connections[self.connection_alias].get_unified_index().all_searchfields()
            content_field, schema = build_whoosh_schema(fields, id_fields=_ID_FIELDS)
            self._parser = make_parser(schema, content_field)
        return self._parser

    def search_body(self, request: SearchRequest) -> tuple[dict, frozenset[str]]:
        """Build the request body for a search, and the terms to highlight."""
        must, terms = [{"match_all": {}}], frozenset()
        if request.q.strip():
            parsed = parse(self.query_parser(), request.q)
            if parsed is None:
                from search.backends.whoosh_search import nothing_to_search

                raise QuerySyntaxError(nothing_to_search(request.q))
            must = [to_dsl(parsed, normalise_operators(request.q))]
            terms = positive_terms(parsed)
        body = {
            "query": {"bool": {"must": must, "filter": request_filters(request)}},
            "from": request.offset,
            "size": request.limit,
            "sort": sort_clause(request, bool(terms)),
            "_source": [DJANGO_ID],
            "track_total_hits": True,
        }
        if request.with_facets:
            body["aggs"] = aggregations(request.facet_limit)
        if request.collapse:
            # One hit per story, and how many stories match (exact below 40,000).
            body["collapse"] = {"field": "story"}
            body.setdefault("aggs", {})["stories"] = {
                "cardinality": {"field": "story", "precision_threshold": 40_000}
            }
        return body, terms

    @staticmethod
    def search_params(body: dict) -> dict:
        """The URL parameters a search with this body is sent with."""
        if body.get("sort", [None])[0] == "_score":
            # Score with the whole index's term statistics, not each shard's: on a small or
            # freshly split archive, per-shard IDF reorders the results from shard to shard.
            return {"search_type": "dfs_query_then_fetch"}
        return {}

    def _search(self, body: dict) -> dict:
        params = self.search_params(body)
        try:
            response = self.conn.search(index=self.index_name, body=body, params=params)
        except NotFoundError as error:
            raise IndexUnavailable(self.index_name) from error
        except RequestError as error:
            if refused := expansion_refused(error.info):
                raise QuerySyntaxError(refused) from error
            raise
        # A shard that refuses a pattern fails alone: never show the others' part as all.
        if refused := expansion_refused(response.get("_shards", {}).get("failures")):
            raise QuerySyntaxError(refused)
        return response

    def archive_search(self, request: SearchRequest) -> SearchHits:
        """Run the search page's query: results, facets, months and a suggestion."""
        body, terms = self.search_body(request)
        deep = request.offset + request.limit > RESULT_WINDOW
        if deep:
            body["from"], body["size"] = 0, 0
        hits = read_response(self._search(body), terms)
        if deep and request.offset < hits.total:
            hits.ids = self.deep_page(request)
        if not hits.total and request.q.strip():
            hits.suggestion = self.suggest(request.q)
        return hits

    def deep_page(self, request: SearchRequest) -> list[int]:
        """A page past the result window, walked to with search_after (costly: the search
        page stops at the window; this is for callers that page on regardless)."""
        wanted = request.offset + request.limit
        ids = [
            pk
            for page in self.matching_ids(request, limit=wanted, page=min(SCAN_PAGE, RESULT_WINDOW))
            for pk in page
        ]
        return ids[request.offset : wanted]

    def matching_ids(self, request: SearchRequest, *, limit: int, page: int) -> Iterator[list[int]]:
        """Yield the ids of up to `limit` matches in order, `page` at a time (search_after:
        no result window, no deep `from`)."""
        body, _ = self.search_body(
            SearchRequest(
                **{**request.__dict__, "offset": 0, "with_facets": False, "collapse": False}
            )
        )
        body.pop("from")
        body["track_total_hits"] = False
        sent = 0
        while sent < limit:
            body["size"] = min(page, limit - sent)
            hits = self._search(body)["hits"]["hits"]
            if not hits:
                return
            yield [int(hit["_source"][DJANGO_ID]) for hit in hits]
            sent += len(hits)
            body["search_after"] = hits[-1]["sort"]

    def suggest(self, text: str) -> str:
        """The query with misspelt words replaced by close indexed words, if that finds
        something; else ''."""
        field = f"text.{FOLDED_SUBFIELD}"
        body = {
            "size": 0,
            "suggest": {
                "text": text,
                "words": {"term": {"field": field, "suggest_mode": "missing"}},
            },
        }
        entries = [
            e for e in self._search(body).get("suggest", {}).get("words", []) if e["options"]
        ]
        if not entries:
            return ""
        # "missing" is decided shard by shard: a word indexed on one shard only still gets
        # the other shard's options. Keep every word the whole index holds.
        indexed = self._search(
            {
                "size": 0,
                "track_total_hits": False,
                "aggs": {
                    "indexed": {
                        "filters": {
                            "filters": {
                                str(n): {"term": {field: e["text"]}} for n, e in enumerate(entries)
                            }
                        }
                    }
                },
            }
        )["aggregations"]["indexed"]["buckets"]
        corrected, changed = text, False
        for n, entry in enumerate(entries):
            if indexed[str(n)]["doc_count"]:
                continue
            original = text[entry["offset"] : entry["offset"] + entry["length"]]
            corrected = corrected.replace(original, entry["options"][0]["text"], 1)
            changed = True
        if not changed:
            return ""
        check = SearchRequest(q=corrected, limit=0, with_facets=False)
        try:
            found = read_response(self._search(self.search_body(check)[0]), frozenset()).total
        except QuerySyntaxError:
            return ""
        return corrected if found else ""


_ID_FIELDS = {"id": ID, "django_ct": "django_ct", "django_id": DJANGO_ID}


class FrenchOpenSearchEngine(Elasticsearch7SearchEngine):
    backend = FrenchOpenSearchBackend
    query = Elasticsearch7SearchQuery
