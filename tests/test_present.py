"""Tables for readers and figure captions (prkanalysis.present)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from prkanalysis import figures, present
from prkanalysis.errors import PrkError

RAW_MARKERS = ("NaN", "nan", "<NA>", "NaT", "inf", "e+0", "e-0", "rows ×", "columns")


def test_raw_dataframe_artefacts_never_reach_the_reader() -> None:
    df = pd.DataFrame({
        "year": [1898.0, 2024.0, np.nan],
        "rate_lb_day": [0.123456789, np.inf, pd.NA],
        "p_value": [5.409e-08, 0.06307, 1.0],
        "when": [pd.Timestamp("2024-04-12"), pd.NaT, pd.Timestamp("2021-03-01 14:30")],
        "n": pd.array([1597457, None, 3], dtype="Int64"),
    }, index=[10, 11, 12])
    t = present.table(df, units={"rate_lb_day": "lb/day"}, labels={"rate_lb_day": "leak rate"})
    html = t.to_html()
    for marker in RAW_MARKERS:
        assert marker not in html, marker
    assert list(t.frame.columns) == ["year", "leak rate (lb/day)", "p value", "when", "n"]
    assert t.frame["year"].tolist() == ["1898", "2024", "not published*"]
    assert t.frame["leak rate (lb/day)"].tolist() == ["0.123", "unbounded†", "not published*"]
    assert t.frame["p value"].tolist() == ["5.41 × 10⁻⁸", "0.0631", "1"]
    assert t.frame["when"].tolist() == ["2024-04-12", "not published*", "2021-03-01 14:30"]
    assert t.frame["n"].tolist() == ["1,597,457", "not published*", "3"]
    assert len(t.notes) == 2 and t.notes[0].startswith("* not published")
    assert "10" not in t.frame.to_string(index=False).split("\n")[1].split()[:1]  # no index
    assert ">10<" not in html


def test_dash_for_missing_with_its_own_footnote() -> None:
    t = present.table(pd.DataFrame({"a": [1.0, None]}), missing="—", missing_note="not applicable.")
    assert t.frame["a"].tolist() == ["1", "—*"]
    assert t.notes == ("* —: not applicable.",)


def test_digits_per_column_and_for_all() -> None:
    df = pd.DataFrame({"a": [3.14159], "b": [2.71828]})
    assert present.table(df, digits={"a": 2}).frame.iloc[0].tolist() == ["3.14", "2.72"]
    assert present.table(df, digits=1).frame.iloc[0].tolist() == ["3.1", "2.7"]


def test_wide_table_with_few_rows_is_transposed() -> None:
    df = pd.DataFrame({"method": ["A", "B"], **{f"q{i}": [i, i + 0.5] for i in range(9)}})
    t = present.table(df)
    assert list(t.frame.columns) == ["quantity", "A", "B"]
    assert len(t.frame) == 9


def test_wide_table_with_many_rows_is_split_repeating_the_key() -> None:
    df = pd.DataFrame({"id": list("abcdef"), **{f"q{i}": range(6) for i in range(10)}})
    t = present.table(df, max_columns=5)
    assert len(t.parts) == 3
    assert all(p.columns[0] == "id" and p.shape[1] <= 5 for p in t.parts)
    shown = [c for p in t.parts for c in p.columns if c != "id"]
    assert shown == [f"q{i}" for i in range(10)]
    assert t.to_html().count("<table") == 3


def test_bad_arguments_name_the_argument() -> None:
    with pytest.raises(PrkError, match="units"):
        present.table(pd.DataFrame({"a": [1]}), units={"b": "m"})
    with pytest.raises(PrkError, match="max_columns"):
        present.table(pd.DataFrame({"a": [1]}), max_columns=1)
    with pytest.raises(PrkError, match="DataFrame"):
        present.table([1, 2])  # type: ignore[arg-type]


def test_figure_caption_and_source_line_are_under_the_image() -> None:
    t = pd.DataFrame({"label": ["a"], "estimate": [1.0], "low": [0.5], "high": [2.0]})
    res = present.figure(figures.interval_forest(t, xlabel="ratio (-)", title="Ratios"),
                         caption="One ratio.", sources=["S001", "L012"])
    data, meta = res._repr_mimebundle_()
    html = data["text/html"]
    assert "image/png" not in data  # the report renders the HTML (caption included)
    assert html.index("<img") < html.index("One ratio.") < html.index("Sources: S001, L012")
    assert meta["prkanalysis"]["sources"] == ["S001", "L012"]
    assert meta["prkanalysis"]["overlaps"] == []


def test_overlap_check_finds_planted_collisions_and_passes_clean_figures() -> None:
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.set_title("a title")
    ax.annotate("doubled", xy=(0.5, 1.0), xycoords="axes fraction", ha="center", va="bottom")
    assert {frozenset(p) for p in present.text_overlaps(fig)} == {frozenset(("a title", "doubled"))}
    clean = Figure(figsize=(4, 3))
    cax = clean.add_subplot()
    cax.set_title("a title")
    cax.set_xlabel("x (m)")
    assert present.text_overlaps(clean) == []


def test_bare_figure_needs_a_caption() -> None:
    with pytest.raises(PrkError, match="caption"):
        present.figure(Figure())
