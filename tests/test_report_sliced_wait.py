"""The sliced channel wait: a message that the first poll misses is still returned promptly,
and a real timeout still raises ``queue.Empty`` at its deadline."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from queue import Empty
from typing import Any

import pytest

from prkanalysis.report.execute import POLL_SLICE_S, _sliced


def _run(coro: Any) -> Any:
    """Run a coroutine on a fresh loop in its own thread (other tests may leave a loop running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class _Channel:
    """A fake async ``get_msg`` whose first ``misses`` polls time out although a message waits."""

    def __init__(self, misses: int) -> None:
        self.misses = misses
        self.timeouts: list[float | None] = []

    async def get_msg(self, timeout: float | None = None) -> dict[str, str]:
        self.timeouts.append(timeout)
        if self.misses > 0:
            self.misses -= 1
            raise Empty
        return {"msg": "reply"}


def test_missed_wakeups_cost_slices_not_the_whole_timeout() -> None:
    ch = _Channel(misses=3)
    got = _run(_sliced(ch.get_msg, slice_s=0.01)(timeout=600))
    assert got == {"msg": "reply"}
    assert len(ch.timeouts) == 4
    assert all(t is not None and t <= 0.01 for t in ch.timeouts)


def test_endless_wait_is_sliced_too() -> None:
    ch = _Channel(misses=2)
    assert _run(_sliced(ch.get_msg, slice_s=0.01)(timeout=None)) == {"msg": "reply"}
    assert all(t == 0.01 for t in ch.timeouts)


def test_a_real_timeout_still_raises_empty_at_the_deadline() -> None:
    ch = _Channel(misses=10**9)

    async def never(timeout: float | None = None) -> dict[str, str]:
        await asyncio.sleep(timeout or 0)
        return await ch.get_msg(timeout=0)

    start = time.monotonic()
    with pytest.raises(Empty):
        _run(_sliced(never, slice_s=0.02)(timeout=0.1))
    assert 0.09 <= time.monotonic() - start < 1.0


def test_default_slice_is_short() -> None:
    assert 0 < POLL_SLICE_S <= 1.0
