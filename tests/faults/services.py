"""Throwaway Redis and PostgreSQL servers that fault tests may stop and restart."""

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

from tests.conftest import REPO

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, *, up: bool, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            is_up = sock.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.1)
    raise AssertionError(f"port {port} did not go {'up' if up else 'down'} in {timeout} s")


class RedisServer:
    """A redis-server on a free loopback port, without persistence."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, up=True)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        _wait_for_port(self.port, up=False)


class PostgresCluster:
    """A PostgreSQL cluster of its own, run as an unprivileged user when we are root."""

    def __init__(self):
        self.root = REPO / "var" / "faults" / uuid.uuid4().hex[:8]
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://newsroom@127.0.0.1:{self.port}/newsroom"

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        self.root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "newsroom",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "newsroom",
            "newsroom",
        )

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-w",
            "-m",
            "fast",
            "-o",
            options,
            "-l",
            str(self.root / "log"),
        )

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop")
        shutil.rmtree(self.root, ignore_errors=True)
