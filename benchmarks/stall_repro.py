"""Try to reproduce the intermittent headless stall with plain nbclient (bounded in time).

The stall (issue 11, item 8): a chapter run headless with plain ``nbclient`` (0.11) and
``ipykernel`` (7.4, also seen on 6.31) sometimes waits exactly the per-cell timeout on a cell
that has already finished, then completes correctly. The report's executor avoids it by
slicing the client's channel waits (``prkanalysis.report.execute.make_client``).

This script executes a small synthetic notebook (prints, small matplotlib figures, short
sleeps of varying length, a burst of stream output) ``--runs`` times in fresh kernels with a
short ``--timeout`` per cell, with plain ``NotebookClient`` and (``--sliced``) with the
project's sliced client, and reports, per run, every cell whose client-side wall time exceeds
the kernel-side execution time (``execute_input`` -> ``execute_reply`` header dates) by more
than ``--slack`` seconds: a reply that reached the client socket but was not read. A stalled
cell costs up to ``--timeout`` seconds; the whole script stops starting new runs after
``--max-seconds``.

Run: ``python benchmarks/stall_repro.py --runs 8 --timeout 20`` (and ``--sliced`` to compare;
``--long`` adds multi-second and big-output cells, ``--parallel 2`` runs kernels at once as
the report does, ``--chapter notebooks/00-evidence.py`` executes a real chapter).
Output: one line per run (cells, stalls, seconds) and a total. Exit code 0 always (a
measurement, not a test).

Tried (29 Nov 2026; nbclient 0.11.0, ipykernel 7.4.0, jupyter_client 8.10.0, pyzmq 27.3.0,
libzmq 4.3.5, TCP transport, plain ``NotebookClient``): 10 runs x 33 synthetic cells, 8 runs x
34 cells with ``--long --parallel 2``, 6 runs of chapter 00 with ``--parallel 2``: 734 cells,
no stall. What the original stalls show (the wait ended exactly at the poll timeout, and the
reply was then read at once) points to a missed wake-up of the client's ``zmq.asyncio`` poll
on the edge-triggered ``ZMQ_FD`` (the class of pyzmq issue 2173); reading pyzmq 27.3's
``zmq/_future.py`` found no path that loses a wake-up within one event loop, so the cause is
not pinned down. The sliced waits of ``prkanalysis.report.execute`` bound its cost.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat

CELLS = [
    "import time, sys\nimport numpy as np\nimport matplotlib\nimport matplotlib.pyplot as plt",
    "x = np.linspace(0, 1, 200)\nprint(x.sum())",
    "for i in range(200):\n    print(i, end=' ')\nsys.stdout.flush()",
    "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot(x, np.sin(9 * x))\nplt.show()",
    "time.sleep(0.05)\n1 + 1",
    "np.linalg.eigvals(np.random.default_rng(0).normal(size=(300, 300))).real.max()",
    "time.sleep(0.3)\nprint('slept')",
    "import pandas as pd\npd.DataFrame({'a': range(50)}).describe()",
    "print('err', file=sys.stderr)\n'done'",
]
#: With ``--long``: cells that keep the client waiting seconds for the reply, big outputs.
LONG_CELLS = [
    "time.sleep(2.5)\nprint('long')",
    "fig, axs = plt.subplots(3, 3, figsize=(9, 7))\nfor a in axs.flat:\n"
    "    a.plot(np.random.default_rng(1).normal(size=5000))\nplt.show()",
    "s = 0.0\nfor i in range(3_000_000):\n    s += i\ns",
]


def make_notebook(repeats: int, long: bool = False) -> Any:
    """The synthetic notebook: :data:`CELLS` (and :data:`LONG_CELLS`) repeated ``repeats``
    times (first cell once)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELLS[0])]
    for _ in range(repeats):
        nb.cells += [nbformat.v4.new_code_cell(c) for c in CELLS[1:]]
        if long:
            nb.cells += [nbformat.v4.new_code_cell(c) for c in LONG_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def chapter_notebook(path: Path) -> Any:
    """A real chapter (jupytext py:percent), as the report reads it."""
    import jupytext

    return jupytext.read(path)


def _as_dt(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def run_once(nb: Any, timeout: int, sliced: bool, slack: float,
             cwd: Path | None = None) -> tuple[int, list[str], float]:
    """Execute ``nb`` once; return (cells, stall descriptions, seconds)."""
    from nbclient import NotebookClient

    where = cwd if cwd is not None else Path(__file__).parent
    if sliced:
        from prkanalysis.report.execute import make_client

        client = make_client(nb, where / "x.py", timeout=timeout, allow_errors=True)
    else:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                record_timing=True, allow_errors=True,
                                resources={"metadata": {"path": str(where)}})
    client.record_timing = True
    walls: dict[int, float] = {}
    original = client.async_execute_cell

    async def timed(cell: Any, cell_index: int, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return await original(cell, cell_index, *args, **kwargs)
        finally:
            walls[cell_index] = time.perf_counter() - t0

    client.async_execute_cell = timed  # type: ignore[method-assign]
    t0 = time.perf_counter()
    client.execute()
    stalls = []
    for i, cell in enumerate(nb.cells):
        ex = cell.get("metadata", {}).get("execution", {})
        start, end = _as_dt(ex.get("iopub.execute_input")), _as_dt(ex.get("shell.execute_reply"))
        kernel_s = (end - start).total_seconds() if start and end else 0.0
        if walls.get(i, 0.0) - kernel_s > slack:
            stalls.append(f"cell {i}: wall {walls[i]:.1f} s, kernel {kernel_s:.2f} s "
                          f"({cell.source.splitlines()[0][:40]!r})")
    return len(nb.cells), stalls, time.perf_counter() - t0


def main() -> None:
    """Parse the options, run, print one line per run and a total."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=4, help="copies of the cell block")
    ap.add_argument("--timeout", type=int, default=20, help="per-cell timeout, seconds")
    ap.add_argument("--slack", type=float, default=3.0, help="seconds of unexplained wait")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    ap.add_argument("--sliced", action="store_true", help="use the project's sliced client")
    ap.add_argument("--long", action="store_true", help="add multi-second and big-output cells")
    ap.add_argument("--parallel", type=int, default=1, help="runs at once (processes)")
    ap.add_argument("--chapter", type=Path, default=None,
                    help="execute this chapter (notebooks/NN-name.py) instead")
    args = ap.parse_args()
    if hasattr(asyncio, "WindowsSelectorEventLoopPolicy"):  # pragma: no cover
        pass
    import ipykernel
    import jupyter_client
    import nbclient
    import zmq

    print(f"nbclient {nbclient.__version__}, ipykernel {ipykernel.__version__}, jupyter_client "
          f"{jupyter_client.__version__}, pyzmq {zmq.__version__} (libzmq {zmq.zmq_version()}); "
          f"client: {'sliced' if args.sliced else 'plain NotebookClient'}")
    start = time.perf_counter()
    total_cells = total_stalls = runs = 0
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        while runs < args.runs:
            if time.perf_counter() - start > args.max_seconds:
                print(f"stopping after {runs} runs: --max-seconds reached")
                break
            batch = min(max(1, args.parallel), args.runs - runs)
            def notebook() -> Any:
                if args.chapter is not None:
                    return chapter_notebook(args.chapter)
                return make_notebook(args.repeats, args.long)

            cwd = args.chapter.resolve().parent if args.chapter is not None else None
            jobs = [pool.submit(run_once, notebook(), args.timeout, args.sliced, args.slack,
                                cwd) for _ in range(batch)]
            for job in jobs:
                cells, stalls, secs = job.result()
                runs += 1
                total_cells += cells
                total_stalls += len(stalls)
                print(f"run {runs}: {cells} cells, {len(stalls)} stall(s), {secs:.1f} s",
                      flush=True)
                for s in stalls:
                    print(f"    {s}", flush=True)
    print(f"total: {runs} runs, {total_cells} cells, {total_stalls} stalled cell(s), "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
