"""The watch folder: files dropped into IMPORT_WATCH_DIR are imported once complete.

A sweep (a beat task every IMPORT_WATCH_SECONDS, or `manage.py watch_imports`):

1. lists the files waiting at the folder's top level (folders of their own are imported
   whole, as an upload would be), skipping hidden and temporary names (`.x`, `~x`, `x~`,
   `*.tmp`, `*.part`, `*.crdownload`, `*.swp`, `#x#`) and the folders it keeps;
2. keeps the complete ones: unchanged in size and modification time over
   IMPORT_WATCH_SETTLE_SECONDS (a file still being copied is left for the next sweep);
3. claims each by renaming it into `processing/` (atomic: two sweeps never take one file);
4. imports them as one ImportBatch, which archivists see on the imports pages;
5. moves each file to `done/`, or to `failed/` with `NAME.reason.txt` beside it saying why.

A worker killed mid-sweep leaves its files in `processing/`: the next sweep imports them
again, and since a file is saved whole or not at all and a dispatch already saved is a
duplicate, each is imported once. One sweep runs at a time (a PostgreSQL advisory lock).
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from articles.importing import FileReport, count_input_files, import_files
from articles.models import ImportBatch, Source

logger = logging.getLogger(__name__)

PROCESSING, DONE, FAILED = "processing", "done", "failed"
KEPT = frozenset({PROCESSING, DONE, FAILED})
# A fixed 64-bit advisory lock key: one watch-folder sweep at a time.
WATCH_SWEEP = 0x4E_65_77_73_57_61_74_63  # "NewsWatc"
_TEMPORARY = re.compile(r"^[.~#]|~$|#$|\.(?:tmp|temp|part|partial|crdownload|swp|download)$", re.I)


@dataclass
class SweepReport:
    batch_id: int | None = None
    imported: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # still being written


def is_temporary(name: str) -> bool:
    return bool(_TEMPORARY.search(name))


def _state(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    if path.is_dir():
        sizes = [(p.stat().st_size, p.stat().st_mtime_ns) for p in path.rglob("*") if p.is_file()]
        return sum(s for s, _ in sizes), max((m for _, m in sizes), default=info.st_mtime_ns)
    return info.st_size, info.st_mtime_ns


def candidates(folder: Path) -> list[Path]:
    """The entries waiting in the folder (not hidden, not temporary, not its own folders)."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.name not in KEPT and not is_temporary(path.name) and not path.is_symlink()
    )


def complete(paths: list[Path], settle: float) -> tuple[list[Path], list[Path]]:
    """Split entries into (complete, still changing): the same size and time after `settle`."""
    before = {path: _state(path) for path in paths}
    if paths and settle > 0:
        time.sleep(settle)
    ready, waiting = [], []
    for path in paths:
        now = _state(path)
        stale = now is not None and time.time() - now[1] / 1e9 >= settle
        (ready if now is not None and now == before[path] and stale else waiting).append(path)
    return ready, waiting


def _unique(target: Path) -> Path:
    """`target`, or `target` with a counter when a file of that name is already there."""
    if not target.exists():
        return target
    for number in range(1, 10_000):
        candidate = target.with_name(f"{target.stem}.{number}{target.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(target)


def _claim(path: Path, processing: Path) -> Path | None:
    target = _unique(processing / path.name)
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None  # another sweep took it
    return target


def _try_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [WATCH_SWEEP])
        return bool(cursor.fetchone()[0])


def _unlock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [WATCH_SWEEP])


def sweep(folder: Path | None = None, *, settle: float | None = None) -> SweepReport:
    """Import what is complete in the watch folder; see the module's docstring."""
    folder = Path(folder or settings.IMPORT_WATCH_DIR)
    settle = settings.IMPORT_WATCH_SETTLE_SECONDS if settle is None else settle
    report = SweepReport()
    if not folder.is_dir():
        raise FileNotFoundError(f"the watch folder {folder} does not exist: create it")
    if not _try_lock():
        logger.info("another sweep of %s is running", folder)
        return report
    try:
        _sweep(folder, settle, report)
    finally:
        _unlock()
    return report


def _sweep(folder: Path, settle: float, report: SweepReport) -> None:
    processing = folder / PROCESSING
    for name in KEPT:
        (folder / name).mkdir(exist_ok=True)
    ready, waiting = complete(candidates(folder), settle)
    report.waiting = [p.name for p in waiting]
    # Files a killed sweep left claimed come first: they are imported again, once.
    claimed = sorted(p for p in processing.iterdir() if not is_temporary(p.name))
    claimed += [t for t in (_claim(p, processing) for p in ready) if t is not None]
    if not claimed:
        return
    source = None
    if settings.IMPORT_WATCH_SOURCE:
        source, _ = Source.objects.get_or_create(name=settings.IMPORT_WATCH_SOURCE)
    batch = ImportBatch.objects.create(
        source=source or Source.objects.get_or_create(name="Dossier surveillé")[0],
        files_total=count_input_files(claimed),
    )
    report.batch_id = batch.pk
    results: dict[str, list[FileReport]] = {p.name: [] for p in claimed}

    def on_file(file_report: FileReport) -> None:
        top = file_report.name.split("/", 1)[0]
        results.setdefault(top, []).append(file_report)

    import_files(
        paths=claimed,
        names=[p.name for p in claimed],
        source=source,
        batch=batch,
        on_file=on_file,
    )
    for path in claimed:
        _file_away(folder, path, results.get(path.name, []), report)


def _file_away(folder: Path, path: Path, reports: list[FileReport], report: SweepReport) -> None:
    """Move a claimed entry to done/ or failed/ (with its reasons) after its import."""
    rejected = [r for r in reports if r.rejected]
    saved = any(not r.rejected for r in reports)
    where = DONE if saved or not reports else FAILED
    target = _unique(folder / where / path.name)
    os.rename(path, target)
    if rejected:
        lines = [f"{r.name}: {r.reason}" for r in rejected]
        target.with_name(target.name + ".reason.txt").write_text("\n".join(lines) + "\n", "utf-8")
    (report.imported if where == DONE else report.failed).append(path.name)
