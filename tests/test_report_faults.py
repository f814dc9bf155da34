"""Faults of the report build: an unwritable output folder fails before any chapter runs, an
interrupted build leaves the previous report intact, a corrupted cache entry is detected and
rebuilt, a cell timeout names the chapter, the cell and its first line."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest
from test_report_build import Counting, _Stream, fake_ledger, instant, write_project

from prkanalysis.errors import PrkError
from prkanalysis.report import build
from prkanalysis.report.build import build_report, recover_output_dir


def test_unwritable_output_fails_with_one_line_before_any_chapter(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    counter = Counting(instant)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    for out in (blocked, blocked / "report", Path("/proc/prk-report")):
        with pytest.raises(PrkError, match="cannot write the report to") as info:
            build_report(**{**dirs, "out_dir": out}, executor=counter, ledger_fn=fake_ledger,
                         stream=_Stream(), make_pdf=False)
        assert "\n" not in str(info.value)
    assert counter.calls == []


def test_cli_prints_one_line_for_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = argparse.Namespace(out="/proc/prk-report", no_cache=False, no_pdf=True, only=None)
    assert build.main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot write the report to /proc/prk-report" in err[0]


def test_interrupted_build_leaves_the_previous_report_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dirs = write_project(tmp_path)
    run = dict(executor=instant, ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False)
    first = build_report(**dirs, **run)
    before = {p.name: p.read_bytes() for p in first.out_dir.glob("*.html")}
    (dirs["notebooks_dir"] / "02-plain.py").write_text(
        "# %% [markdown]\n# # Plain chapter, edited\n", encoding="utf-8")

    def killed(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt  # as if the build were stopped while writing the index

    monkeypatch.setattr(build, "render_index_page", killed)
    with pytest.raises(KeyboardInterrupt):
        build_report(**dirs, **run)
    after = {p.name: p.read_bytes() for p in first.out_dir.glob("*.html")}
    assert after == before  # chapter pages of the killed build never reached the report
    assert not list(dirs["out_dir"].parent.glob(".out.staging-*"))


def test_a_build_killed_between_the_renames_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "report"
    backup = tmp_path / ".report.previous"
    backup.mkdir()
    (backup / "index.html").write_text("previous report")
    (tmp_path / ".report.staging-123").mkdir()
    recover_output_dir(out)
    assert (out / "index.html").read_text() == "previous report"
    assert not backup.exists() and not (tmp_path / ".report.staging-123").exists()


def test_corrupted_cache_entry_is_detected_and_rebuilt(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    (dirs["notebooks_dir"] / "01-broken.py").unlink()
    run = dict(ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False)
    build_report(**dirs, executor=Counting(instant), **run)
    entry = next(dirs["cache_dir"].glob("00-intro-*.ipynb"))
    nb = json.loads(entry.read_text())
    nb["cells"][0]["source"] = "# tampered"  # still valid JSON, no longer what was stored
    entry.write_text(json.dumps(nb))
    counter = Counting(instant)
    build_report(**dirs, executor=counter, **run)
    assert counter.calls == ["00-intro"]
    entry = next(dirs["cache_dir"].glob("00-intro-*.ipynb"))
    entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # truncated
    counter = Counting(instant)
    build_report(**dirs, executor=counter, **run)
    assert counter.calls == ["00-intro"]


def test_cell_timeout_names_chapter_cell_and_first_line(tmp_path: Path) -> None:
    from prkanalysis.report.execute import execute_chapter

    path = tmp_path / "07-slow.py"
    path.write_text("# %% [markdown]\n# # Slow\n\n# %%\nx = 1\n\n# %%\n"
                    "import time  # the slow cell\ntime.sleep(30)\n", encoding="utf-8")
    outcome = execute_chapter(path, timeout=3)
    assert outcome.failure is not None
    first_line = outcome.failure.summary().splitlines()[0]
    assert first_line.startswith("chapter 07-slow: cell 2 (import time  # the slow cell)")
    assert "Timeout" in first_line or "timed out" in first_line


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_parent_is_refused(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(PrkError, match="cannot write the report"):
            build.check_output_dir(ro / "report")
    finally:
        ro.chmod(0o700)


SUMMARY = '''# %% [markdown]
# # Summary

# %%
n_text = "seven"

# %% [markdown] tags=["bottom-line"]
# **What happened.** It leaked {eval}`n_text` times.

# %% [markdown] tags=["limitations"]
# - Only {eval}`n_text` sources.
'''

TIMELINE_CHAPTER = '''# %% [markdown]
# # Timeline chapter

# %% tags=["verdict-timeline"]
from matplotlib.figure import Figure
from prkanalysis import present

fig = Figure(figsize=(3, 2))
ax = fig.add_subplot()
ax.plot([0, 1], [0, 1])
ax.set_xlabel("time (days)")
present.figure(fig, caption="Verdicts over time.", sources=["S001"])

# %% [markdown] tags=["findings"]
# ### Findings: timeline
#
# - one line
'''


def test_index_lifts_bottom_line_limitations_and_timeline(tmp_path: Path) -> None:
    dirs = write_project(tmp_path)
    nbs = dirs["notebooks_dir"]
    for name in ("00-intro.py", "01-broken.py", "02-plain.py"):
        (nbs / name).unlink()
    (nbs / "00-timeline.py").write_text(TIMELINE_CHAPTER, encoding="utf-8")
    (nbs / "summary.py").write_text(SUMMARY, encoding="utf-8")
    result = build_report(**dirs, ledger_fn=fake_ledger, stream=_Stream(), make_pdf=False)
    assert result.ok, result.errors
    index = result.index.read_text()
    order = [index.index(f'id="{s}"') for s in
             ("bottom-line", "verdicts", "verdict-timeline", "chapters", "limitations")]
    assert order == sorted(order)
    bottom = index[order[0]:order[1]]
    assert '<span class="eval" data-expr="n_text">seven</span>' in bottom
    assert "Only <span" in index[order[4]:]
    timeline = index[order[2]:order[3]]
    assert "Verdicts over time." in timeline and "data:image/png;base64," in timeline
    assert "Sources: " in timeline and 'href="sources.html#S001"' in timeline
    assert "summary" not in [c.stem for c in result.chapters]


def test_without_chromium_the_html_is_built_and_one_line_says_how_to_get_the_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = write_project(tmp_path)
    (dirs["notebooks_dir"] / "01-broken.py").unlink()
    monkeypatch.setenv("PRKANALYSIS_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = build_report(**dirs, executor=instant, ledger_fn=fake_ledger, stream=_Stream())
    assert result.pdf is None and result.index.is_file()
    assert [p.name for p in result.pages] == ["index.html", "00-intro.html", "02-plain.html"]
    assert len(result.errors) == 1
    line = result.errors[0]
    assert "\n" not in line and "PDF not written" in line
    assert "apt-get install chromium" in line and "--no-pdf" in line
    # the command: exit code 1 (it ran, with a problem), that line on stderr
    monkeypatch.setattr(build, "build_report", lambda **kw: result)
    args = argparse.Namespace(out=str(dirs["out_dir"]), no_cache=False, no_pdf=False, only=None)
    assert build.main(args) == 1
    err = capsys.readouterr().err
    assert "apt-get install chromium" in err
