"""A tiered merge policy for the Whoosh index.

Whoosh's default (MERGE_SMALL) merges a growing run of the smallest segments, and once the
run reaches the large ones it rewrites them too: building a 100,000-article index rewrote
each document many times over. Here segments are grouped in tenfold size tiers (under 10
documents, 10-99, 100-999...) and a tier is merged only when it holds TIER_WIDTH segments,
so a document is rewritten about once per tenfold growth of the index, and a search never
faces more than a few dozen segments. The tiers start small because the index worker
commits small batches: with one tier for everything under 1,000 documents, every tenth
commit rewrote that whole tier.
"""

import math
from collections import defaultdict

from whoosh.reading import SegmentReader

SMALLEST_TIER = 10
TIER_WIDTH = 10


def tier(doc_count: int) -> int:
    """0 for segments under SMALLEST_TIER documents, then one tier per tenfold size."""
    if doc_count < SMALLEST_TIER:
        return 0
    return 1 + int(math.log10(doc_count / SMALLEST_TIER))


def merge_tiers(writer, segments):
    """Whoosh merge policy: merge full tiers, and segments that are mostly deleted."""
    tiers = defaultdict(list)
    merged = []
    for segment in segments:
        if segment.doc_count() * 2 < segment.doc_count_all():
            merged.append(segment)
        else:
            tiers[tier(segment.doc_count())].append(segment)
    kept = []
    for members in tiers.values():
        (merged if len(members) >= TIER_WIDTH else kept).extend(members)
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept
