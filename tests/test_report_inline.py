"""MyST inline expressions ({eval}`name`): evaluated in the kernel after the preceding code
cells, stored as jupyterlab-myst stores them, and rendered into the report's prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from prkanalysis.report import inline
from prkanalysis.report.render import render_cell

CHAPTER = '''# %% [markdown]
# # 00 · A test chapter
#
# Opening with {eval}`n_rows`.

# %%
n_rows = 17
rate_text = f"{1.7:.1f} lb/day"

# %% [markdown]
# The rate was {eval}`rate_text`; twice the rows is {eval}`n_rows * 2`.

# %%
n_rows = 40

# %% [markdown]
# Later the rows were {eval}`n_rows`.
'''


def test_expressions_parsed_in_order_without_duplicates() -> None:
    assert inline.expressions("{eval}`a` x {eval}`b_2` {eval}`a`") == ["a", "b_2"]
    assert inline.expressions("`a` and {eval} alone") == []


def test_string_values_lose_their_quotes_and_markdown_is_escaped() -> None:
    ok = {"s": {"status": "ok", "data": {"text/plain": "'a_b *c*'"}}}
    out = inline.substitute("v {eval}`s`", ok)
    assert out == 'v <span class="eval" data-expr="s">a\\_b \\*c\\*</span>'


def test_missing_or_failed_values_are_marked_and_reported() -> None:
    cell = {"cell_type": "markdown", "source": "{eval}`x` {eval}`y`",
            "metadata": {"user_expressions": [
                {"expression": "x", "result": {"status": "error", "ename": "NameError",
                                               "evalue": "name 'x' is not defined"}}]}}
    assert [p[1] for p in inline.problems([cell])] == ["x", "y"]
    html = render_cell(_node(cell), 0)
    assert "eval-error" in html and "NameError" in html


def _node(d: dict) -> object:
    import nbformat

    return nbformat.from_dict(d)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> object:
    from prkanalysis.report.execute import execute_chapter

    folder = tmp_path_factory.mktemp("chapters")
    path = folder / "00-inline.py"
    path.write_text(CHAPTER, encoding="utf-8")
    return execute_chapter(path, timeout=120)


def test_values_come_from_the_kernel_after_the_preceding_cells(executed: object) -> None:
    outcome = executed
    assert outcome.failure is not None  # the opening cell names n_rows before it exists
    assert outcome.failure.cell_index == 0
    assert outcome.failure.ename == "InlineExpressionError"
    cells = outcome.notebook.cells
    meta = cells[2].metadata["user_expressions"]
    assert [m["expression"] for m in meta] == ["rate_text", "n_rows * 2"]
    assert meta[1]["result"]["data"]["text/plain"] == "34"
    html = render_cell(cells[2], 2)
    assert ">1.7 lb/day<" in html and ">34<" in html and "{eval}" not in html
    later = cells[4].metadata["user_expressions"][0]["result"]["data"]["text/plain"]
    assert later == "40"  # evaluated after the cell that reassigned it


def test_a_chapter_whose_values_all_resolve_executes_cleanly(tmp_path: Path) -> None:
    from prkanalysis.report.execute import execute_chapter

    path = tmp_path / "00-ok.py"
    path.write_text(CHAPTER.replace("# Opening with {eval}`n_rows`.", "# Opening."),
                    encoding="utf-8")
    outcome = execute_chapter(path, timeout=120)
    assert outcome.failure is None, outcome.failure
    assert inline.problems(outcome.notebook.cells) == []
