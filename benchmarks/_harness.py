"""Small helpers shared by the benchmarks: stage timing with progress lines, peak-RSS sampling.

Peak memory is measured by sampling the resident set size (``psutil``) of this process (and,
optionally, of other processes such as Dask workers) in a background thread every few
milliseconds; ``tracemalloc`` would slow the numpy kernels down by orders of magnitude.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil

T0 = time.perf_counter()


def log(msg: str) -> None:
    """Print one progress line with the seconds elapsed since the benchmark started."""
    print(f"[{time.perf_counter() - T0:8.1f} s] {msg}", flush=True)


def rss(pids: list[int] | None = None) -> int:
    """Resident set size in bytes of this process, or the sum over ``pids``."""
    if not pids:
        return psutil.Process().memory_info().rss
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            pass
    return total


@dataclass
class PeakRSS:
    """Samples the RSS in a thread; ``peak`` and ``start`` are in bytes."""

    interval_s: float = 0.005
    pids_fn: Callable[[], list[int]] | None = None
    start: int = 0
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _pids(self) -> list[int] | None:
        return self.pids_fn() if self.pids_fn is not None else None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss(self._pids()))
            time.sleep(self.interval_s)

    def __enter__(self) -> PeakRSS:
        self.start = rss(self._pids())
        self.peak = self.start
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, rss(self._pids()))

    @property
    def delta(self) -> int:
        """Peak RSS above the RSS at entry, in bytes."""
        return self.peak - self.start


@contextmanager
def stage(name: str, times: dict[str, float]) -> Iterator[None]:
    """Time a stage, print its start and end lines, store its seconds in ``times[name]``."""
    log(f"{name} ...")
    t = time.perf_counter()
    yield
    times[name] = time.perf_counter() - t
    log(f"{name} done in {times[name]:.2f} s")
