"""An editor merging entities, run in its own process: `python -m tests.faults.editor N`.

Merges up to N pairs of same-kind entities (the most mentioned first) through
`articles.curation.merge`, one after another, and prints one line per merge. A merge
the service refuses (CurationError) is counted; a merge PostgreSQL aborts as a deadlock
is counted and tried again, as an editor would resubmit the form; any other error is
printed with its traceback and makes the exit status 1.
"""

import os
import sys
import time
import traceback

ATTEMPTS = 5


def main(pairs: int, pause: float) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.db import OperationalError
    from django.db.models import Count

    from articles.curation import CurationError, merge
    from articles.models import Entity

    ranked = (
        Entity.objects.annotate(n=Count("mentions"))
        .filter(n__gt=0)
        .order_by("kind", "-n", "pk")
        .values_list("kind", "pk")
    )
    by_kind: dict[str, list[int]] = {}
    for kind, pk in ranked:
        by_kind.setdefault(kind, []).append(pk)
    plan = [(ids[i], ids[i + 1]) for ids in by_kind.values() for i in range(0, len(ids) - 1, 2)][
        :pairs
    ]
    merged = refused = deadlocks = failed = 0
    for keep_pk, other_pk in plan:
        for _ in range(ATTEMPTS):
            try:
                keep = Entity.objects.get(pk=keep_pk)
                other = Entity.objects.get(pk=other_pk)
                correction = merge(keep=keep, others=[other], user=None)
                merged += 1
                print(f"merged: {correction.summary}", flush=True)
            except (CurationError, Entity.DoesNotExist) as error:
                refused += 1
                print(f"refused: {error}", flush=True)
            except OperationalError as error:
                if "deadlock detected" in str(error):
                    deadlocks += 1
                    print(f"deadlock, trying again: {error}", flush=True)
                    time.sleep(pause)
                    continue
                failed += 1
                traceback.print_exc()
            except Exception:
                failed += 1
                traceback.print_exc()
            break
        else:
            failed += 1  # deadlocked on every attempt
        time.sleep(pause)
    print(f"{merged} merged, {refused} refused, {deadlocks} deadlocks, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 0.5))
