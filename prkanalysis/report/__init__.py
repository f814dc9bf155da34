"""The reviewer report: executed chapters rendered as static HTML pages and a PDF.

Public API:
    :func:`prkanalysis.report.build.build_report` (the whole build, returns a
    :class:`~prkanalysis.report.build.BuildResult`), :func:`~prkanalysis.report.build.main`
    (the ``prkanalysis report`` command), :func:`~prkanalysis.report.execute.execute_chapter`
    (one chapter from a clean kernel), :class:`~prkanalysis.report.cache.NotebookCache`.

Submodules are imported lazily so ``import prkanalysis.report`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BuildResult", "build_report", "execute_chapter", "main"]


def __getattr__(name: str) -> Any:
    if name in ("BuildResult", "build_report", "main"):
        from prkanalysis.report import build

        return getattr(build, name)
    if name == "execute_chapter":
        from prkanalysis.report.execute import execute_chapter

        return execute_chapter
    raise AttributeError(name)
