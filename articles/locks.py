"""One lock between editors' corrections and tagging, so that they never deadlock.

A tagging transaction replaces an article's machine mentions, and PostgreSQL checks the
new mentions' foreign keys (a KEY SHARE lock on each entity) when it commits. A
correction locks entities, then moves or deletes their mentions. Interleaved, each waits
for the other and PostgreSQL aborts one of them. So every tagging write first takes this
transaction-level advisory lock shared (taggers never wait for one another) and every
correction takes it exclusively: a correction waits for the tagging transactions in
flight (milliseconds), and new ones wait for it. Both sides take it first, before any
row lock, so no cycle can form.
"""

from django.db import connection

# A fixed, arbitrary 64-bit key naming "the entity graph" among the database's advisory locks.
ENTITY_GRAPH = 0x4E_65_77_73_47_72_61_70  # "NewsGrap"


def _take(function: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("the entity-graph lock lasts a transaction: take it in atomic()")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [ENTITY_GRAPH])


def tagging() -> None:
    """Taken by each tagging transaction that writes mentions or entities (shared)."""
    _take("pg_advisory_xact_lock_shared")


def correcting() -> None:
    """Taken by each editor's correction, before it locks any row (exclusive)."""
    _take("pg_advisory_xact_lock")
