"""Per-document tables read once from Whoosh columns, for facets, filters, dates and sorting.

Whoosh's own overlapping facets rebuild a list of values for every document of every segment
on each search. Here each segment's facet column and date column are read once (segments are
immutable), kept as numpy arrays, and assembled per searcher; counting a facet over a result
set is then one vectorised gather and `bincount`.
"""

import threading
from dataclasses import dataclass, field

import numpy as np

from search.analysis import name_key

FACET_FIELDS = ("people", "places", "orgs", "misc", "source")
DATE_FIELD = "published"
STORY_FIELD = "story"
NO_DAY = np.iinfo(np.int32).min
# Whoosh stores datetimes as microseconds since 0001-01-01; numpy counts days from 1970-01-01.
_MICROSECONDS_PER_DAY = 86_400_000_000
_DAYS_0001_TO_1970 = 719_162


class Vocabulary:
    """The display names seen in one facet field, each with a small integer id."""

    def __init__(self):
        self.names: list[str] = []
        self._ids: dict[str, int] = {}
        self._ids_by_key: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def id_for(self, name: str) -> int:
        found = self._ids.get(name)
        if found is not None:
            return found
        with self._lock:
            found = self._ids.get(name)
            if found is None:
                found = self._ids[name] = len(self.names)
                self.names.append(name)
                self._ids_by_key.setdefault(name_key(name), []).append(found)
        return found

    def ids_for_key(self, key: str) -> list[int]:
        return self._ids_by_key.get(key, [])


@dataclass
class SegmentTable:
    doc_count: int
    days: np.ndarray
    pointers: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    lengths: dict[str, np.ndarray] = field(default_factory=dict)
    stories: np.ndarray | None = None


def _read_stories(reader, doc_count: int) -> np.ndarray:
    """Each document's story id; 0 when the index predates stories (never collapsed)."""
    if not reader.has_column(STORY_FIELD):
        return np.zeros(doc_count, dtype=np.int64)
    return np.fromiter(reader.column_reader(STORY_FIELD), dtype=np.int64, count=doc_count)


def _read_days(reader, doc_count: int) -> np.ndarray:
    if not reader.has_column(DATE_FIELD):
        return np.full(doc_count, NO_DAY, dtype=np.int32)
    raw = np.fromiter(
        reader.column_reader(DATE_FIELD, translate=False), dtype=np.uint64, count=doc_count
    )
    # A document without a date holds the column's default: the largest unsigned number.
    dated = (raw > 0) & (raw < np.uint64(2**62))
    days = np.full(doc_count, NO_DAY, dtype=np.int32)
    days[dated] = raw[dated].astype(np.int64) // _MICROSECONDS_PER_DAY - _DAYS_0001_TO_1970
    return days


def _read_names(reader, fieldname: str, doc_count: int, vocabulary: Vocabulary):
    pointers = np.zeros(doc_count + 1, dtype=np.int64)
    if not reader.has_column(fieldname):
        return pointers, np.zeros(0, dtype=np.int32)
    ids: list[int] = []
    id_for = vocabulary.id_for
    for docnum, names in enumerate(reader.column_reader(fieldname)):
        ids.extend(id_for(name) for name in names)
        pointers[docnum + 1] = len(ids)
    return pointers, np.array(ids, dtype=np.int32)


def read_segment_table(reader, vocabularies: dict[str, Vocabulary]) -> SegmentTable:
    """Read one segment's date and facet columns into arrays."""
    doc_count = reader.doc_count_all()
    pointers, values = {}, {}
    for fieldname in FACET_FIELDS:
        pointers[fieldname], values[fieldname] = _read_names(
            reader, fieldname, doc_count, vocabularies[fieldname]
        )
    table = SegmentTable(doc_count, _read_days(reader, doc_count), pointers, values)
    table.stories = _read_stories(reader, doc_count)
    return table


@dataclass
class ArchiveTables:
    """The tables of every document a searcher sees, indexed by global document number."""

    doc_count: int
    days: np.ndarray
    live: np.ndarray
    pointers: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    vocabularies: dict[str, Vocabulary]
    segments: list[SegmentTable]
    stories: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _owners: dict[str, np.ndarray] = field(default_factory=dict)
    _lengths: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def assemble(cls, parts: list[tuple[SegmentTable, int, set[int]]], vocabularies):
        """Join segment tables (table, first global docnum, deleted docnums) in order."""
        doc_count = sum(table.doc_count for table, _, _ in parts)
        live = np.ones(doc_count, dtype=bool)
        for _, offset, deleted in parts:
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64) + offset] = False
        days = np.concatenate([t.days for t, _, _ in parts] or [np.zeros(0, np.int32)])
        pointers, values = {}, {}
        for fieldname in FACET_FIELDS:
            chunks, starts, base = [], [np.zeros(1, dtype=np.int64)], 0
            for table, _, _ in parts:
                chunks.append(table.values[fieldname])
                starts.append(table.pointers[fieldname][1:] + base)
                base += len(table.values[fieldname])
            pointers[fieldname] = np.concatenate(starts)
            values[fieldname] = np.concatenate(chunks or [np.zeros(0, np.int32)])
        segments = [table for table, _, _ in parts]
        stories = np.concatenate(
            [t.stories for t, _, _ in parts] or [np.zeros(0, np.int64)]
        ).astype(np.int64)
        return cls(doc_count, days, live, pointers, values, vocabularies, segments, stories)

    def story_keys(self, docs: np.ndarray) -> np.ndarray:
        """Each document's story, or a key of its own when it has none."""
        keys = self.stories[docs]
        return np.where(keys > 0, keys, -(docs.astype(np.int64) + 1))

    def first_of_each_story(self, ordered: np.ndarray) -> np.ndarray:
        """Keep, in order, the first document of each story (collapse by story)."""
        if not len(ordered):
            return ordered
        _, first = np.unique(self.story_keys(ordered), return_index=True)
        return ordered[np.sort(first)]

    def story_count(self, docs: np.ndarray) -> int:
        return len(np.unique(self.story_keys(docs))) if len(docs) else 0

    def field_lengths(self, fieldname: str, searcher) -> np.ndarray:
        """Return every document's length in a scored field (read once per segment)."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = []
            leaves = searcher.reader().leaf_readers()
            for table, (reader, _) in zip(self.segments, leaves, strict=True):
                if fieldname not in table.lengths:
                    table.lengths[fieldname] = np.fromiter(
                        (
                            reader.doc_field_length(d, fieldname) or 0
                            for d in range(table.doc_count)
                        ),
                        dtype=np.float64,
                        count=table.doc_count,
                    )
                parts.append(table.lengths[fieldname])
            found = self._lengths[fieldname] = np.concatenate(parts or [np.zeros(0)])
        return found

    def all_docs(self) -> np.ndarray:
        return np.flatnonzero(self.live)

    def _gather(self, fieldname: str, docs: np.ndarray) -> np.ndarray:
        pointers = self.pointers[fieldname]
        starts = pointers[docs]
        lengths = pointers[docs + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int32)
        ends = np.cumsum(lengths)
        positions = np.arange(total, dtype=np.int64) + np.repeat(starts - ends + lengths, lengths)
        return self.values[fieldname][positions]

    def count(self, fieldname: str, docs: np.ndarray, limit: int) -> list[tuple[str, int]]:
        """Return the `limit` commonest names among `docs`, with their counts."""
        ids = self._gather(fieldname, docs)
        if not len(ids):
            return []
        counts = np.bincount(ids)
        present = np.flatnonzero(counts)
        if len(present) > limit:
            present = present[np.argpartition(-counts[present], limit - 1)[:limit]]
        names = self.vocabularies[fieldname].names
        ranked = sorted(((names[i], int(counts[i])) for i in present), key=lambda p: (-p[1], p[0]))
        return ranked[:limit]

    def with_name(self, fieldname: str, name: str) -> np.ndarray:
        """Return a mask of the documents holding a name (compared by its folded key)."""
        ids = self.vocabularies[fieldname].ids_for_key(name_key(name))
        mask = np.zeros(self.doc_count, dtype=bool)
        if ids:
            owners = self._owners.get(fieldname)
            if owners is None:
                lengths = np.diff(self.pointers[fieldname])
                owners = np.repeat(np.arange(self.doc_count, dtype=np.int64), lengths)
                self._owners[fieldname] = owners
            mask[owners[np.isin(self.values[fieldname], ids)]] = True
        return mask

    def in_days(self, first: int | None, last: int | None) -> np.ndarray:
        """Return a mask of the documents dated between two day numbers (inclusive)."""
        mask = self.days != NO_DAY
        if first is not None:
            mask &= self.days >= first
        if last is not None:
            mask &= self.days <= last
        return mask

    def month_counts(self, docs: np.ndarray) -> dict[int, int]:
        """Count documents per month (months since 1970-01), dateless ones left out."""
        days = self.days[docs]
        days = days[days != NO_DAY]
        if not len(days):
            return {}
        months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        first = int(months.min())
        counts = np.bincount(months - first)
        return {first + int(i): int(counts[i]) for i in np.flatnonzero(counts)}

    def by_date(self, docs: np.ndarray, *, newest_first: bool) -> np.ndarray:
        """Order documents by date (dateless last), newest or oldest first."""
        days = self.days[docs].astype(np.int64)
        dateless = days == NO_DAY
        key = np.where(dateless, 0, -days if newest_first else days)
        tiebreak = -docs if newest_first else docs
        return docs[np.lexsort((tiebreak, key, dateless))]
