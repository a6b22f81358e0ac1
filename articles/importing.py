"""Import service: files, folders and zips of dispatches -> saved articles."""

import hashlib
import logging
import re
import stat
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone

from articles import formats
from articles.formats import FormatError, WireItem
from articles.models import Article, ImportBatch, ImportFileResult, Source, Story
from articles.signals import announce_changed
from articles.stories import version_fields

logger = logging.getLogger(__name__)

UNKNOWN_SOURCE = "Inconnue"
# Long enough to ride out a PostgreSQL restart.
DATABASE_RETRY_DELAYS = (0.5, 1, 2, 4, 8)


@dataclass
class FileReport:
    name: str
    encoding: str = ""
    format: str = ""
    article_ids: list[int] = field(default_factory=list)
    untagged_ids: list[int] = field(default_factory=list)  # not French: grouped, not tagged
    duplicates: int = 0
    reason: str = ""

    @property
    def rejected(self) -> bool:
        return bool(self.reason)


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def articles_created(self) -> int:
        return sum(len(f.article_ids) for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.rejected]


@dataclass(frozen=True)
class InputFile:
    """One file to import: its bytes, or the reason it cannot be read."""

    name: str
    data: bytes = b""
    reason: str = ""


def _too_big(size: int) -> str:
    limit = settings.IMPORT_MAX_FILE_BYTES
    return (
        f"the file is {size / 1_048_576:.1f} MB, over the {limit / 1_048_576:.0f} MB limit: "
        "split it into smaller files"
    )


def _read_path(path: Path, name: str) -> Iterator[InputFile]:
    if path.is_symlink():
        yield InputFile(name, reason="symbolic links are not imported: copy the file itself")
        return
    size = path.stat().st_size
    if zipfile.is_zipfile(path):
        yield from _read_zip(path, name)
    elif size > settings.IMPORT_MAX_FILE_BYTES:
        yield InputFile(name, reason=_too_big(size))
    else:
        yield InputFile(name, path.read_bytes())


def _unsafe_member(member: zipfile.ZipInfo) -> str:
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    if (
        member.filename.startswith(("/", "\\"))
        or ".." in parts
        or re.match(r"^[A-Za-z]:", member.filename)
    ):
        return "unsafe path in the archive (absolute or with '..'): not extracted"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "symbolic link in the archive: not extracted"
    return ""


def _read_zip(path: Path, name: str) -> Iterator[InputFile]:
    """Yield a zip's members without extracting anything to disk, within the limits."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        yield InputFile(name, reason=f"damaged zip archive ({error}): create it again")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
            yield InputFile(
                name,
                reason=f"the archive holds {len(members)} files, over the limit of "
                f"{settings.IMPORT_MAX_ZIP_MEMBERS}: split it into several archives",
            )
            return
        declared = sum(m.file_size for m in members)
        if declared > settings.IMPORT_MAX_ZIP_BYTES:
            yield InputFile(
                name,
                reason=f"the archive unpacks to {declared / 1_048_576:.0f} MB, over the "
                f"{settings.IMPORT_MAX_ZIP_BYTES / 1_048_576:.0f} MB limit: split it",
            )
            return
        unpacked = 0
        for member in sorted(members, key=lambda m: m.filename):
            member_name = f"{name}/{member.filename}"
            if reason := _unsafe_member(member):
                yield InputFile(member_name, reason=reason)
                continue
            if member.filename.lower().endswith(".zip"):
                yield InputFile(member_name, reason="nested archive: unzip it and import its files")
                continue
            if member.file_size > settings.IMPORT_MAX_FILE_BYTES:
                yield InputFile(member_name, reason=_too_big(member.file_size))
                continue
            try:
                with archive.open(member) as stream:
                    # Headers can lie about sizes: never read past the limit.
                    data = stream.read(settings.IMPORT_MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
                yield InputFile(member_name, reason=f"cannot be read from the archive: {error}")
                continue
            if len(data) > settings.IMPORT_MAX_FILE_BYTES:
                yield InputFile(member_name, reason=_too_big(len(data)))
                continue
            unpacked += len(data)
            if unpacked > settings.IMPORT_MAX_ZIP_BYTES:
                yield InputFile(
                    member_name, reason="the archive unpacks past its size limit: split it"
                )
                return
            yield InputFile(member_name, data)


def iter_input_files(
    paths: Sequence[Path], *, names: Sequence[str] | None = None
) -> Iterator[InputFile]:
    """Expand files, folders (recursively) and zips into the files to import."""
    for index, path in enumerate(paths):
        name = names[index] if names else str(path)
        if not path.exists():
            yield InputFile(name, reason="no such file or folder")
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield from _read_path(child, f"{name}/{child.relative_to(path)}")
        else:
            yield from _read_path(path, name)


def _count_path(path: Path) -> int:
    if path.is_file() and not path.is_symlink() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                members = sum(1 for m in archive.infolist() if not m.is_dir())
        except (zipfile.BadZipFile, OSError):
            return 1
        return members if members <= settings.IMPORT_MAX_ZIP_MEMBERS else 1
    return 1


def count_input_files(paths: Sequence[Path]) -> int:
    """Count, without reading them, the files an import will report on."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(
                _count_path(child)
                for child in path.rglob("*")
                if (child.is_file() or child.is_symlink())
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
        else:
            total += _count_path(path)
    return total


def content_hash(dispatch: WireItem) -> str:
    """Hash a dispatch's words so the same dispatch re-imported is recognised."""
    canonical = unicodedata.normalize("NFC", f"{dispatch.title}\n{dispatch.body}")
    canonical = " ".join(canonical.split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _aware(moment):
    """A dateline's time: as given when it names its zone (GMT), else the archive's zone."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _source_named(name: str, cache: dict[str, Source]) -> Source:
    if name not in cache:
        cache[name], _ = Source.objects.get_or_create(name=name)
    return cache[name]


def _article_fields(item: WireItem, source: Source) -> dict:
    """An article's fields from a read item: text, dates, version and what the wire says."""
    fields = version_fields(
        item.title,
        item.body,
        derived=item.title_derived,
        slug=item.slug,
        overrides=source.version_markers,
    )
    if item.annulled:
        fields["version_kind"] = Article.VersionKind.ANNULMENT
    published_at = _aware(item.published_at)
    published_on = item.published or (
        timezone.localtime(published_at).date() if published_at else None
    )
    language = (item.language or "fr").lower()[:8]
    return fields | {
        "byline": item.byline[:500],
        "dateline_place": item.dateline_place[:200],
        "published_on": published_on,
        "published_at": published_at,
        "guid": item.guid[:300],
        "item_version": item.version if item.version and item.version > 0 else None,
        "urgency": item.urgency if item.urgency is not None and item.urgency >= 0 else None,
        "slug": item.slug[:300],
        "subjects": [[code, name] for code, name in item.subjects],
        "genre": item.genre[:100],
        "language": language,
        "wire_status": item.status[:20],
        # Only French dispatches go through the French tagger.
        "tagging_status": Article.Tagging.PENDING if language == "fr" else Article.Tagging.SKIPPED,
    }


def _save_dispatches(
    dispatches: list[WireItem],
    *,
    report: FileReport,
    source: Source | None,
    batch: ImportBatch | None,
) -> None:
    sources: dict[str, Source] = {}
    rows: dict[tuple[int, str], Article] = {}
    for dispatch in dispatches:
        article_source = source or _source_named(dispatch.agency or UNKNOWN_SOURCE, sources)
        key = (article_source.pk, content_hash(dispatch))
        if key in rows:
            report.duplicates += 1
            continue
        rows[key] = Article(
            source=article_source,
            **_article_fields(dispatch, article_source),
            body=dispatch.body,
            source_format=report.format or "plaintext",
            content_hash=key[1],
            import_batch=batch,
            source_file=report.name[:500],
        )
    existing = set()
    for source_id in {source_id for source_id, _ in rows}:
        hashes = [h for s, h in rows if s == source_id]
        existing.update(
            (source_id, h)
            for h in Article.objects.filter(
                source_id=source_id, content_hash__in=hashes
            ).values_list("content_hash", flat=True)
        )
    new = [article for key, article in rows.items() if key not in existing]
    report.duplicates += len(rows) - len(new)
    with transaction.atomic():
        # A story of its own each; grouping (in the workers) then joins versions together.
        stories = Story.objects.bulk_create([Story() for _ in new])
        for article, story in zip(new, stories, strict=True):
            article.story = story
        created = Article.objects.bulk_create(new)
        report.article_ids = [article.pk for article in created]
        report.untagged_ids = [a.pk for a in created if a.tagging_status == Article.Tagging.SKIPPED]
        announce_changed(report.article_ids)


def import_one(
    item: InputFile, *, source: Source | None, batch: ImportBatch | None, encoding: str = "auto"
) -> FileReport:
    """Decode, parse and save one file; a rejected file says why and saves nothing."""
    report = FileReport(item.name, reason=item.reason)
    if report.rejected:
        return report
    try:
        result = formats.read(item.data, name=item.name, encoding=encoding)
    except FormatError as error:
        report.reason = str(error)
        return report
    report.encoding, report.format = result.encoding[:40], result.format
    dispatches = result.items
    if not dispatches:
        report.reason = "no dispatch found: a dispatch needs a body of text"
        return report
    for attempt in range(2):
        try:
            _save_dispatches(dispatches, report=report, source=source, batch=batch)
            break
        except IntegrityError:
            # Another import saved one of these dispatches meanwhile: look again.
            report.duplicates = 0
            if attempt:
                raise
    return report


def _import_with_retries(
    item: InputFile, *, source: Source | None, batch: ImportBatch | None, encoding: str
) -> FileReport:
    """Import one file, waiting out a database restart before reporting it as failed."""
    for delay in (*DATABASE_RETRY_DELAYS, None):
        try:
            return import_one(item, source=source, batch=batch, encoding=encoding)
        except (OperationalError, InterfaceError) as error:
            if not connection.in_atomic_block:
                close_old_connections()  # reconnect on the next query
            if delay is None:
                return FileReport(
                    item.name, reason=f"the database was unreachable ({error}): import it again"
                )
            logger.warning("database unreachable importing %s, retrying: %s", item.name, error)
            time.sleep(delay)
        except Exception as error:
            logger.exception("import of %s failed", item.name)
            return FileReport(item.name, reason=f"could not be saved ({error}): import it again")
    raise AssertionError("unreachable")


def _record(batch: ImportBatch, report: FileReport) -> None:
    ImportFileResult.objects.create(
        batch=batch,
        name=report.name[:500],
        status=ImportFileResult.Status.REJECTED
        if report.rejected
        else ImportFileResult.Status.IMPORTED,
        encoding=report.encoding,
        format=report.format,
        articles_created=len(report.article_ids),
        duplicates=report.duplicates,
        reason=report.reason,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        files_done=F("files_done") + 1,
        files_rejected=F("files_rejected") + int(report.rejected),
        articles_created=F("articles_created") + len(report.article_ids),
        duplicates=F("duplicates") + report.duplicates,
    )


def import_files(
    *,
    paths: Sequence[Path],
    source: Source | None = None,
    batch: ImportBatch | None = None,
    encoding: str = "auto",
    names: Sequence[str] | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> ImportReport:
    """Import files, folders and zips; one bad file never stops the others."""
    from articles.tagging import enqueue_grouping, enqueue_tagging

    report = ImportReport()
    if batch is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    # Saved articles are queued for tagging in full batches as the import goes (a zip of
    # one-dispatch files would otherwise make one task per article), the rest at the end.
    untagged: list[int] = []
    size = settings.TAGGING_BATCH_SIZE
    try:
        for item in iter_input_files(paths, names=names):
            file_report = _import_with_retries(item, source=source, batch=batch, encoding=encoding)
            skipped = set(file_report.untagged_ids)
            untagged += [pk for pk in file_report.article_ids if pk not in skipped]
            if file_report.untagged_ids:
                # Not French: no tagging, but grouping (which the tagging task also does).
                enqueue_grouping(file_report.untagged_ids)
            if len(untagged) >= size:
                full = len(untagged) - len(untagged) % size
                enqueue_tagging(untagged[:full])
                del untagged[:full]
            if batch is not None:
                _record(batch, file_report)
            report.files.append(file_report)
            if on_file:
                on_file(file_report)
    finally:
        enqueue_tagging(untagged)
    if batch is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.DONE, finished_at=timezone.now(), files_total=F("files_done")
        )
    return report
