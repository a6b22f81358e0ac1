"""`--keep-archive`: a run reuses an archive only when a complete load of the same corpus,
under the same schema, left its mark."""

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from bench import environment
from bench.__main__ import parse_args


@pytest.fixture
def services(db):
    params = connection.get_connection_params()
    url = make_conninfo(
        **{k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)}
    )
    yield environment.BenchServices(url, params["dbname"], "redis://unused/0", None)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {environment.ARCHIVE_MARK}")


def test_an_archive_is_kept_only_for_the_corpus_and_schema_it_was_loaded_with(services):
    fingerprint = environment.archive_fingerprint(1000, 7, 3)
    assert any(m.startswith("articles.") for m in fingerprint["migrations"])
    assert environment.kept_archive(services, fingerprint) is None  # never marked

    loaded = {"imported": 1000, "import_s": 2.5, "loaded_at": "2026-12-02T10:00:00+00:00"}
    environment.mark_archive(services, fingerprint, loaded)
    assert environment.kept_archive(services, fingerprint) == loaded
    assert environment.kept_archive(services, {**fingerprint, "seed": 8}) is None
    newer_schema = {**fingerprint, "migrations": [*fingerprint["migrations"], "articles.9999_x"]}
    assert environment.kept_archive(services, newer_schema) is None

    reloaded = {**loaded, "import_s": 3.0}
    environment.mark_archive(services, fingerprint, reloaded)  # a new load replaces the mark
    assert environment.kept_archive(services, fingerprint) == reloaded


def test_no_database_means_nothing_to_keep(services):
    url = make_conninfo(services.database_url, dbname="newsroom_bench_absent")
    missing = environment.BenchServices(url, "newsroom_bench_absent", "", None)
    assert environment.kept_archive(missing, environment.archive_fingerprint(1, 1, 1)) is None


def test_keeping_the_archive_refuses_the_phases_that_load_it(capsys):
    options = parse_args(["--size", "1000", "--only", "index,search", "--keep-archive"])
    assert options.keep_archive and options.phases == ("index", "search")
    for phases in ("ingest,search", "stories"):
        with pytest.raises(SystemExit):
            parse_args(["--only", phases, "--keep-archive"])
        assert "without ingest and stories" in capsys.readouterr().err
