"""Execute one chapter notebook from a clean kernel.

A chapter is a jupytext ``py:percent`` file (``notebooks/NN-name.py``). It is read with
jupytext, executed top to bottom by nbclient in a fresh kernel whose interpreter is the one
running the build (``sys.executable -m ipykernel_launcher``, whatever kernelspecs the machine
has installed), with the chapter's folder as working directory and ``MPLBACKEND=Agg``.

The result is an :class:`ExecutionOutcome`: the executed notebook (outputs in place, up to
the failing cell if one failed), the wall-clock seconds, and a :class:`CellFailure` that
names the cell (index and source excerpt) and carries the plain-text traceback.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from prkanalysis.errors import PrkError
from prkanalysis.report import inline

#: Default per-cell timeout in seconds (override with ``PRKANALYSIS_CELL_TIMEOUT``).
DEFAULT_CELL_TIMEOUT = 600

#: Kernel name written into the executed notebooks.
KERNEL_NAME = "python3"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CHAPTER = re.compile(r"^\d{2}-[A-Za-z0-9_.-]+\.py$")


def strip_ansi(text: str) -> str:
    r"""Remove ANSI colour escapes (IPython tracebacks are coloured).

    Example:
        >>> strip_ansi("\x1b[0;31mValueError\x1b[0m: bad")
        'ValueError: bad'
    """
    return _ANSI.sub("", text)


def is_chapter_file(path: Path) -> bool:
    """Whether ``path`` names a chapter: ``NN-name.py`` (two digits, a dash, a name).

    Example:
        >>> is_chapter_file(Path("01-five-year-history.py")), is_chapter_file(Path("util.py"))
        (True, False)
    """
    return bool(_CHAPTER.match(path.name))


def find_chapters(notebooks_dir: Path, only: list[str] | None = None) -> list[Path]:
    """List the chapter files of ``notebooks_dir`` in chapter order.

    Args:
        notebooks_dir: Folder holding ``NN-name.py`` files.
        only: Optional chapter stems (``"01-five-year-history"``) or number prefixes
            (``"01"``) to keep; an unknown name is an error.

    Returns:
        The chapter paths sorted by file name.

    Raises:
        PrkError: If the folder is missing or a name in ``only`` matches no chapter.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> for n in ("01-b.py", "00-a.py", "helpers.py"):
        ...     _ = (d / n).write_text("")
        >>> [p.name for p in find_chapters(d)]
        ['00-a.py', '01-b.py']
    """
    if not notebooks_dir.is_dir():
        raise PrkError(f"notebooks folder not found: {notebooks_dir}")
    chapters = sorted(p for p in notebooks_dir.iterdir() if p.is_file() and is_chapter_file(p))
    if not only:
        return chapters
    kept: list[Path] = []
    for name in only:
        stem = Path(name).stem if name.endswith(".py") else name
        match = [p for p in chapters if p.stem == stem or p.stem.split("-", 1)[0] == stem]
        if not match:
            known = ", ".join(p.stem for p in chapters) or "none"
            raise PrkError(f"--only {name!r}: no such chapter in {notebooks_dir} (known: {known})")
        kept.extend(p for p in match if p not in kept)
    return sorted(kept)


@dataclass(frozen=True)
class CellFailure:
    """Where and how a chapter failed.

    Attributes:
        chapter: Chapter stem.
        cell_index: 0-based index of the failing cell in the notebook.
        source_excerpt: The first lines of the failing cell's source.
        ename: Exception class name.
        evalue: Exception message.
        traceback: Plain-text traceback (ANSI colours removed).
    """

    chapter: str
    cell_index: int
    source_excerpt: str
    ename: str
    evalue: str
    traceback: str

    def summary(self) -> str:
        """Multi-line human-readable description naming chapter, cell and error."""
        excerpt = "\n".join("    | " + line for line in self.source_excerpt.splitlines())
        first = next((ln.strip() for ln in self.source_excerpt.splitlines() if ln.strip()), "")
        where = f"cell {self.cell_index}" + (f" ({first[:60]})" if first else "")
        return (
            f"chapter {self.chapter}: {where} raised {self.ename}: {self.evalue}\n"
            f"  cell source:\n{excerpt}\n  traceback:\n{self.traceback}"
        )


@dataclass(frozen=True)
class ExecutionOutcome:
    """An executed chapter.

    Attributes:
        notebook: The executed ``nbformat`` notebook (outputs filled in).
        seconds: Wall-clock execution time, kernel start included.
        failure: ``None`` when every cell ran, else where it failed.
    """

    notebook: Any = field(repr=False)
    seconds: float
    failure: CellFailure | None = None

    @property
    def ok(self) -> bool:
        """True when every cell executed."""
        return self.failure is None


class Executor(Protocol):
    """Signature of a chapter executor (the real one is :func:`execute_chapter`)."""

    def __call__(self, path: Path, *, timeout: int = ...) -> ExecutionOutcome:
        """Execute the chapter at ``path``."""
        ...


def read_chapter(path: Path) -> Any:
    r"""Read a ``py:percent`` chapter into an nbformat v4 notebook with the python3 kernelspec.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "00-x.py"
        >>> _ = p.write_text("# %% [markdown]\n# # Title\n\n# %%\nx = 1\n")
        >>> nb = read_chapter(p)
        >>> [c.cell_type for c in nb.cells], nb.metadata.kernelspec.name
        (['markdown', 'code'], 'python3')
    """
    import jupytext

    try:
        nb = jupytext.read(path, fmt="py:percent")
    except Exception as exc:  # jupytext raises assorted errors on malformed text
        raise PrkError(f"cannot read chapter {path.name}: {exc}") from exc
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3 (prkanalysis)",
        "language": "python",
    }
    return nb


def source_excerpt(source: str, max_lines: int = 8) -> str:
    r"""The first ``max_lines`` lines of a cell source, with an ellipsis line if cut.

    Example:
        >>> source_excerpt("a\nb\nc", max_lines=2)
        'a\nb\n...'
    """
    lines = source.splitlines()
    cut = lines[:max_lines]
    if len(lines) > max_lines:
        cut.append("...")
    return "\n".join(cut)


def _kernel_manager(ipc_dir: str | None = None) -> Any:
    """An async kernel manager that always launches *this* interpreter's ipykernel.

    With ``ipc_dir`` the kernel talks over Unix-domain sockets in that folder instead of TCP on
    localhost (headless runs here saw kernels go silent for minutes over TCP).
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class _ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (prkanalysis)",
                language="python",
                resource_dir=str(Path(__file__).parent),
                metadata={},
            )

    if ipc_dir is None:
        return AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_ThisInterpreter())
    return AsyncKernelManager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=_ThisInterpreter(),
        transport="ipc",
        ip=str(Path(ipc_dir) / "kernel"),
    )


#: Longest single wait on a kernel channel, seconds. Waits are cut into slices this long so
#: that a missed socket wake-up costs at most one slice instead of the whole cell timeout
#: (seen here: a finished cell's reply sat unread until the per-cell timeout expired).
POLL_SLICE_S = 0.5


def _sliced(get_msg: Any, slice_s: float = POLL_SLICE_S) -> Any:
    """Wrap a channel's async ``get_msg`` so a long (or endless) wait polls in short slices.

    The wrapped call keeps the original contract: it returns the next message, or raises
    ``queue.Empty`` once ``timeout`` seconds have passed (never, for ``timeout=None``).
    """
    from queue import Empty

    async def get_msg_sliced(timeout: float | None = None) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_s if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get_msg(timeout=min(slice_s, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg_sliced


def make_client(nb: Any, path: Path, *, timeout: int, ipc_dir: str | None = None,
                **kwargs: Any) -> Any:
    """An nbclient ``NotebookClient`` for one chapter, with sliced channel waits.

    Transformations: the kernel is this interpreter's ipykernel (Unix-domain sockets in
    ``ipc_dir`` when given), started with ``--matplotlib=inline`` in the chapter's folder;
    the shell and IOPub waits of the client are cut into :data:`POLL_SLICE_S` slices.

    Args:
        nb: The notebook to execute (modified in place by ``execute``).
        path: The chapter file (its folder is the kernel's working directory).
        timeout: Per-cell timeout in seconds.
        ipc_dir: Folder for the kernel's sockets (``None``: TCP on localhost).
        **kwargs: Passed on to ``NotebookClient`` (e.g. ``on_cell_error``).

    Returns:
        The client; call ``execute(env=..., stderr=...)`` on it.
    """
    from nbclient import NotebookClient

    class _SlicedClient(NotebookClient):
        async def async_start_new_kernel_client(self) -> Any:
            kc = await super().async_start_new_kernel_client()
            for channel in (kc.shell_channel, kc.iopub_channel):
                channel.get_msg = _sliced(channel.get_msg)
            return kc

        async def async_execute_cell(
            self, cell: Any, cell_index: int, execution_count: int | None = None,
            store_history: bool = True,
        ) -> Any:
            if cell.cell_type == "markdown" and inline.expressions(cell.source):
                await evaluate_inline(self, cell, cell_index)
                return cell
            return await super().async_execute_cell(
                cell, cell_index, execution_count=execution_count, store_history=store_history
            )

    return _SlicedClient(
        nb,
        extra_arguments=["--matplotlib=inline"],
        km=_kernel_manager(ipc_dir),
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        resources={"metadata": {"path": str(path.parent)}},
        **kwargs,
    )


async def evaluate_inline(client: Any, cell: Any, cell_index: int) -> None:
    """Evaluate a Markdown cell's ``{eval}`` expressions in the client's kernel, store results.

    Transformations: one silent ``execute_request`` with empty code and the cell's expressions
    as ``user_expressions`` (evaluated after every cell run so far, as jupyterlab-myst does);
    the reply's results go into ``cell.metadata.user_expressions``
    (:func:`prkanalysis.report.inline.store_results`). Calls the client's ``on_cell_start``
    hook first, so a timeout names this cell.
    """
    from nbclient.util import ensure_async, run_hook

    await run_hook(client.on_cell_start, cell=cell, cell_index=cell_index)
    exprs = inline.expressions(cell.source)
    msg_id = await ensure_async(
        client.kc.execute("", silent=True, store_history=False,
                          user_expressions={e: e for e in exprs})
    )
    reply = await client.async_wait_for_reply(msg_id, cell)
    content = (reply or {}).get("content", {}) or {}
    inline.store_results(cell, content.get("user_expressions", {}) or {})


def cell_timeout() -> int:
    """Per-cell timeout: ``PRKANALYSIS_CELL_TIMEOUT`` seconds if set, else the default.

    Example:
        >>> isinstance(cell_timeout(), int)
        True
    """
    raw = os.environ.get("PRKANALYSIS_CELL_TIMEOUT", "")
    try:
        return int(raw) if raw else DEFAULT_CELL_TIMEOUT
    except ValueError as exc:
        raise PrkError(f"PRKANALYSIS_CELL_TIMEOUT must be an integer, got {raw!r}") from exc


def execute_chapter(path: Path, *, timeout: int = DEFAULT_CELL_TIMEOUT) -> ExecutionOutcome:
    """Execute a chapter from a clean kernel; never raises for errors inside the chapter.

    Transformations: read with jupytext; start a fresh kernel (``sys.executable``) with
    cwd = the chapter's folder and ``MPLBACKEND=Agg``; run every cell in order with a
    per-cell ``timeout``; stop at the first cell that raises (cells tagged
    ``raises-exception`` may raise) and record it as a :class:`CellFailure`.

    Args:
        path: The chapter file.
        timeout: Per-cell timeout in seconds.

    Returns:
        The outcome with the executed notebook (partial if a cell failed).
    """
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = read_chapter(path)
    failed: dict[str, int] = {}

    def _on_error(cell: Any, cell_index: int, execute_reply: Any) -> None:
        failed.setdefault("index", cell_index)

    def _on_start(cell: Any, cell_index: int) -> None:
        failed["running"] = cell_index

    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    log = tempfile.TemporaryFile(mode="w+b")  # kernel stderr, shown only if it dies
    ipc_dir = tempfile.TemporaryDirectory(prefix="prk-kernel-")  # the kernel's sockets
    client = make_client(nb, path, timeout=timeout, ipc_dir=ipc_dir.name,
                         on_cell_error=_on_error, on_cell_start=_on_start)
    start = time.perf_counter()
    failure: CellFailure | None = None
    try:
        client.execute(env=env, stderr=log)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        index = failed.get("index", _first_error_cell(nb))
        if index < 0 or isinstance(exc, CellTimeoutError):  # a timeout: the cell that ran
            index = failed.get("running", index)
        source = nb.cells[index].source if 0 <= index < len(nb.cells) else ""
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = getattr(exc, "evalue", None)
        if not isinstance(evalue, str) or not evalue:
            lines = str(exc).strip().splitlines()
            evalue = lines[-1] if lines else ""
        tb = getattr(exc, "traceback", None) or str(exc)
        if isinstance(exc, DeadKernelError):
            tb = f"{tb}\n--- kernel stderr ---\n{_tail(log)}"
        failure = CellFailure(
            chapter=path.stem,
            cell_index=index,
            source_excerpt=source_excerpt(source),
            ename=str(ename),
            evalue=strip_ansi(evalue),
            traceback=strip_ansi(str(tb)),
        )
    except Exception as exc:  # kernel could not start, etc.: still a chapter failure
        failure = CellFailure(
            chapter=path.stem,
            cell_index=-1,
            source_excerpt="",
            ename=type(exc).__name__,
            evalue=strip_ansi(str(exc)),
            traceback=strip_ansi(f"{type(exc).__name__}: {exc}"),
        )
    finally:
        log.close()
        ipc_dir.cleanup()
    seconds = time.perf_counter() - start
    unresolved = inline.problems(nb.cells) if failure is None else []
    if unresolved:  # a value the prose names but the kernel could not give
        index, expr, why = unresolved[0]
        failure = CellFailure(
            chapter=path.stem,
            cell_index=index,
            source_excerpt=source_excerpt(nb.cells[index].source),
            ename="InlineExpressionError",
            evalue=f"{{eval}}`{expr}`: {why}",
            traceback="\n".join(f"cell {i}: {{eval}}`{e}`: {w}" for i, e, w in unresolved),
        )
    return ExecutionOutcome(notebook=nb, seconds=seconds, failure=failure)


def _tail(log: Any, size: int = 4000) -> str:
    """The last ``size`` bytes of the kernel's stderr log, decoded."""
    log.seek(0, os.SEEK_END)
    n = log.tell()
    log.seek(max(0, n - size))
    return str(log.read().decode("utf-8", "replace"))


def _first_error_cell(nb: Any) -> int:
    """Index of the first code cell with an ``error`` output, or -1."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            tags = cell.get("metadata", {}).get("tags", [])
            if "raises-exception" in tags:
                continue
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                return i
    return -1
