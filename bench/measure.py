"""Timing, percentiles and memory: the measuring tools every benchmark shares."""

from __future__ import annotations

import concurrent.futures
import importlib
import multiprocessing
import resource
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import psutil

MB = 1024 * 1024


def percentile(samples: Iterable[float], q: float) -> float:
    """Return the q-th percentile (0-100) of the samples, linearly interpolated."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(seconds: list[float]) -> dict[str, float]:
    """Summarise latencies in milliseconds: p50, p95, p99, mean and the sample count."""
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(sum(ms) / len(ms), 2) if ms else float("nan"),
        "samples": len(ms),
    }


def own_peak_rss_mb() -> float:
    """Return this process's peak resident memory so far (VmHWM: reset by exec, unlike
    getrusage, which a spawned child inherits from its parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class RssSampler:
    """Poll the resident memory of process trees in a thread; keep each role's peak.

    A role's peak is the largest single process in its tree (a prefork worker's
    children each hold their own model), not the sum.
    """

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.peaks: dict[str, float] = {}
        self._roots: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, role: str, pid: int) -> None:
        self._roots[role] = pid
        self.peaks.setdefault(role, 0.0)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {role: round(peak / MB, 1) for role, peak in self.peaks.items()}

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for role, pid in list(self._roots.items()):
                try:
                    root = psutil.Process(pid)
                    tree = [root, *root.children(recursive=True)]
                except psutil.Error:
                    continue
                for process in tree:
                    try:
                        rss = process.memory_info().rss
                    except psutil.Error:
                        continue
                    self.peaks[role] = max(self.peaks[role], rss)


def run_isolated(target: str, **kwargs) -> dict:
    """Run `module:function(**kwargs)` in a fresh spawned process and return its result.

    The child never loaded spaCy or the parent's data, so its peak memory is that of a
    web process or an index worker doing the same job; it is added as `peak_rss_mb`.
    """
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_child, target, kwargs).result()


def _child(target: str, kwargs: dict) -> dict:
    import django

    django.setup()
    module, function = target.split(":")
    result = getattr(importlib.import_module(module), function)(**kwargs)
    result["peak_rss_mb"] = own_peak_rss_mb()
    return result


class Stopwatch:
    """Measure a block's wall time: `with Stopwatch() as watch: ...; watch.seconds`."""

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def elapsed(self) -> float:
        """Seconds since the block began (inside it)."""
        return time.perf_counter() - self._start

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start
