"""Build the reviewer report: execute every chapter, render HTML pages and a PDF.

``prkanalysis report [--out DIR] [--no-cache] [--no-pdf] [--only STEM ...]`` calls
:func:`main`, which calls :func:`build_report`. The steps:

1. check that the output folder can be written (before anything runs);
2. find the chapters ``notebooks/NN-name.py`` (or the ``--only`` subset) and the summary
   notebook ``notebooks/summary.py`` (the index's bottom line and limitations);
3. for each, look up the executed notebook in the cache (key: notebook text, package
   sources, evidence files, versions; see :mod:`prkanalysis.report.cache`), else execute it
   from a clean kernel (two at a time on a 2-core machine); a failing chapter is reported
   with its cell and traceback and the build keeps going;
4. verify the evidence checksums declared in ``data/datapackage.json``;
5. compute the claims ledger (cached under the same package/data/version key), in a thread
   while the chapters execute;
6. write, into a staging folder, ``index.html`` (bottom line, verdict table, verdict
   timeline, chapters, limitations, build information), one page per chapter,
   ``ledger.html``, ``sources.html`` (every source and the rows citing it; every source id on
   every page links there), ``print.html`` and ``assets/``; print ``print.html`` to the PDF
   with headless Chromium (reused when ``print.html`` is unchanged);
7. swap the staging folder in for the output folder, so an interrupted build leaves the
   previous report intact.

Progress (chapter, status, seconds) goes to stderr. The exit code is 0 only if every
chapter executed, the checksums verified, the ledger was computed and the PDF was written.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from prkanalysis import config
from prkanalysis.errors import PrkError
from prkanalysis.report.cache import (
    AttrDict,
    CacheContext,
    NotebookCache,
    package_versions,
    tree_digest,
)
from prkanalysis.report.execute import (
    CellFailure,
    ExecutionOutcome,
    Executor,
    cell_timeout,
    execute_chapter,
    find_chapters,
)
from prkanalysis.report.render import (
    ASSETS_DIR,
    BuildInfo,
    ChapterPage,
    IndexContent,
    Ledger,
    chapter_lede,
    chapter_title,
    findings_outputs,
    ledger_table_html,
    pygments_css,
    render_chapter_page,
    render_index_page,
    render_output,
    render_print_page,
    render_template,
    tagged_markdown_html,
    tagged_outputs_html,
    verdict_table_html,
)
from prkanalysis.report.sources import link_source_ids, read_sources

#: Title of the report (index heading, PDF title).
PROJECT_TITLE = "The Zvezda PrK air leak, 2019–2026: an investigation"

#: File name of the PDF inside the output folder.
PDF_NAME = "prkanalysis-report.pdf"

#: The summary notebook (bottom line and limitations of the index), in the chapters' folder.
SUMMARY_NOTEBOOK = "summary.py"

#: Cell tags read from the executed notebooks for the index.
BOTTOM_LINE_TAG = "bottom-line"
LIMITATIONS_TAG = "limitations"
TIMELINE_TAG = "verdict-timeline"


@dataclass(frozen=True)
class ChapterResult:
    """How one chapter fared in a build.

    Attributes:
        stem: Chapter file stem.
        title: Chapter title.
        page: File name of the chapter page in the output folder.
        status: ``"ok"`` or ``"failed"``.
        seconds: Execution seconds of the run shown (from the cache on a hit).
        cache: ``"hit"`` or ``"miss"``.
        failure: Where it failed, if it did.
    """

    stem: str
    title: str
    page: str
    status: str
    seconds: float
    cache: str
    failure: CellFailure | None = None

    def summary(self) -> str:
        """One line: stem, status, seconds, cache."""
        return f"{self.stem:32s} {self.status:6s} {self.seconds:7.2f} s  cache {self.cache}"


@dataclass(frozen=True)
class BuildResult:
    """The outcome of :func:`build_report`.

    Attributes:
        out_dir: The report folder.
        index: Path of ``index.html``.
        chapters: Per-chapter results in chapter order.
        pdf: Path of the PDF, or ``None`` if not built.
        pdf_pages: Page count of the PDF (0 if not built).
        seconds: Wall-clock seconds of the whole build.
        render_seconds: Seconds spent rendering HTML (and the PDF).
        ledger_ids: Claim ids shown in the ledger table.
        errors: Human-readable reasons the build is not clean.
    """

    out_dir: Path
    index: Path
    chapters: tuple[ChapterResult, ...]
    pdf: Path | None
    pdf_pages: int
    seconds: float
    render_seconds: float
    ledger_ids: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when nothing went wrong."""
        return not self.errors

    @property
    def pages(self) -> tuple[Path, ...]:
        """Every HTML page written (index first)."""
        return (self.index, *(self.out_dir / c.page for c in self.chapters))

    def summary(self) -> str:
        """Multi-line build summary (chapters, pages, PDF, errors)."""
        lines = [c.summary() for c in self.chapters]
        lines.append(
            f"{len(self.pages)} HTML pages in {self.out_dir}; "
            + (f"PDF {self.pdf.name} ({self.pdf_pages} pages)" if self.pdf else "no PDF")
        )
        lines.append(
            f"build {self.seconds:.2f} s (rendering {self.render_seconds:.2f} s); "
            + ("ok" if self.ok else f"{len(self.errors)} error(s)")
        )
        return "\n".join(lines)


def default_ledger() -> Any:
    """The claims ledger DataFrame from :func:`prkanalysis.claims.ledger`."""
    from prkanalysis.claims import ledger

    return ledger()


def verify_checksums(
    datapackage: Path,
) -> tuple[tuple[tuple[str, str, str, bool], ...], str]:
    r"""Check every resource's sha256 in a Frictionless descriptor against its file.

    Args:
        datapackage: Path of ``datapackage.json``; resource paths are relative to it.

    Returns:
        ``((file, expected, actual, ok), ...)`` and a note (non-empty when nothing could
        be verified, e.g. no descriptor).

    Example:
        >>> import tempfile, json
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "a.csv").write_text("x\n1\n")
        >>> h = hashlib.sha256(b"x\n1\n").hexdigest()
        >>> _ = (d / "datapackage.json").write_text(json.dumps(
        ...     {"resources": [{"path": "a.csv", "hash": "sha256:" + h}]}))
        >>> rows, note = verify_checksums(d / "datapackage.json")
        >>> rows[0][0], rows[0][3], note
        ('a.csv', True, '')
    """
    if not datapackage.is_file():
        return (), f"no descriptor at {datapackage.name}: evidence checksums not verified"
    try:
        descriptor = json.loads(datapackage.read_text(encoding="utf-8"))
    except ValueError as exc:
        return (), f"{datapackage.name} is not valid JSON: {exc}"
    rows: list[tuple[str, str, str, bool]] = []
    for res in descriptor.get("resources", []):
        rel = str(res.get("path", ""))
        raw = str(res.get("hash") or res.get("sha256") or "")
        expected = raw.split(":", 1)[1] if ":" in raw else raw
        target = datapackage.parent / rel
        actual = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else "missing"
        rows.append((rel, expected, actual, bool(expected) and expected.lower() == actual))
    if not rows:
        return (), f"{datapackage.name} lists no resources"
    return tuple(rows), ""


def git_commit(root: Path) -> str:
    """The checked-out commit (``+dirty`` if tracked files changed), or ``"unknown"``.

    Example:
        >>> isinstance(git_commit(Path(".")), str)
        True
    """
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class TextSink(Protocol):
    """Anything progress lines can be written to (a text stream)."""

    def write(self, text: str, /) -> int:
        """Write ``text``; return the number of characters written."""
        ...

    def flush(self) -> None:
        """Flush buffered text."""
        ...


class _Progress:
    """Thread-safe progress lines on a stream."""

    def __init__(self, stream: TextSink) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def __call__(self, message: str) -> None:
        with self.lock:
            print(f"[report] {message}", file=self.stream, flush=True)


def _write_assets(out_dir: Path) -> None:
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for src in ASSETS_DIR.iterdir():
        if src.is_file():
            shutil.copyfile(src, assets / src.name)
    (assets / "pygments.css").write_text(pygments_css(), encoding="utf-8")


def _ledger(
    ledger_fn: Callable[[], Any], cache: NotebookCache, ctx: CacheContext, use_cache: bool
) -> tuple[Ledger | None, str]:
    """The ledger (from cache when its inputs are unchanged) and a note if unavailable."""
    key = ctx.key("claims-ledger:" + getattr(ledger_fn, "__qualname__", "ledger"))
    path = cache.folder / f"claims-ledger-{key[:16]}.json"
    if use_cache and path.is_file():
        try:
            return Ledger.from_json(json.loads(path.read_text(encoding="utf-8"))), ""
        except (OSError, ValueError, KeyError):
            pass
    try:
        frame = ledger_fn()
        ledger = Ledger.from_frame(frame)
    except Exception as exc:  # any failure is reported on the page and fails the build
        return None, f"claims ledger unavailable: {type(exc).__name__}: {exc}"
    cache.folder.mkdir(parents=True, exist_ok=True)
    for old in cache.folder.glob("claims-ledger-*.json"):
        old.unlink(missing_ok=True)
    path.write_text(json.dumps(ledger.to_json()), encoding="utf-8")
    return ledger, ""


def check_output_dir(out_dir: Path) -> None:
    """Fail early, with one line, when the report cannot be written to ``out_dir``.

    The report is staged in a sibling folder and swapped in, so the parent folder must be
    writable (it is created if missing) and ``out_dir``, if it exists, must be a folder.

    Raises:
        PrkError: Naming the folder and the reason.

    Example:
        >>> check_output_dir(Path("/proc/no-such-report"))
        Traceback (most recent call last):
        ...
        prkanalysis.errors.PrkError: cannot write the report to /proc/no-such-report: ...
    """
    import tempfile

    if out_dir.exists() and not out_dir.is_dir():
        raise PrkError(f"cannot write the report to {out_dir}: it exists and is not a folder")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.probe-")
        os.rmdir(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PrkError(f"cannot write the report to {out_dir}: {reason}") from exc


def _backup_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.previous"


def recover_output_dir(out_dir: Path) -> None:
    """Put back the previous report if a build was killed between the two renames of a swap."""
    backup = _backup_path(out_dir)
    if backup.is_dir():
        if not out_dir.exists():
            backup.rename(out_dir)
        else:
            shutil.rmtree(backup, ignore_errors=True)
    for stale in out_dir.parent.glob(f".{out_dir.name}.staging-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _swap_in(stage: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``stage`` (two renames; the old report is kept until the end)."""
    backup = _backup_path(out_dir)
    if out_dir.exists():
        shutil.rmtree(backup, ignore_errors=True)
        out_dir.rename(backup)
    stage.rename(out_dir)
    shutil.rmtree(backup, ignore_errors=True)


def _link_sources(html_text: str, known: frozenset[str]) -> str:
    return link_source_ids(html_text, known)


def build_report(
    *,
    notebooks_dir: Path | None = None,
    out_dir: Path | None = None,
    cache_dir: Path | None = None,
    data_dir: Path | None = None,
    package_dir: Path | None = None,
    only: Sequence[str] | None = None,
    use_cache: bool = True,
    make_pdf: bool = True,
    jobs: int | None = None,
    timeout: int | None = None,
    executor: Executor | None = None,
    ledger_fn: Callable[[], Any] | None = None,
    stream: TextSink | None = None,
) -> BuildResult:
    """Execute (or fetch from cache) every chapter and render the report.

    Args:
        notebooks_dir: Chapter folder (default ``config.NOTEBOOKS_DIR``).
        out_dir: Output folder (default ``config.REPORT_DIR``).
        cache_dir: Executed-notebook cache (default ``config.CACHE_DIR / "report"``).
        data_dir: Evidence folder whose files enter the cache key and whose
            ``datapackage.json`` checksums are verified (default ``config.DATA_DIR``).
        package_dir: Source folder whose ``*.py`` files enter the cache key (default: the
            installed ``prkanalysis`` package).
        only: Chapter stems or number prefixes to build (default: all).
        use_cache: Read the cache (``False`` re-executes everything).
        make_pdf: Also write the PDF.
        jobs: Chapters executed at once (default: ``PRKANALYSIS_REPORT_JOBS`` or
            min(2, CPUs)).
        timeout: Per-cell timeout in seconds (default :func:`cell_timeout`).
        executor: Function executing one chapter (default :func:`execute_chapter`).
        ledger_fn: Function returning the claims-ledger DataFrame (default
            :func:`default_ledger`).
        stream: Where progress goes (default stderr).

    Returns:
        The :class:`BuildResult`; its ``errors`` say why a build is not clean.

    Raises:
        PrkError: No chapter found, or an unknown ``only`` name.
    """
    t0 = time.perf_counter()
    notebooks_dir = notebooks_dir or config.NOTEBOOKS_DIR
    out_dir = out_dir or config.REPORT_DIR
    cache = NotebookCache(cache_dir or config.CACHE_DIR / "report")
    data_dir = data_dir or config.DATA_DIR
    run = executor or execute_chapter
    timeout = timeout or cell_timeout()
    jobs = jobs or int(os.environ.get("PRKANALYSIS_REPORT_JOBS", 0)) or min(2, os.cpu_count() or 1)
    say = _Progress(stream or sys.stderr)
    ledger_fn = ledger_fn or default_ledger

    recover_output_dir(out_dir)
    check_output_dir(out_dir)
    paths = find_chapters(notebooks_dir, list(only) if only else None)
    if not paths:
        raise PrkError(f"no chapters (NN-name.py) found in {notebooks_dir}")
    summary_file = notebooks_dir / SUMMARY_NOTEBOOK
    summary_path = summary_file if summary_file.is_file() else None
    if package_dir is None:
        import prkanalysis

        package_dir = Path(prkanalysis.__file__).parent
    ctx = CacheContext.collect(package_dir, data_dir, (config.FIXTURES_DIR,))
    errors: list[str] = []

    notebooks: dict[str, Any] = {}
    runs: dict[str, tuple[float, str, str, CellFailure | None]] = {}  # seconds, cache, at
    todo: list[tuple[Path, str]] = []
    everything = [*paths, *([summary_path] if summary_path is not None else [])]
    for i, path in enumerate(everything, 1):
        key = ctx.key(path.read_text(encoding="utf-8"))
        reuse = use_cache or (path == summary_path and bool(only))
        entry = cache.get(path.stem, key) if reuse else None
        if entry is not None:
            notebooks[path.stem] = entry.notebook
            runs[path.stem] = (entry.seconds, "hit", entry.executed_at, None)
            say(f"[{i}/{len(everything)}] {path.stem:30s} cached  "
                f"(executed in {entry.seconds:.1f} s)")
        elif path != summary_path or not only:
            todo.append((path, key))

    # the ledger is computed in a thread while the chapters run in their own processes
    ledger_pool = ThreadPoolExecutor(max_workers=1)
    ledger_job = ledger_pool.submit(_ledger, ledger_fn, cache, ctx, use_cache)
    position = {p.stem: i for i, p in enumerate(everything, 1)}
    workers: ProcessPoolExecutor | None = None

    def _execute(item: tuple[Path, str]) -> tuple[Path, str, ExecutionOutcome, str]:
        path, key = item
        tag = f"[{position[path.stem]}/{len(everything)}] {path.stem:30s}"
        say(f"{tag} executing ...")
        at = _utc_now()
        start = time.perf_counter()
        try:
            if workers is not None:
                outcome = workers.submit(run, path, timeout=timeout).result()
            else:
                outcome = run(path, timeout=timeout)
        except Exception as exc:  # an executor bug or unreadable chapter: still keep going
            outcome = ExecutionOutcome(
                notebook=AttrDict(cells=[], metadata=AttrDict(), nbformat=4, nbformat_minor=5),
                seconds=time.perf_counter() - start,
                failure=CellFailure(
                    chapter=path.stem,
                    cell_index=-1,
                    source_excerpt="",
                    ename=type(exc).__name__,
                    evalue=str(exc),
                    traceback="".join(traceback.format_exception(exc)),
                ),
            )
        status = "ok" if outcome.ok else "FAILED"
        say(f"{tag} {status:7s} {outcome.seconds:6.1f} s  (cache miss)")
        return path, key, outcome, at

    if todo:
        n_at_once = max(1, min(jobs, len(todo)))
        # Two nbclient executions in threads of one process can stall on kernel messages, so
        # parallel chapters run in their own (spawned) processes; threads only wait on them.
        # An injected executor (tests) runs in the threads themselves.
        workers = (
            ProcessPoolExecutor(max_workers=n_at_once, mp_context=mp.get_context("spawn"))
            if n_at_once > 1 and run is execute_chapter
            else None
        )
        try:
            with ThreadPoolExecutor(max_workers=n_at_once) as pool:
                done = list(pool.map(_execute, todo))
        finally:
            if workers is not None:
                workers.shutdown()
        for path, key, outcome, at in done:
            notebooks[path.stem] = outcome.notebook
            runs[path.stem] = (outcome.seconds, "miss", at, outcome.failure)
            if outcome.failure is None:
                cache.put(path.stem, key, outcome.notebook, outcome.seconds, at)
            else:
                report = outcome.failure.summary()
                errors.append(report)
                say("chapter failed\n" + report)

    r0 = time.perf_counter()
    checksums, checksum_note = verify_checksums(data_dir / "datapackage.json")
    if checksum_note:
        errors.append(checksum_note)
    for name, expected, actual, ok in checksums:
        if not ok:
            errors.append(f"checksum mismatch for {name}: descriptor {expected}, file {actual}")
    ledger, ledger_note = ledger_job.result()
    ledger_pool.shutdown()
    if ledger is None:
        errors.append(ledger_note)
        say(ledger_note)

    pages: list[ChapterPage] = []
    results: list[ChapterResult] = []
    for path in paths:
        nb = notebooks[path.stem]
        seconds, hit, at, failure = runs[path.stem]
        title = chapter_title(nb, path.stem)
        findings = "".join(render_output(o) for o in findings_outputs(nb))
        pages.append(
            ChapterPage(
                stem=path.stem,
                title=title,
                href=f"{path.stem}.html",
                lede=chapter_lede(nb),
                status="ok" if failure is None else "failed",
                seconds=seconds,
                cache=hit,
                executed_at=at,
                findings_html=findings,
                failure_text=failure.summary() if failure else "",
                failure_cell=failure.cell_index if failure else -1,
            )
        )
        results.append(
            ChapterResult(
                stem=path.stem,
                title=title,
                page=f"{path.stem}.html",
                status="ok" if failure is None else "failed",
                seconds=seconds,
                cache=hit,
                failure=failure,
            )
        )

    summary_nb = notebooks.get(summary_path.stem) if summary_path is not None else None
    content = IndexContent(
        bottom_line_html=tagged_markdown_html(summary_nb, BOTTOM_LINE_TAG) if summary_nb else "",
        limitations_html=tagged_markdown_html(summary_nb, LIMITATIONS_TAG) if summary_nb else "",
        verdict_table_html=verdict_table_html(ledger) if ledger is not None else "",
        ledger_html=ledger_table_html(ledger) if ledger is not None else "",
        ledger_note=ledger_note,
        timeline_html="".join(tagged_outputs_html(notebooks[p.stem], TIMELINE_TAG)
                              for p in paths),
    )
    sources = read_sources(data_dir)
    known = frozenset(s.source_id for s in sources)
    info = BuildInfo(
        built_at=_utc_now(),
        git_commit=git_commit(config.PROJ_ROOT),
        versions=tuple(package_versions().items()),
        checksums=checksums,
        checksum_note=checksum_note,
        total_seconds=0.0,
    )

    stage = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    if only and out_dir.is_dir():  # a partial build keeps the other pages
        shutil.copytree(out_dir, stage)
    stage.mkdir(parents=True, exist_ok=True)
    try:
        _write_assets(stage)
        if not only:  # a full build removes pages of chapters that no longer exist
            current = {p.href for p in pages}
            for stale in stage.glob("[0-9][0-9]-*.html"):
                if stale.name not in current:
                    stale.unlink()
        for page in pages:
            html_text = render_chapter_page(page, notebooks[page.stem], pages, PROJECT_TITLE)
            (stage / page.href).write_text(_link_sources(html_text, known), encoding="utf-8")
        (stage / "ledger.html").write_text(_link_sources(render_template(
            "ledger.html.j2", project_title=PROJECT_TITLE, ledger_note=ledger_note,
            ledger_html=content.context()["ledger_html"]), known), encoding="utf-8")
        (stage / "sources.html").write_text(render_template(
            "sources.html.j2", project_title=PROJECT_TITLE, sources=sources), encoding="utf-8")
        print_html = _link_sources(render_print_page(
            [(p, notebooks[p.stem]) for p in pages],
            IndexContent(**{**content.__dict__, "ledger_html": ledger_table_html(
                ledger, fold=False) if ledger is not None else ""}),
            info, PROJECT_TITLE, sources, errors), known).replace(
                'href="sources.html#', 'href="#')
        (stage / "print.html").write_text(print_html, encoding="utf-8")

        pdf_path: Path | None = None
        pdf_pages = 0
        if make_pdf:
            pdf_path, pdf_pages = _pdf(stage, print_html, cache, use_cache, say, errors)
        total = time.perf_counter() - t0
        info = dataclasses.replace(info, total_seconds=total)
        index_html = render_index_page(pages, content, info, PROJECT_TITLE, errors)
        (stage / "index.html").write_text(_link_sources(index_html, known), encoding="utf-8")
        _swap_in(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    index = out_dir / "index.html"
    if pdf_path is not None:
        pdf_path = out_dir / pdf_path.name
    render_seconds = time.perf_counter() - r0
    result = BuildResult(
        out_dir=out_dir,
        index=index,
        chapters=tuple(results),
        pdf=pdf_path,
        pdf_pages=pdf_pages,
        seconds=time.perf_counter() - t0,
        render_seconds=render_seconds,
        ledger_ids=ledger.claim_ids if ledger is not None else (),
        errors=tuple(errors),
    )
    say(f"index {index}  ({len(result.pages)} pages, {result.seconds:.1f} s)")
    return result


def _pdf(
    stage: Path,
    print_html: str,
    cache: NotebookCache,
    use_cache: bool,
    say: Callable[[str], None],
    errors: list[str],
) -> tuple[Path | None, int]:
    """Print ``print.html`` to the PDF, or reuse the PDF printed from identical HTML."""
    from prkanalysis.report.printing import print_pdf

    assets = tree_digest(ASSETS_DIR)
    key = hashlib.sha256((print_html + assets).encode()).hexdigest()
    stored = cache.folder / f"report-{key[:16]}.pdf"
    pages_file = stored.with_suffix(".json")
    pdf_path = stage / PDF_NAME
    try:
        if use_cache and stored.is_file() and pages_file.is_file():
            shutil.copyfile(stored, pdf_path)
            pages = int(json.loads(pages_file.read_text())["pages"])
            say(f"PDF {pdf_path.name}: {pages} pages (same pages as the last print)")
            return pdf_path, pages
        pages = print_pdf(stage / "print.html", pdf_path)
        say(f"PDF {pdf_path.name}: {pages} pages")
        cache.folder.mkdir(parents=True, exist_ok=True)
        for old in cache.folder.glob("report-*.*"):
            old.unlink(missing_ok=True)
        shutil.copyfile(pdf_path, stored)
        pages_file.write_text(json.dumps({"pages": pages}))
        return pdf_path, pages
    except (PrkError, OSError) as exc:  # the HTML is still useful without the PDF
        errors.append(f"PDF not written: {exc}")
        say(errors[-1])
        return None, 0


def main(args: argparse.Namespace) -> int:
    """Entry point of ``prkanalysis report``; returns the exit code (0 = clean build).

    Reads ``args.out``, ``args.no_cache``, ``args.no_pdf`` and ``args.only`` (as defined in
    :mod:`prkanalysis.cli`).
    """
    try:
        result = build_report(
            out_dir=Path(args.out) if getattr(args, "out", None) else None,
            use_cache=not getattr(args, "no_cache", False),
            make_pdf=not getattr(args, "no_pdf", False),
            only=getattr(args, "only", None) or None,
        )
    except PrkError as exc:
        print(f"prkanalysis report: error: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    if not result.ok:
        print(f"prkanalysis report: {len(result.errors)} problem(s):", file=sys.stderr)
        for err in result.errors:
            first = err.splitlines()[0] if err else err
            print(f"  - {first}", file=sys.stderr)
        return 1
    return 0
