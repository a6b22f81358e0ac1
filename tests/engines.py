"""The two search engines for the tests: a Whoosh index in a folder, an alias on the
project's own OpenSearch cluster (two nodes, started by scripts/opensearch.sh)."""

import functools
import subprocess
import uuid
from contextlib import contextmanager

import pytest
from django.test import override_settings
from haystack import connections

from search.engines import haystack_connections
from tests.conftest import REPO

ENGINES = ("whoosh", "opensearch")
WHOOSH_ENGINE = "search.backends.FrenchWhooshEngine"
CLUSTER_NODES = 2


@functools.cache
def opensearch_base_url() -> str:
    """Start (or reuse) the cluster; return its opensearch://host:port URL, no alias."""
    return start_cluster()


def start_cluster() -> str:
    """Start the nodes that are not running; return the cluster's URL, no alias."""
    try:
        started = subprocess.run(
            ["bash", "scripts/opensearch.sh", "start", "--nodes", str(CLUSTER_NODES)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=900,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"scripts/opensearch.sh start did not finish: {error}", pytrace=False)
    lines = [line for line in started.stdout.splitlines() if line.startswith("SEARCH_URL=")]
    if started.returncode or not lines:
        pytest.fail(
            f"scripts/opensearch.sh start failed ({started.returncode}):\n{started.stderr}",
            pytrace=False,
        )
    return lines[-1].removeprefix("SEARCH_URL=").rsplit("/", 1)[0]


def stop_cluster() -> None:
    """Stop every node (the fault tests); start_cluster brings them back on the same ports."""
    subprocess.run(["bash", "scripts/opensearch.sh", "stop"], cwd=REPO, check=True, timeout=120)


def node_pid(number: int) -> int:
    """The process id of the cluster's node `number` (node 1 is the cluster manager)."""
    pid_file = REPO / "var" / "opensearch" / f"cluster-{CLUSTER_NODES}" / f"node-{number}" / "pid"
    return int(pid_file.read_text())


def opensearch_url(alias: str | None = None) -> str:
    """A SEARCH_URL for an alias of the test's own on the cluster."""
    return f"{opensearch_base_url()}/{alias or new_alias()}"


def new_alias() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


@contextmanager
def search_connection(conf: dict):
    """Point haystack's connections at `conf` for a while; yield the default backend."""
    previous = connections.connections_info
    try:
        with override_settings(HAYSTACK_CONNECTIONS=conf):
            connections.connections_info = conf
            connections.reload("default")
            yield connections["default"].get_backend()
    finally:
        connections.connections_info = previous
        connections.reload("default")


def whoosh_index(path):
    """Point haystack's default connection at a Whoosh index in `path` for a while."""
    return search_connection({"default": {"ENGINE": WHOOSH_ENGINE, "PATH": str(path)}})


@contextmanager
def opensearch_index(url: str):
    """Point haystack at an alias on the cluster for a while; delete its indices after."""
    with search_connection(haystack_connections(url)) as backend:
        try:
            yield backend
        finally:
            drop_alias_indices(backend)


def drop_alias_indices(backend) -> None:
    found = backend.conn.indices.get(index=f"{backend.index_name}*", expand_wildcards="all")
    if found:
        backend.conn.indices.delete(index=",".join(sorted(found)))


@contextmanager
def engine_index(engine: str, folder):
    """An empty index of `engine`'s own (a folder for Whoosh, an alias on OpenSearch)."""
    if engine == "whoosh":
        with whoosh_index(folder) as backend:
            yield backend
    else:
        with opensearch_index(opensearch_url()) as backend:
            yield backend


def search_url_of(backend) -> str:
    """The SEARCH_URL another process needs to use the same index as `backend`."""
    if hasattr(backend, "path"):
        return f"whoosh://{backend.path}"
    return f"{opensearch_base_url()}/{backend.index_name}"
