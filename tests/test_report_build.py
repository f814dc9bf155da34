"""The report builder on small generated chapters (seconds, no real evidence needed).

Checks: a failing chapter fails the build naming chapter, cell and traceback while the
other chapters render; a rebuild with nothing changed does not execute again (the executor
is counted, not timed); the cache key follows chapter text, package sources and data;
no page loads anything remote; every page linked from the index exists; the PDF has one
outline entry per chapter and the ledger.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

from prkanalysis import config
from prkanalysis.report import build
from prkanalysis.report.build import build_report, verify_checksums
from prkanalysis.report.cache import CacheContext
from prkanalysis.report.execute import ExecutionOutcome, execute_chapter, find_chapters
from prkanalysis.report.render import neutralize_external

# one worker builds the shared fixture once (make test runs with --dist loadgroup)
pytestmark = pytest.mark.xdist_group("report-build")

CHAPTERS = {
    "00-intro.py": """# %% [markdown]
# # Introduction chapter
#
# What this chapter shows: a *table*, a figure and text with → ≈ ×.
#
# ![remote picture](https://example.org/remote.png)

# %% tags=["parameters"]
N = 4

# %%
import matplotlib.pyplot as plt
import pandas as pd

frame = pd.DataFrame({"rate_kg_per_day": [0.27, 0.54, 1.4, 1.13][:N]})
frame

# %%
fig, ax = plt.subplots(figsize=(4, 2.5))
ax.plot(frame.index, frame.rate_kg_per_day, marker="o")
plt.show()

# %% tags=["remove-cell"]
print("SECRET-REMOVED-CELL")

# %% tags=["remove-input"]
print("VISIBLE-OUTPUT-ONLY")

# %% tags=["findings"]
from IPython.display import Markdown, display

top = frame.rate_kg_per_day.max()
display(Markdown(f"- The largest rate is **{top:.2f} kg/day** (simulated)."))
""",
    "01-broken.py": """# %% [markdown]
# # Broken chapter

# %%
x = 1

# %%
def explode():
    raise ValueError("deliberate failure for the test")


explode()

# %%
print("NEVER-REACHED")
""",
    "02-plain.py": """# %% [markdown]
# # Plain chapter
#
# Text only.

# %% tags=["findings"]
from IPython.display import Markdown

Markdown("- Two plus two is **%d**." % (2 + 2))
""",
}


def fake_ledger() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3"],
            "claim": ["cracks", "half a decade", "rate doubled"],
            "verdict": ["supported with caveats", "supported", "undetermined"],
            "numbers": ["2 cracks", "6.3 years", "ratio 1.6 to 2.9"],
            "evidence": [["S001 (P)", "S002 (T)"], "S003 (P)", "S004 (T)"],
            "caveat": ["root cause disputed", "", "rounding"],
        }
    )


def write_project(root: Path) -> dict[str, Path]:
    """Chapters, a one-file evidence base with its descriptor, and a tiny 'package'."""
    nbs = root / "notebooks"
    nbs.mkdir(parents=True)
    for name, text in CHAPTERS.items():
        (nbs / name).write_text(text, encoding="utf-8")
    data = root / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    digest = hashlib.sha256(b"x\n1\n").hexdigest()
    (data / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "a", "path": "a.csv", "hash": f"sha256:{digest}"}]})
    )
    (data / "sources.csv").write_text(
        "source_id,title,url\nS001,First source,https://example.org/s001\n"
    )
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text("VALUE = 1\n")
    return {
        "notebooks_dir": nbs,
        "data_dir": data,
        "package_dir": pkg,
        "cache_dir": root / "cache",
        "out_dir": root / "out",
    }


class Counting:
    """An executor that records the chapters it was asked to run."""

    def __init__(self, inner: Callable[..., ExecutionOutcome] = execute_chapter) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __call__(self, path: Path, *, timeout: int = 60) -> ExecutionOutcome:
        self.calls.append(path.stem)
        return self.inner(path, timeout=timeout)


def instant(path: Path, *, timeout: int = 60) -> ExecutionOutcome:
    """A fake executor: the notebook unexecuted, no kernel."""
    from prkanalysis.report.execute import read_chapter

    return ExecutionOutcome(notebook=read_chapter(path), seconds=0.0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    dirs = write_project(tmp_path_factory.mktemp("report"))
    counter = Counting()
    log = _Stream()
    result = build_report(**dirs, executor=counter, ledger_fn=fake_ledger, stream=log, jobs=2)
    return {"dirs": dirs, "result": result, "calls": list(counter.calls), "log": log.text}


class _Stream:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


@pytest.mark.slow
def test_first_build_executes_every_chapter(built: dict[str, Any]) -> None:
    assert sorted(built["calls"]) == ["00-intro", "01-broken", "02-plain"]
    assert [c.cache for c in built["result"].chapters] == ["miss"] * 3


@pytest.mark.slow
def test_failing_chapter_fails_build_with_cell_and_traceback(built: dict[str, Any]) -> None:
    result = built["result"]
    assert not result.ok
    status = {c.stem: c.status for c in result.chapters}
    assert status == {"00-intro": "ok", "01-broken": "failed", "02-plain": "ok"}
    failure = next(c.failure for c in result.chapters if c.failure)
    assert failure.chapter == "01-broken"
    assert failure.cell_index == 2
    assert "explode()" in failure.source_excerpt
    assert failure.ename == "ValueError"
    assert "deliberate failure for the test" in failure.traceback
    assert "Traceback" in failure.traceback or "----> " in failure.traceback
    # progress stream names the chapter, the cell and the traceback
    log = built["log"]
    assert "01-broken" in log and "cell 2" in log and "deliberate failure" in log
    assert re.search(r"00-intro\s+ok\s+[\d.]+ s", log)
    # the failed page shows the error; the later cell never ran
    page = (result.out_dir / "01-broken.html").read_text()
    assert "chapter-failure" in page and "deliberate failure for the test" in page
    assert 'output-stdout">NEVER-REACHED' not in page


@pytest.mark.slow
def test_other_chapters_render_fully(built: dict[str, Any]) -> None:
    out = built["result"].out_dir
    intro = (out / "00-intro.html").read_text()
    assert intro.count('src="data:image/png;base64,') == 1
    assert 'class="dataframe' in intro
    assert "VISIBLE-OUTPUT-ONLY" in intro
    assert "SECRET-REMOVED-CELL" not in intro
    assert "→ ≈ ×" in intro
    assert '<details class="cell-input">' in intro  # code folded
    assert 'id="toggle-code"' in intro and (out / "assets" / "report.js").is_file()
    assert "chapter-failure" not in intro and "output-error" not in intro
    index = built["result"].index.read_text()
    assert "The largest rate is <strong>1.40 kg/day</strong>" in index
    assert "Two plus two is <strong>4</strong>" in index


@pytest.mark.slow
def test_index_shows_ledger_and_build_information(built: dict[str, Any]) -> None:
    index = built["result"].index.read_text()
    for cid in ("C1", "C2", "C3"):
        assert f'data-claim-id="{cid}"' in index
    assert "verdict-supported-with-caveats" in index
    assert 'id="verdict-table"' in index
    ledger = (built["result"].out_dir / "ledger.html").read_text()
    assert '<a class="source" href="sources.html#S001">S001</a>' in ledger
    assert "S002 (T)" in ledger  # not in sources.csv: left as text
    sources = (built["result"].out_dir / "sources.html").read_text()
    assert '<tr id="S001">' in sources and "https://example.org/s001" in sources
    for pkg in ("python", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn"):
        assert f"<td>{pkg}</td>" in index
    digest = hashlib.sha256(b"x\n1\n").hexdigest()
    assert digest in index and "MISMATCH" not in index
    assert "UTC" in index and "Git commit" in index
    assert built["result"].ledger_ids == ("C1", "C2", "C3")


SRC_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
LOADING_TAG = re.compile(
    r"""<(?:img|script|link|iframe|source|video|audio|embed)\b[^>]*\b(?:src|href)\s*=\s*["']"""
    r"""(?:https?:)?//""",
    re.IGNORECASE,
)


@pytest.mark.slow
def test_no_page_loads_anything_remote(built: dict[str, Any]) -> None:
    for page in built["result"].pages:
        text = page.read_text()
        assert not LOADING_TAG.search(text), page.name
        for url in SRC_ATTR.findall(text):
            if url.startswith(("http://", "https://", "//")):
                # only plain links may point outside; they are not loaded
                assert re.search(rf'<a [^>]*href="{re.escape(url)}"', text), (page.name, url)
    remote_css = re.compile(r"""url\(\s*["']?(?:https?:)?//|@import""", re.IGNORECASE)
    assets = list((built["result"].out_dir / "assets").iterdir())
    for f in [*built["result"].pages, *assets]:
        assert not remote_css.search(f.read_text()), f.name
    intro = (built["result"].out_dir / "00-intro.html").read_text()
    assert 'class="external-ref" href="https://example.org/remote.png"' in intro


@pytest.mark.slow
def test_every_page_linked_from_the_index_exists(built: dict[str, Any]) -> None:
    out = built["result"].out_dir
    pages = {out / "index.html"} | set(out.glob("*.html"))
    for page in pages:
        for url in SRC_ATTR.findall(page.read_text()):
            if url.startswith(("http", "data:", "#", "mailto:")):
                continue
            target = (out / url.split("#")[0]).resolve()
            assert target.is_file(), f"{page.name} links to missing {url}"
    linked = set(re.findall(r'href="(\d\d-[^"#]+\.html)"', (out / "index.html").read_text()))
    assert linked == {"00-intro.html", "01-broken.html", "02-plain.html"}


@pytest.mark.slow
def test_pdf_has_a_section_per_chapter_and_the_ledger(built: dict[str, Any]) -> None:
    from pypdf import PdfReader

    result = built["result"]
    assert result.pdf is not None and result.pdf.is_file()
    reader = PdfReader(str(result.pdf))
    assert len(reader.pages) == result.pdf_pages >= 5
    def _titles(items: list) -> list[str]:
        out: list[str] = []
        for item in items:
            out.extend(_titles(item) if isinstance(item, list) else [item.title])
        return out

    titles = _titles(reader.outline)
    for t in ("Introduction chapter", "Broken chapter", "Plain chapter"):
        assert t in titles
    assert "The claims ledger" in titles and "Sources" in titles
    text = "\n".join(page.extract_text() for page in reader.pages)
    for cid in ("C1", "C2", "C3"):
        assert cid in text
    assert "→" in text and "≈" in text  # Unicode font embedded
    assert "deliberate failure for the test" in text
    # one image XObject for the one figure (in the chapter section)
    images = sum(len(page.images) for page in reader.pages)
    assert images == 1


@pytest.mark.slow
def test_rebuild_uses_the_cache_and_retries_only_the_failure(built: dict[str, Any]) -> None:
    counter = Counting(instant)
    result = build_report(
        **built["dirs"], executor=counter, ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False
    )
    assert counter.calls == ["01-broken"]  # failures are never cached
    cache = {c.stem: c.cache for c in result.chapters}
    assert cache == {"00-intro": "hit", "01-broken": "miss", "02-plain": "hit"}
    intro = (result.out_dir / "00-intro.html").read_text()
    assert intro.count('src="data:image/png;base64,') == 1  # outputs come from the cache


def test_no_cache_and_changed_inputs_force_execution(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    (dirs["notebooks_dir"] / "01-broken.py").unlink()
    run = dict(ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False)
    first = Counting(instant)
    build_report(**dirs, executor=first, **run)
    assert sorted(first.calls) == ["00-intro", "02-plain"]

    again = Counting(instant)
    assert build_report(**dirs, executor=again, **run).ok
    assert again.calls == []

    forced = Counting(instant)
    build_report(**dirs, executor=forced, use_cache=False, **run)
    assert sorted(forced.calls) == ["00-intro", "02-plain"]

    chapter = dirs["notebooks_dir"] / "02-plain.py"
    chapter.write_text(chapter.read_text() + "\n# %%\nprint('new cell')\n")
    edited = Counting(instant)
    build_report(**dirs, executor=edited, **run)
    assert edited.calls == ["02-plain"]

    (dirs["package_dir"] / "mod.py").write_text("VALUE = 2\n")
    package = Counting(instant)
    build_report(**dirs, executor=package, **run)
    assert sorted(package.calls) == ["00-intro", "02-plain"]


def test_cache_key_follows_data_and_versions(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    ctx = CacheContext.collect(dirs["package_dir"], dirs["data_dir"])
    key = ctx.key("chapter")
    (dirs["data_dir"] / "a.csv").write_text("x\n2\n")
    changed = CacheContext.collect(dirs["package_dir"], dirs["data_dir"])
    assert changed.key("chapter") != key
    older = CacheContext(ctx.package_digest, ctx.data_digest, (("python", "3.10.0"),))
    assert older.key("chapter") != key


def test_checksum_mismatch_fails_the_build(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    (dirs["data_dir"] / "a.csv").write_text("x\n999\n")
    rows, note = verify_checksums(dirs["data_dir"] / "datapackage.json")
    assert note == "" and rows[0][3] is False
    result = build_report(
        **dirs, executor=instant, ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False
    )
    assert not result.ok
    assert any("checksum mismatch for a.csv" in e for e in result.errors)
    assert "MISMATCH" in result.index.read_text()


def test_missing_ledger_is_shown_and_fails_the_build(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)

    def broken() -> pd.DataFrame:
        raise ImportError("no claims module")

    result = build_report(
        **dirs, executor=instant, ledger_fn=broken, stream=_Stream(), make_pdf=False
    )
    assert any("claims ledger unavailable" in e for e in result.errors)
    assert "claims ledger unavailable: ImportError: no claims module" in result.index.read_text()


@pytest.mark.slow
def test_cli_main_exits_nonzero_and_prints_the_failure(
    built: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = built["dirs"]
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", dirs["notebooks_dir"])
    monkeypatch.setattr(config, "DATA_DIR", dirs["data_dir"])
    monkeypatch.setattr(config, "CACHE_DIR", dirs["cache_dir"].parent / "cli-cache")
    monkeypatch.setattr(build, "default_ledger", fake_ledger)
    out = dirs["out_dir"].parent / "cli-out"
    args = argparse.Namespace(out=str(out), no_cache=False, no_pdf=True, only=["01"])
    code = build.main(args)
    captured = capsys.readouterr()
    assert code == 1
    assert "01-broken" in captured.err and "cell 2" in captured.err
    assert "ValueError" in captured.err and "deliberate failure" in captured.err
    assert (out / "01-broken.html").is_file() and not (out / "00-intro.html").exists()


def test_only_rejects_unknown_chapter(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    with pytest.raises(Exception, match="no such chapter"):
        find_chapters(dirs["notebooks_dir"], ["99-nothing"])


def test_neutralize_external_keeps_plain_links() -> None:
    html = (
        '<img src="http://x.org/a.png"><a href="https://x.org">x</a>'
        '<script src="//cdn/x.js"></script>'
    )
    out = neutralize_external(html)
    assert "<img" not in out and "<script" not in out
    assert '<a href="https://x.org">x</a>' in out


def test_real_executor_uses_this_interpreter_and_agg(tmp_path: Path) -> None:
    nb_path = tmp_path / "00-env.py"
    nb_path.write_text(
        "# %%\nimport sys, os, matplotlib\n"
        "print(sys.executable)\nprint(os.getcwd())\nprint(os.environ['MPLBACKEND'])\n"
    )
    import sys

    outcome = execute_chapter(nb_path, timeout=60)
    assert outcome.ok
    text = "".join(o.get("text", "") for o in outcome.notebook.cells[0].outputs)
    lines = text.splitlines()
    assert Path(lines[0]).resolve() == Path(sys.executable).resolve()
    assert Path(lines[1]).resolve() == tmp_path.resolve()
    assert lines[2] == "Agg"
    nbformat.validate(outcome.notebook)


def _cache_column(text: str) -> list[str]:
    return re.findall(r"\b(?:hit|miss)\b", text[text.rindex("Chapter execution"):])


def test_pdf_agrees_with_the_html_and_is_reused_when_its_pages_are_unchanged(
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    dirs = write_project(tmp_path)
    (dirs["notebooks_dir"] / "01-broken.py").unlink()
    logs, tables, pdfs = [_Stream(), _Stream(), _Stream()], [], []
    for log in logs:
        b = build_report(**dirs, executor=instant, ledger_fn=fake_ledger, stream=log)
        assert b.ok and b.pdf is not None
        pdf_text = "\n".join(pg.extract_text() for pg in PdfReader(str(b.pdf)).pages)
        html_table = _cache_column(re.sub(r"<[^>]+>", " ", b.index.read_text()))
        # the build table (cache hit/miss) of the PDF is the one of the HTML of the same build
        assert _cache_column(pdf_text) == html_table
        tables.append(html_table)
        pdfs.append(b.pdf.read_bytes())
    assert tables == [["miss", "miss"], ["hit", "hit"], ["hit", "hit"]]
    # build 2 changed the table (miss -> hit), so it printed; build 3 changed nothing
    assert "same pages as the last print" not in logs[1].text
    assert "same pages as the last print" in logs[2].text
    assert pdfs[2] == pdfs[1]


def test_benchmark_module_imports() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "report_bench", config.PROJ_ROOT / "benchmarks" / "report_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.REBUILD_TARGET_S == 5.0 and callable(module.main)


def test_executor_crash_is_a_chapter_failure_not_a_build_crash(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)

    def crashing(path: Path, *, timeout: int = 60) -> ExecutionOutcome:
        if path.stem == "02-plain":
            raise RuntimeError("kernel could not start")
        return instant(path, timeout=timeout)

    result = build_report(
        **dirs, executor=crashing, ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False
    )
    status = {c.stem: c.status for c in result.chapters}
    assert status["02-plain"] == "failed" and status["00-intro"] == "ok"
    assert any("kernel could not start" in e for e in result.errors)
    assert "kernel could not start" in (result.out_dir / "02-plain.html").read_text()
