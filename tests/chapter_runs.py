"""Execute chapters (optionally under another trust setting) and read what they show.

Shared by ``test_consistency.py`` and ``test_trust_settings.py``. A chapter runs through the
report's own executor (:func:`prkanalysis.report.execute.execute_chapter`, a clean kernel);
a trust setting is injected by rewriting the ``GRADES = ...`` line of the chapter's parameters
cell in a temporary copy (the chapter files are never modified). From the executed notebook
we keep what a reader sees: the Markdown cells with their ``{eval}`` values substituted, the
Markdown and text outputs, and the machine-readable findings (``application/json`` output of
the cell tagged ``findings``). Runs are cached per (chapter, grades) within a test process,
and several run at once in spawned worker processes (each starts its own kernel).
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import re
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prkanalysis import config

#: The trust settings every chapter must survive.
SETTINGS: tuple[tuple[str, ...], ...] = (("P",), ("P", "T"), ("P", "T", "A"))

_GRADES_LINE = re.compile(r"^GRADES\s*=.*$", re.MULTILINE)
_PARAMS_CELL = re.compile(r'^# %% tags=\["parameters"\]\n(.*?)(?=^# %%)', re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class ChapterRun:
    """What one executed chapter showed.

    Attributes:
        chapter: File name (``02-escalation-2024.py``).
        grades: The injected grades, or ``None`` for the chapter as committed.
        error: ``None`` if every cell ran, else the executor's failure summary.
        findings: ``values`` of the findings JSON output (``None`` if the chapter shows none).
        text: Everything a reader reads: Markdown cells with values substituted, Markdown and
            plain-text outputs, joined.
    """

    chapter: str
    grades: tuple[str, ...] | None
    error: str | None
    findings: dict[str, Any] | None = None
    text: str = ""
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def chapters() -> list[str]:
    """The chapter files, in order."""
    return sorted(p.name for p in config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.py"))


def has_grades_parameter(chapter: str) -> bool:
    """Whether the chapter's parameters cell has a ``GRADES = ...`` line."""
    text = (config.NOTEBOOKS_DIR / chapter).read_text()
    cell = _PARAMS_CELL.search(text)
    return bool(cell and _GRADES_LINE.search(cell.group(1)))


def inject(text: str, grades: Sequence[str]) -> str:
    """The chapter text with its parameters cell's ``GRADES = ...`` line replaced.

    Raises:
        ValueError: If the parameters cell has no such line.
    """
    cell = _PARAMS_CELL.search(text)
    if cell is None or not _GRADES_LINE.search(cell.group(1)):
        raise ValueError("the parameters cell has no 'GRADES = ...' line")
    new_cell = _GRADES_LINE.sub(f"GRADES = {tuple(grades)!r}  # injected by the test",
                                cell.group(1), count=1)
    return text[:cell.start(1)] + new_cell + text[cell.end(1):]


def _reader_text(nb: Any) -> tuple[str, dict[str, Any] | None]:
    from prkanalysis.report import inline

    parts: list[str] = []
    found: dict[str, Any] | None = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(inline.substitute(cell.source, inline.stored_results(cell)))
            continue
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        for out in cell.get("outputs", []):
            data = out.get("data", {}) or {}
            if out.get("output_type") == "stream":
                parts.append(str(out.get("text", "")))
            for mime in ("text/markdown", "text/plain"):
                if mime in data:
                    parts.append(str(data[mime]))
                    break
            if "findings" in tags and isinstance(data.get("application/json"), dict):
                payload = data["application/json"]
                found = dict(payload.get("values", payload))
    return "\n".join(parts), found


def _execute(chapter: str, grades: tuple[str, ...] | None) -> ChapterRun:
    """Run one chapter (in a worker process) and return what it showed."""
    from prkanalysis.report.execute import execute_chapter

    src = config.NOTEBOOKS_DIR / chapter
    with tempfile.TemporaryDirectory(prefix="prk-trust-") as tmp:
        path = src
        if grades is not None:
            path = Path(tmp) / chapter
            path.write_text(inject(src.read_text(), grades))
        outcome = execute_chapter(path, timeout=600)
    error = None if outcome.ok else (outcome.failure.summary() if outcome.failure
                                     else "the chapter failed")
    errors = [o for c in outcome.notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    if error is None and errors:
        error = f"error output: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    text, found = _reader_text(outcome.notebook)
    return ChapterRun(chapter, grades, error, found, text, outcome.seconds)


def _key(chapter: str, grades: Iterable[str] | None) -> tuple[str, tuple[str, ...] | None]:
    """Normalise a request: the default grades run the chapter as committed."""
    from prkanalysis.analysis.judgements import check_grades, defaults

    if grades is None or not has_grades_parameter(chapter):
        return chapter, None
    g = check_grades(tuple(grades))
    return chapter, (None if g == defaults().grades else g)


_CACHE: dict[tuple[str, tuple[str, ...] | None], ChapterRun] = {}


def run_many(requests: Iterable[tuple[str, Iterable[str] | None]],
             jobs: int = 2) -> dict[tuple[str, tuple[str, ...] | None], ChapterRun]:
    """Execute the requested (chapter, grades) runs not yet cached, ``jobs`` at a time.

    Returns:
        ``(chapter, grades or None) -> ChapterRun`` for every request (the key of a request
        for the default grades, or of a chapter without a GRADES parameter, is ``None``).
    """
    keys = list(dict.fromkeys(_key(c, g) for c, g in requests))
    todo = [k for k in keys if k not in _CACHE]
    if len(todo) == 1 or jobs <= 1:
        for k in todo:
            _CACHE[k] = _execute(*k)
    elif todo:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                                 mp_context=mp.get_context("spawn")) as pool:
            for k, result in zip(todo, pool.map(_execute, *zip(*todo, strict=True)),
                                 strict=True):
                _CACHE[k] = result
    return {k: _CACHE[k] for k in keys}


def run(chapter: str, grades: Iterable[str] | None = None) -> ChapterRun:
    """One chapter run (cached)."""
    return run_many([(chapter, grades)])[_key(chapter, grades)]


@functools.cache
def key_of(chapter: str, grades: tuple[str, ...] | None) -> tuple[str, tuple[str, ...] | None]:
    """The cache key of a request (see :func:`run_many`)."""
    return _key(chapter, grades)
