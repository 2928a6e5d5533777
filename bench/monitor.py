"""Resident memory and CPU time of every process the benchmarks care about, sampled by psutil.

A background thread samples RSS a few times a second and keeps each process's peak, both
for the whole run and since the last `mark()`. CPU seconds are read from the kernel's
per-process counters, so they are exact rather than sampled.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import psutil

MIB = 1024 * 1024


@dataclass
class Tracked:
    process: psutil.Process
    idle_rss: int = 0
    peak_rss: int = 0
    peak_since_mark: int = 0
    cpu_at_start: float = 0.0
    shared: bool = False


@dataclass
class ProcessMonitor:
    interval_seconds: float = 0.2
    _tracked: dict[str, Tracked] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def track(self, name: str, pid: int, *, shared: bool = False) -> None:
        """Follow a process; its current RSS is its idle baseline, its CPU counts from now."""
        process = psutil.Process(pid)
        rss = _rss(process)
        with self._lock:
            self._tracked[name] = Tracked(
                process=process,
                idle_rss=rss,
                peak_rss=rss,
                peak_since_mark=rss,
                cpu_at_start=_cpu(process),
                shared=shared,
            )

    def forget(self, name: str) -> None:
        with self._lock:
            self._tracked.pop(name, None)

    def names(self) -> list[str]:
        with self._lock:
            return list(self._tracked)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="bench-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            self.sample()

    def sample(self) -> None:
        with self._lock:
            for tracked in self._tracked.values():
                rss = _rss(tracked.process)
                tracked.peak_rss = max(tracked.peak_rss, rss)
                tracked.peak_since_mark = max(tracked.peak_since_mark, rss)

    def mark(self) -> None:
        """Start a new window for `peaks_since_mark`."""
        with self._lock:
            for tracked in self._tracked.values():
                tracked.peak_since_mark = _rss(tracked.process)

    def cpu_seconds(self) -> dict[str, float]:
        """User plus system CPU seconds each process has used since it was first tracked."""
        with self._lock:
            return {
                name: _cpu(tracked.process) - tracked.cpu_at_start
                for name, tracked in self._tracked.items()
            }

    def peaks_since_mark_mib(self) -> dict[str, float]:
        with self._lock:
            return {
                name: round(tracked.peak_since_mark / MIB, 1)
                for name, tracked in self._tracked.items()
            }

    def summary(self) -> dict[str, dict[str, float | bool]]:
        """Idle and peak RSS (MiB) and CPU seconds used, per process."""
        cpu = self.cpu_seconds()
        with self._lock:
            return {
                name: {
                    "idle_rss_mib": round(tracked.idle_rss / MIB, 1),
                    "peak_rss_mib": round(tracked.peak_rss / MIB, 1),
                    "cpu_seconds": round(cpu[name], 2),
                    "shared": tracked.shared,
                }
                for name, tracked in self._tracked.items()
            }

    def busy_fraction(self, names: list[str], window_seconds: float) -> float:
        """CPU used by `names` over a short window, as a fraction of one core."""
        before = self.cpu_seconds()
        time.sleep(window_seconds)
        after = self.cpu_seconds()
        used = sum(after.get(name, 0.0) - before.get(name, 0.0) for name in names)
        return used / window_seconds


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each process used between two `cpu_seconds()` readings."""
    return {name: round(after[name] - before.get(name, 0.0), 3) for name in after}


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.Error:
        return 0


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)
