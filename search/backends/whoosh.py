"""Haystack's Whoosh backend with French analysis, one-commit batches and a cached searcher.

Writers (the index worker and the management commands) go through setup(), which creates
the index when missing, and apply(), one commit per batch. Readers (web processes) never
create anything: they open the existing index, keep one searcher per thread, and refresh it
only when a commit changed the index.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime

import numpy as np
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import FuzzyTermPlugin, QueryParser

from search.backends.merging import merge_tiers
from search.backends.schema import build_whoosh_schema
from search.backends.tables import FACET_FIELDS, ArchiveTables, Vocabulary, read_segment_table
from search.query import IndexUnavailable, SearchHits, SearchRequest, make_parser

WRITE_LOCK_TIMEOUT = 300
MATCH_CACHE_SIZE = 16


def _cached_length_reader(self, fieldname, column):
    # Whoosh 2.7 caches a segment's field-length reader only when the column exists, so for
    # every posting of an unscored field it stats the disk again: a third of indexing time.
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


whoosh3.W3PerDocReader._cached_reader = _cached_length_reader

# Segments never change once written (deletions aside), so their tables are shared by every
# searcher of the process, keyed by index path and segment id.
_segment_tables: dict[tuple[str, str], object] = {}
_vocabularies: dict[str, dict[str, Vocabulary]] = {}
_tables_lock = threading.Lock()


class FrenchWhooshBackend(WhooshSearchBackend):
    # What the search service reports as "the engine does not answer".
    engine_errors = (OSError,)

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._schema_built = False
        self._searcher = None
        self._searcher_token = None
        self._tables = None
        self._matches: OrderedDict[str, np.ndarray] = OrderedDict()

    # Schema ---------------------------------------------------------------------------------

    def build_schema(self, fields):
        ids = {"id": ID, "django_ct": DJANGO_CT, "django_id": DJANGO_ID}
        return build_whoosh_schema(fields, id_fields=ids)

    def ensure_schema(self) -> None:
        """Build the schema and the query parser without touching the disk."""
        if self._schema_built:
            return
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.content_field_name, self.schema = self.build_schema(fields)
        self.page_parser = make_parser(self.schema, self.content_field_name)
        self._schema_built = True

    def setup(self):
        """Open the index for writing, creating it first if needed (haystack's setup, made
        safe for two processes starting at once: creating an index wipes the folder)."""
        self.ensure_schema()
        os.makedirs(self.path, exist_ok=True)
        self.storage = FileStorage(self.path)
        lock = self.storage.lock("CREATE_LOCK")
        lock.acquire(blocking=True)
        try:
            if not whoosh_index.exists_in(self.path):
                self.storage.create_index(self.schema)
        finally:
            lock.release()
        self.index = self.storage.open_index(schema=self.schema)
        # Haystack's own parser keeps serving SearchQuerySet and update_index --remove.
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.parser.add_plugins([FuzzyTermPlugin])
        self.setup_complete = True

    # Writing (index worker and management commands only) --------------------------------

    def _whoosh_document(self, prepared: dict) -> dict:
        document = {}
        for key, value in prepared.items():
            if value is None or key not in self.schema:
                continue
            if isinstance(value, date) and not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            elif isinstance(value, int | float):
                value = str(value)
            document[key] = value
        return document

    def apply(self, index, objects, removed_ids=()) -> int:
        """Add or replace `objects` and delete documents by haystack id, in one commit."""
        if not self.setup_complete:
            self.setup()
        documents = []
        for obj in objects:
            try:
                documents.append(self._whoosh_document(index.full_prepare(obj)))
            except SkipDocument:
                self.log.debug("Indexing for object `%s` skipped", obj)
        removed_ids = list(removed_ids)
        if not documents and not removed_ids:
            return 0
        if not whoosh_index.exists_in(self.path):
            self.setup()
        # compound=False: a compound segment is mmapped, and every file a reader opens in it
        # is copied into memory (whoosh's BufferFile), per reader and per process.
        writer = whoosh_index.open_dir(self.path, schema=self.schema).writer(
            timeout=WRITE_LOCK_TIMEOUT, limitmb=128, compound=False
        )
        try:
            _delete_documents(writer, [*removed_ids, *(d[ID] for d in documents)])
            for document in documents:
                writer.add_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_tiers)
        return len(documents)

    def update(self, index, iterable, commit=True):
        self.apply(index, iterable)

    def remove(self, obj_or_string, commit=True):
        from haystack.utils import get_identifier

        if not self.setup_complete:
            self.setup()
        self.apply(None, [], [get_identifier(obj_or_string)])

    def indexed_versions(self) -> dict[int, str]:
        """Return {article id: indexed version} for every document in the index."""
        searcher = self.searcher()
        return {
            int(fields[DJANGO_ID]): fields.get("version", "")
            for fields in searcher.reader().all_stored_fields()
        }

    # Reading (web processes) -----------------------------------------------------------------

    def _generation_token(self) -> tuple[int, int, int] | None:
        # One listdir and two stats: cheap enough to run on every request.
        storage = FileStorage(self.path)
        generation = whoosh_index.TOC._latest_generation(storage, whoosh_index._DEF_INDEX_NAME)
        if generation < 0:
            return None
        folder = os.stat(self.path)
        toc = os.stat(os.path.join(self.path, f"_MAIN_{generation}.toc"))
        return folder.st_ino, generation, toc.st_mtime_ns

    def searcher(self):
        """Return a searcher on the latest commit; raise IndexUnavailable if there is none."""
        self.ensure_schema()
        try:
            token = self._generation_token()
        except OSError:
            token = None
        if token is None:
            self._close_searcher()
            raise IndexUnavailable(self.path)
        if token != self._searcher_token:
            if self._searcher is not None and self._searcher_token[0] == token[0]:
                self._searcher = self._searcher.refresh()
            else:
                # A new folder (the index was cleared and rebuilt): start afresh.
                self._close_searcher()
                storage = FileStorage(self.path)
                self._searcher = storage.open_index(schema=self.schema).searcher()
            self._searcher_token = token
            self._tables = None
            self._matches.clear()
        if self._searcher.doc_count() == 0:
            raise IndexUnavailable(self.path)
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._searcher_token = self._tables = None
        self._matches.clear()

    def cached_matches(self, text: str) -> np.ndarray | None:
        """Return the documents matching a query on the current searcher, if known.

        Paging, sorting and clicking facets re-run the same words: only the first run of
        the words against a given commit reads their postings.
        """
        found = self._matches.get(text)
        if found is not None:
            self._matches.move_to_end(text)
        return found

    def forget_matches(self) -> None:
        """Drop the cached matches, so that the next search reads its postings again."""
        self._matches.clear()

    def cache_matches(self, text: str, docs: np.ndarray) -> None:
        self._matches[text] = docs
        while len(self._matches) > MATCH_CACHE_SIZE:
            self._matches.popitem(last=False)

    def snapshot(self):
        """Return the current searcher and its facet and date tables, read together.

        A later call may refresh (and so close) the searcher: use one snapshot per search.
        """
        searcher = self.searcher()
        if self._tables is None:
            self._tables = _assemble_tables(self.path, searcher)
        return searcher, self._tables

    def archive_search(self, request: SearchRequest) -> SearchHits:
        """Run the search page's query: results, facets, months and a suggestion."""
        from search.backends.whoosh_search import run_search

        return run_search(self, request)

    def matching_ids(self, request: SearchRequest, *, limit: int, page: int) -> Iterator[list[int]]:
        """Yield the ids of up to `limit` matches in order, `page` at a time."""
        for offset in range(0, limit, page):
            chunk = replace(request, offset=offset, limit=min(page, limit - offset))
            ids = self.archive_search(replace(chunk, with_facets=False, collapse=False)).ids
            if not ids:
                return
            yield ids

    def rebuild(self, index, batches: Iterable[list]) -> int:
        """Empty the index, then fill it from `batches` (one commit each)."""
        self.clear()
        return sum(self.apply(index, batch) for batch in batches)


def _delete_documents(writer, identifiers: list[str]) -> None:
    """Delete documents by haystack id through one reader of the whole index.

    Whoosh's update_document opens a reader on every segment for each document it replaces:
    per batch, that made indexing quadratic in the size of the index.
    """
    if not identifiers or not writer.segments:
        return
    with writer.searcher() as searcher:
        for identifier in sorted(set(identifiers)):
            writer.delete_by_term(ID, identifier, searcher=searcher)


def _assemble_tables(path: str, searcher) -> ArchiveTables:
    with _tables_lock:
        vocabularies = _vocabularies.setdefault(path, {f: Vocabulary() for f in FACET_FIELDS})
        parts, current = [], set()
        for reader, offset in searcher.reader().leaf_readers():
            segment = reader.segment()
            key = (path, segment.segment_id())
            current.add(key)
            table = _segment_tables.get(key)
            if table is None:
                table = _segment_tables[key] = read_segment_table(reader, vocabularies)
            parts.append((table, offset, set(segment.deleted_docs())))
        for key in [k for k in _segment_tables if k[0] == path and k not in current]:
            del _segment_tables[key]
    return ArchiveTables.assemble(parts, vocabularies)


class FrenchWhooshEngine(WhooshEngine):
    backend = FrenchWhooshBackend
    query = WhooshSearchQuery


def forget_index(path: str) -> None:
    """Drop a (temporary) index's cached tables and vocabularies from this process."""
    with _tables_lock:
        for key in [k for k in _segment_tables if k[0] == path]:
            del _segment_tables[key]
        _vocabularies.pop(path, None)
