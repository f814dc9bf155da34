"""Degenerate series, pandas inputs and argument checks across the models.

A constant series (a frozen gauge), an exactly fitted one, or rounding-level noise on
either must never read as a finding: each test gets ``InsufficientDataError`` ("no
variation") or a result that says so, never a small p-value. Pandas inputs are handled on
purpose (datetimes and unsorted indexes refused with a hint), and every argument error
names the argument, its value and the accepted range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prkanalysis.errors import ArgumentError, InsufficientDataError
from prkanalysis.models import (
    breakpoints,
    chow_test,
    cusum_test,
    fit_decay,
    growth_rate,
    segment_rss_matrix,
    segmented_fit,
    sup_f_test,
    tost_mean,
    tost_slope,
)
from prkanalysis.models._linalg import EXACT_FIT_RTOL, as_count, is_exact_fit

N = 60
T = np.arange(N, dtype=float)
X_LINE = np.c_[np.ones(N), T]

#: (label, y, X): series that carry no variation to test
DEGENERATE = [
    ("constant", np.full(N, 733.0), None),
    ("constant zero", np.zeros(N), None),
    ("constant with rounding noise", 733.0 + 1e-13 * np.cos(T), None),
    ("exact line", 2.0 + 0.5 * T, X_LINE),
    ("exact line, large offset", 1e6 + 0.25 * T, X_LINE),
    ("frozen gauge at a tiny level", np.full(N, 1e-9), None),
]


def _ids(cases: list[tuple[str, np.ndarray, np.ndarray | None]]) -> list[str]:
    return [c[0] for c in cases]


@pytest.mark.parametrize(("label", "y", "X"), DEGENERATE, ids=_ids(DEGENERATE))
def test_break_tests_say_no_variation(label: str, y: np.ndarray, X: np.ndarray | None) -> None:
    for run in (lambda: sup_f_test(y, X), lambda: cusum_test(y, X),
                lambda: cusum_test(y, X, kind="rec"), lambda: breakpoints(y, X),
                lambda: chow_test(y, X, split=N // 2)):
        with pytest.raises(InsufficientDataError, match="no variation"):
            run()


@pytest.mark.parametrize(("label", "y", "X"), DEGENERATE, ids=_ids(DEGENERATE))
def test_equivalence_and_kinks_say_no_variation(label: str, y: np.ndarray,
                                                X: np.ndarray | None) -> None:
    with pytest.raises(InsufficientDataError, match="no variation"):
        tost_slope(T, y, 0.05)
    with pytest.raises(InsufficientDataError, match="no variation"):
        segmented_fit(T, y)
    if X is None:
        with pytest.raises(InsufficientDataError, match="no variation"):
            tost_mean(y, -1, 1)


def test_noiseless_step_is_not_an_infinite_statistic() -> None:
    y = np.where(T < 25, 700.0, 690.0)  # a perfect step: both segments fitted exactly
    with pytest.raises(InsufficientDataError, match=r"no variation|fits both segments exactly"):
        sup_f_test(y)
    with pytest.raises(InsufficientDataError, match="exactly"):
        chow_test(y, None, split=25)
    bp = breakpoints(y)  # dating an exact step is fine: the break is where it is
    assert bp.breaks == (25,) and np.isfinite(bp.bic).all()


def test_small_real_noise_is_still_tested() -> None:
    # noise far above rounding (1e-6 of the level) on a constant: a valid null series
    rng = np.random.default_rng(11)
    y = 733.0 + 733e-6 * rng.normal(size=N)
    assert sup_f_test(y).pvalue > 0.01
    assert cusum_test(y).pvalue > 0.01
    assert not is_exact_fit(float(np.sum((y - y.mean()) ** 2)), y)
    assert EXACT_FIT_RTOL < 1e-6


def test_decay_frozen_gauge_and_exact_curve() -> None:
    t = np.arange(8.0)
    with pytest.raises(InsufficientDataError, match="no variation"):
        fit_decay(t, np.full(8, 700.0))
    with pytest.raises(InsufficientDataError, match="no variation"):
        fit_decay(t, np.full(8, 700.0), method="loglinear")
    exact = fit_decay(t, 700.0 * np.exp(-0.1 * t))
    assert exact.k_per_day == pytest.approx(0.1, rel=1e-9)
    assert np.isnan(exact.k_se) and all(np.isnan(exact.k_ci))
    assert "no variation" in exact.note
    with pytest.raises(InsufficientDataError, match="no variation"):
        growth_rate(t, np.exp(0.2 * t))


# ----------------------------------------------------------------------- pandas inputs


def test_datetime_x_is_refused_with_a_hint() -> None:
    days = pd.date_range("2020-01-01", periods=N, freq="D")
    y = pd.Series(700.0 - 0.1 * T + np.sin(T), index=days)
    for bad in (days, pd.Series(days), days.to_numpy()):
        with pytest.raises(ArgumentError, match=r"argument 'x'.*Timedelta\(days=1\)"):
            segmented_fit(bad, y)
        with pytest.raises(ArgumentError, match="argument 'x'"):
            tost_slope(bad, y.to_numpy(), 0.1)
    with pytest.raises(ArgumentError, match=r"argument \"X\['t'\]\""):
        sup_f_test(y, pd.DataFrame({"c": 1.0, "t": days}, index=days))
    # the hint works: elapsed days give a finite, sensible kink
    fit = segmented_fit((days - days[0]) / pd.Timedelta(days=1), y)
    assert 0 < fit.psi[0] < N and np.isfinite(fit.psi_se[0])


def test_unsorted_index_is_refused() -> None:
    days = pd.date_range("2020-01-01", periods=N, freq="D")
    rng = np.random.default_rng(3)
    y = pd.Series(rng.normal(size=N), index=days).sample(frac=1.0, random_state=1)
    for run in (lambda: sup_f_test(y), lambda: breakpoints(y), lambda: cusum_test(y),
                lambda: chow_test(y, None, 30)):
        with pytest.raises(ArgumentError, match="sort_index"):
            run()
    assert sup_f_test(y.sort_index()).n == N  # sorted, it runs


def test_split_must_be_a_whole_number_of_observations() -> None:
    rng = np.random.default_rng(5)
    days = pd.date_range("2020-01-01", periods=N, freq="D")
    y = pd.Series(rng.normal(size=N), index=days)
    with pytest.raises(ArgumentError, match=r"'split'.*a date is not a position"):
        chow_test(y, None, split=days[30])
    with pytest.raises(ArgumentError, match=r"'split' = 50.5.*not a whole number"):
        chow_test(y, None, split=50.5)
    with pytest.raises(ArgumentError, match=r"'split' = 70 .*\[1, 59\]"):
        chow_test(y, None, split=70)
    assert chow_test(y, None, split=30.0).split == 30  # a whole float is a count


def test_strings_are_refused() -> None:
    with pytest.raises(InsufficientDataError, match="argument 'x' cannot be read as numbers"):
        tost_mean(["a", "b", "c"], -1, 1)
    with pytest.raises(InsufficientDataError, match="argument 'y'"):
        sup_f_test(["1", "2", "x"] * 10)
    with pytest.raises(ArgumentError, match="argument 'y'"):
        breakpoints("733 733 733")


@pytest.mark.parametrize(("call", "arg"), [
    (lambda y: sup_f_test(y, trim=0.6), "trim"),
    (lambda y: sup_f_test(y, trim=-0.1), "trim"),
    (lambda y: sup_f_test(y, trim=float("nan")), "trim"),
    (lambda y: breakpoints(y, h=0), "h"),
    (lambda y: breakpoints(y, h=12.5), "h"),
    (lambda y: breakpoints(y, max_breaks=-1), "max_breaks"),
    (lambda y: breakpoints(y, max_breaks=2.5), "max_breaks"),
    (lambda y: cusum_test(y, kind="mosum"), "kind"),
    (lambda y: segmented_fit(T, y, n_breaks=0), "n_breaks"),
    (lambda y: segmented_fit(T, y, cov="robust"), "cov"),
    (lambda y: tost_slope(T, y, -0.1), "delta"),
    (lambda y: tost_slope(T, y, (0.1, -0.1)), "upp"),
    (lambda y: tost_slope(T, y, 0.1, alpha=0.5), "alpha"),
    (lambda y: tost_mean(y, 1, float("inf")), "upp"),
    (lambda y: segment_rss_matrix(y, h=0), "h"),
])
def test_argument_errors_name_argument_value_and_range(call, arg: str) -> None:
    y = np.random.default_rng(0).normal(size=N)
    with pytest.raises(ArgumentError) as info:
        call(y)
    err = info.value
    assert err.name == arg and f"argument {arg!r}" in str(err) and "accepted" in str(err)


def test_as_count_refuses_bool_and_text() -> None:
    for bad in (True, "3", None, 2.5, float("inf")):
        with pytest.raises(ArgumentError):
            as_count(bad, "m", 0, 10)


def test_size_guards_are_clear() -> None:
    from prkanalysis.models.breaks import MAX_BREAKPOINTS_N, MAX_RSS_MATRIX_N

    with pytest.raises(InsufficientDataError, match="GiB"):
        segment_rss_matrix(np.zeros(MAX_RSS_MATRIX_N + 1) + np.arange(MAX_RSS_MATRIX_N + 1))
    with pytest.raises(ArgumentError, match="MAX_BREAKPOINTS_N"):
        breakpoints(np.arange(MAX_BREAKPOINTS_N + 1, dtype=float))


def test_breakpoints_memory_is_bounded() -> None:
    # O(n x breaks): n = 6000 with the former (n + 1)^2 programme needed > 280 MiB per
    # matrix; the streamed programme stays within one block budget plus O(n m)
    import tracemalloc

    rng = np.random.default_rng(8)
    y = rng.normal(size=6000)
    y[2000:] += 1.0
    tracemalloc.start()
    bp = breakpoints(y, h=0.2, max_breaks=3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert abs(bp.breaks[0] - 2000) <= 30
    assert peak < 80 * 2**20, peak / 2**20


def _public_functions() -> list[str]:
    import inspect

    from prkanalysis import models

    return [n for n in models.__all__
            if callable(getattr(models, n)) and not inspect.isclass(getattr(models, n))]


@pytest.mark.parametrize("name", _public_functions())
def test_every_public_function_checks_each_required_argument(name: str) -> None:
    # each required argument in turn replaced by a bad value, the others sensible:
    # only project errors (or a result), never TypeError/ValueError/IndexError from inside
    import inspect
    import warnings

    from prkanalysis import models
    from prkanalysis.errors import PrkError

    f = getattr(models, name)
    req = [p for p in inspect.signature(f).parameters.values()
           if p.default is inspect.Parameter.empty
           and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    y = np.random.default_rng(0).normal(size=30)
    sensible = {"y": y, "x": y, "t": np.arange(30.0), "p": 700 - np.arange(30.0) + y,
                "X": np.c_[np.ones(30), np.arange(30.0)], "split": 15}
    for i, target in enumerate(req):
        for bad in (None, "x", [], float("nan"), {}, -1, 0, [1.0, 2.0, 3.0], float("inf"),
                    True, pd.Timestamp("2020-01-01")):
            args = [bad if j == i else sensible.get(p.name, 1.0) for j, p in enumerate(req)]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    f(*args)
                except PrkError:
                    pass
                except TypeError as exc:  # only Python's own "missing argument" is allowed
                    assert "positional argument" in str(exc), (target.name, bad, exc)
