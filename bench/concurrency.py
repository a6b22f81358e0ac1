"""Concurrency: simultaneous searchers against the app served by gunicorn on loopback.

The server is the Procfile's (`gunicorn newsroom.wsgi --workers 2`) on the benchmark's
database and index. Searchers are threads with keep-alive HTTP connections and a
journalist's session cookie, cycling through the query mix for a bounded time: first
one searcher (the baseline), then eight.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import threading
import time
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client

from bench.environment import BENCH_DIR, REPO
from bench.measure import RssSampler, latency_summary
from bench.report import row

SEARCHERS = 8
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the app on a free loopback port."""

    def __init__(self):
        self.port = _free_port()
        self.log_path = BENCH_DIR / "logs" / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(REPO / ".venv" / "bin" / "gunicorn"),
                    "newsroom.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(WORKERS),
                    "--no-control-socket",
                ],
                cwd=REPO,
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def _session_cookie() -> str:
    from bench.search import journalist_client

    client: Client = journalist_client()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _searcher(port, paths, cookie, stop_at, latencies, errors, lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Host": "localhost"}
    index = 0
    while time.monotonic() < stop_at:
        path = paths[index % len(paths)]
        index += 1
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        elapsed = time.perf_counter() - start
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                errors.append(path)
    connection.close()


def _load(port: int, paths: list[str], cookie: str, searchers: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_searcher,
            args=(port, paths[i:] + paths[:i], cookie, stop_at, latencies, errors, lock),
        )
        for i in range(searchers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "searchers": searchers,
        "seconds": seconds,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "requests_per_s": round((len(latencies) + len(errors)) / seconds, 2),
        **latency_summary(latencies),
    }


def measure(mix: list, *, seconds: float, sampler: RssSampler) -> dict:
    """Serve the app with gunicorn and run 1 then 8 searchers against it."""
    from django.urls import reverse

    url = reverse("search:search")
    paths = [f"{url}?{urlencode(query.params())}" for query in mix]
    cookie = _session_cookie()
    server = Server()
    server.start()
    role = f"web process (gunicorn worker, {SEARCHERS} searchers)"
    sampler.watch(role, server.process.pid)
    try:
        _load(server.port, paths, cookie, 1, 5)  # warm both workers' searchers and tables
        _load(server.port, paths, cookie, WORKERS, 5)
        single = _load(server.port, paths, cookie, 1, max(10.0, seconds / 4))
        crowd = _load(server.port, paths, cookie, SEARCHERS, seconds)
    finally:
        server.stop()
    return {"workers": WORKERS, "single": single, "concurrent": crowd, "rss_role": role}


def rows(figures: dict) -> list[dict]:
    single, crowd = figures["single"], figures["concurrent"]
    label = f"{crowd['searchers']} searchers, gunicorn --workers {figures['workers']}"
    return [
        row(
            "concurrency",
            f"requests per second, {label}",
            unit="req/s",
            baseline=single["requests_per_s"],
            baseline_name="1 searcher",
            measured=crowd["requests_per_s"],
            note=f"{crowd['requests']} requests in {crowd['seconds']:g} s",
        ),
        row(
            "concurrency",
            f"p95 latency, {label}",
            unit="ms",
            baseline=single["p95_ms"],
            baseline_name="1 searcher p95",
            measured=crowd["p95_ms"],
            note=f"p50 {crowd['p50_ms']} ms, p99 {crowd['p99_ms']} ms",
        ),
        row(
            "concurrency",
            f"errors, {label}",
            unit="errors",
            measured=crowd["errors"],
            target="0",
            met=crowd["errors"] == 0 and single["errors"] == 0,
        ),
    ]
