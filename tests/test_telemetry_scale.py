"""The Dask telemetry pipeline reproduces the in-memory pipeline exactly (SIMULATED data)."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from prkanalysis.config import PROJ_ROOT
from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry import detect_step, robust_scale, simulate, write_parquet
from prkanalysis.telemetry.scale import (
    PipelineParams,
    compare_fits,
    read_channel_arrays,
    run_pipeline_dask,
    run_pipeline_fast,
    run_pipeline_memory,
)

distributed = pytest.importorskip("distributed")

V, T = 5.0, 295.15
BOUNDARIES = ["2019-10-01", "2019-11-01", "2019-12-01"]


def _ns(day: str) -> int:
    return pd.Timestamp(day, tz="UTC").value


def _edge_cases(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Put defects exactly at month (= partition) boundaries. SIMULATED data."""
    df = df.copy()
    prs = np.flatnonzero((df["channel"] == "prk_pressure").to_numpy())
    t = df["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)[prs]
    v = df["value"].to_numpy().copy()
    where = {}
    # a glitch on the first sample of October, and on the last sample of October
    i = int(np.searchsorted(t, _ns(BOUNDARIES[0])))
    v[prs[i]] += 3.0
    where["glitch_first"] = int(t[i])
    j = int(np.searchsorted(t, _ns(BOUNDARIES[1]))) - 1
    v[prs[j]] -= 3.0
    where["glitch_last"] = int(t[j])
    # a frozen stretch of about 1 hour straddling 1 December
    k = int(np.searchsorted(t, _ns(BOUNDARIES[2])))
    n_half = int(1800 / ((t[1] - t[0]) / 1e9))
    v[prs[k - n_half : k + n_half]] = v[prs[k - n_half]]
    where["stale_at"] = int(t[k])
    df["value"] = v
    return df, where


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> dict:
    df, truth = simulate(
        start="2019-09-01", duration_days=120, rate_hz=0.02, closed_days=5, open_hours=1.0,
        leak_history="record", ar1_phi=0.5, noise_mmhg=0.08, n_glitches=60, n_stale=4,
        stale_s=3000.0, n_gaps=3, gap_len_s=9000.0, seed=11,
    )
    df, where = _edge_cases(df)
    path = write_parquet(df, tmp_path_factory.mktemp("telemetry"))
    return {"path": path, "df": df, "truth": truth, "where": where}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
        # in-process workers measure the whole test process: a limit would pause them (and
        # hang the test) once the process has grown past 80 % of it, whatever the data
        memory_limit=0,
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _assert_identical(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) > 0
    for col in ("segment_id", "start", "end", "n", "maxlags", "source", "cov"):
        assert (a[col].to_numpy() == b[col].to_numpy()).all(), col
    rel = compare_fits(a, b)
    assert max(rel.values()) <= 1e-9, rel


@pytest.mark.parametrize("use_hatch", [None, False], ids=["hatch", "pressure"])
def test_dask_equals_memory_on_local_cluster(dataset, client, use_hatch):
    mem = run_pipeline_memory(dataset["path"], V, T, use_hatch=use_hatch)
    dsk = run_pipeline_dask(dataset["path"], V, T, client=client, use_hatch=use_hatch)
    _assert_identical(mem, dsk)
    assert dsk.attrs["partitions"] == 4
    # at least one fitted segment straddles a partition boundary
    bounds = [pd.Timestamp(b, tz="UTC") for b in BOUNDARIES]
    straddle = [((dsk["start"] < b) & (dsk["end"] >= b)).any() for b in bounds]
    assert sum(straddle) >= 2, straddle
    # the HAC standard errors exceed the OLS ones under AR(1) noise (sanity of the fits)
    assert (dsk["k_se"] > 0).all()


def test_boundary_glitches_are_dropped_in_both_paths(dataset, client):
    from prkanalysis.telemetry import clean, read_parquet

    cleaned, audit = clean(read_parquet(dataset["path"]))
    kept = set(cleaned.loc[cleaned["channel"] == "prk_pressure", "time"].astype("int64"))
    assert dataset["where"]["glitch_first"] not in kept
    assert dataset["where"]["glitch_last"] not in kept
    assert audit.n("stale") > 0
    # the same sample counts per segment in the Dask path prove the same samples were dropped
    mem = run_pipeline_memory(dataset["path"], V, T)
    dsk = run_pipeline_dask(dataset["path"], V, T, client=client)
    assert mem["n"].sum() == dsk["n"].sum()


def test_global_step_and_scale_match_clean(dataset):
    _t, v = read_channel_arrays(dataset["path"])
    dsk = run_pipeline_dask(dataset["path"], V, T)
    assert dsk.attrs["step"] == detect_step(v)
    assert dsk.attrs["scale"] == robust_scale(v, detect_step(v))


def test_rates_recovered_simulated_truth(dataset, client):
    """The Dask path recovers the seeded true k of most segments within their 95 % CI."""
    dsk = run_pipeline_dask(dataset["path"], V, T, client=client)
    truth = dataset["truth"].segments
    j = np.searchsorted(truth["start"].astype("int64"), dsk["start"].astype("int64"),
                        side="right") - 1
    k_true = truth["k_per_day"].to_numpy()[j]
    inside = (dsk["k_low"] <= k_true) & (k_true <= dsk["k_high"])
    assert inside.mean() >= 0.7, inside.mean()


def test_many_small_partitions_and_explicit_step(tmp_path):
    """Daily partitions (halos chained over several partitions) and a given step."""
    df, _ = simulate(start="2020-01-01", duration_days=6, rate_hz=0.005, closed_days=2,
                     n_glitches=10, seed=5)
    path = write_parquet(df, tmp_path, partition_by="day")
    params = PipelineParams(step=0.101, stale_min_s=7200.0, min_samples=5)
    mem = run_pipeline_memory(path, V, T, params)
    dsk = run_pipeline_dask(path, V, T, None, params)
    assert dsk.attrs["partitions"] == 6
    _assert_identical(mem, dsk)


def test_bad_input(tmp_path):
    with pytest.raises(TelemetryError, match="no file for channel"):
        run_pipeline_dask(tmp_path, V, T)
    with pytest.raises(TelemetryError, match="unknown pipeline parameter"):
        run_pipeline_dask(tmp_path, V, T, glitchk=3)
    with pytest.raises(TelemetryError, match="volume_m3"):
        run_pipeline_dask(tmp_path, -1.0, T)
    df, _ = simulate(duration_days=2, rate_hz=0.01, seed=1)
    write_parquet(df, tmp_path / "a")
    # a second copy of the same month under another file name overlaps in time
    src = next((tmp_path / "a" / "channel=prk_pressure").rglob("*.parquet"))
    (src.parent / "part-copy.parquet").write_bytes(src.read_bytes())
    with pytest.raises(TelemetryError, match="overlap in time"):
        run_pipeline_dask(tmp_path / "a", V, T)


@pytest.mark.slow
def test_benchmark_smoke(tmp_path):
    """The benchmark script runs end to end on a tiny size (keeps it from rotting)."""
    script = PROJ_ROOT / "benchmarks" / "telemetry_bench.py"
    out = subprocess.run(
        [sys.executable, str(script), "--years", "0.01", "--dask-years", "0.01",
         "--workers", "1", "--out", str(tmp_path), "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "SIMULATED" in out.stdout
    assert "samples/s" in out.stdout
    assert list(tmp_path.glob("telemetry_bench_*.json"))


@pytest.mark.parametrize("n", [200_001, 200_000])
def test_exact_global_median_by_histogram_refinement(monkeypatch, n):
    from prkanalysis.telemetry import scale

    monkeypatch.setattr(scale, "_GATHER_MAX", 500)  # force several refinement rounds
    rng = np.random.default_rng(n)
    v = np.round(700 + rng.normal(0, 30, n), 3)  # many ties
    t = np.arange(n, dtype=np.int64) * 10**9
    cuts = [0, 1000, 70_000, 150_000, n]
    parts = [(t[a:b], v[a:b]) for a, b in itertools.pairwise(cuts)]
    p = PipelineParams()
    summ = [scale._summary(x, p) for x in parts]

    def run(kernel, jobs):
        return [scale._KERNELS[kernel](parts[i], *args) for i, args in jobs]

    got = scale._global_median_abs(run, list(range(len(parts))), summ, n)
    assert got == np.median(np.abs(v))


def test_float_noise_differences_take_the_exact_median_path(tmp_path):
    """Unquantised data with differences near 1e-9 x median |p| (SIMULATED)."""
    df, _ = simulate(duration_days=60, rate_hz=0.02, closed_days=5, seed=3, quant_step=0.0)
    v = df["value"].to_numpy().copy()
    prs = np.flatnonzero((df["channel"] == "prk_pressure").to_numpy())
    rng = np.random.default_rng(0)
    med = np.median(np.abs(v[prs]))
    for i in rng.choice(prs[10:-10], 200, replace=False):
        v[i + 1] = v[i] + rng.uniform(0.3, 3.0) * 1e-9 * med
    df["value"] = v
    path = write_parquet(df, tmp_path)
    mem = run_pipeline_memory(path, V, T)
    fast = run_pipeline_fast(path, V, T)
    assert "exact_median" in fast.attrs["timings"]
    _assert_identical(mem, fast)
    _assert_identical(mem, run_pipeline_dask(path, V, T))

def _frozen_to_boundary(df: pd.DataFrame, hours: float) -> tuple[pd.DataFrame, int, int]:
    """Freeze the pressure from before a hatch change to the last sample before midnight.

    The frozen stretch (``hours`` long at least, longer than the halo of about 1 h) ends
    exactly at a day-partition boundary, and the hatch changes inside it. SIMULATED data.
    """
    df = df.copy()
    tt = df["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    hat = np.flatnonzero((df["channel"] == "prk_hatch").to_numpy())
    hv = df["value"].to_numpy()[hat]
    change = hat[np.flatnonzero(hv[1:] != hv[:-1]) + 1]
    tc = int(tt[change[1]])  # the second hatch change
    boundary = int(pd.Timestamp(tc, tz="UTC").ceil("D").value)
    prs = np.flatnonzero((df["channel"] == "prk_pressure").to_numpy())
    tp = tt[prs]
    a = int(np.searchsorted(tp, min(tc, boundary - int(hours * 3600e9)) - int(1800e9)))
    b = int(np.searchsorted(tp, boundary))  # first sample of the next day
    v = df["value"].to_numpy().copy()
    v[prs[a:b]] = v[prs[a]]
    df["value"] = v
    return df, tc, boundary


@pytest.mark.parametrize("hours", [2.0, 30.0])
def test_frozen_stretch_longer_than_the_halo_ending_on_a_boundary_while_the_hatch_changes(
    tmp_path, client, hours
):
    """The documented halo edge case (once an error): results equal the in-memory path."""
    df, _ = simulate(start="2020-03-01", duration_days=9, rate_hz=0.05, closed_days=2,
                     open_hours=3.0, noise_mmhg=0.08, seed=5)
    df, tc, boundary = _frozen_to_boundary(df, hours)
    path = write_parquet(df, tmp_path / "d", partition_by="day")
    assert tc < boundary
    ref = run_pipeline_memory(path, V, T)
    _assert_identical(run_pipeline_fast(path, V, T), ref)
    _assert_identical(run_pipeline_dask(path, V, T, client=client), ref)


def test_progress_is_the_same_on_the_fast_and_dask_paths(dataset, client, capsys):
    """Both front-ends report the same rounds, partition counts and final counts."""
    seen: dict[str, list[tuple[str, int, int]]] = {"fast": [], "dask": []}
    fast = run_pipeline_fast(dataset["path"], V, T,
                             progress=lambda *a: seen["fast"].append(a))
    dask = run_pipeline_dask(dataset["path"], V, T, client=client,
                             progress=lambda *a: seen["dask"].append(a))
    _assert_identical(fast, dask)
    n = fast.attrs["partitions"]
    for calls in seen.values():
        rounds = [r for r, _, _ in calls]
        assert [r for r, _ in itertools.groupby(rounds) if r != "load"] == [
            "summaries", "step_scale", "process"]
        for r in set(rounds):
            done = [d for x, d, _ in calls if x == r]
            assert done == list(range(1, n + 1))
            assert {tot for x, _, tot in calls if x == r} == {n}
    assert [c for c in seen["fast"] if c[0] != "load"] == seen["dask"]
    # text lines on stderr with progress=True, nothing by default
    run_pipeline_fast(dataset["path"], V, T)
    assert "telemetry" not in capsys.readouterr().err
    run_pipeline_fast(dataset["path"], V, T, progress=True)
    err = capsys.readouterr().err
    assert f"telemetry process: {n}/{n} partitions" in err
    with pytest.raises(TelemetryError, match="progress"):
        run_pipeline_fast(dataset["path"], V, T, progress="yes")


def test_nan_and_duplicate_rows_give_the_in_memory_result(dataset, client):
    """Partitions in which pre_flags drops rows (NaN, duplicates) take the general path."""
    df = dataset["df"]
    prs = np.flatnonzero((df["channel"] == "prk_pressure").to_numpy())
    extra = df.iloc[prs[[100, 2000, 2001, 4000]]]
    df = pd.concat([df, extra], ignore_index=True).sort_values("time", kind="stable")
    v = df["value"].to_numpy().copy()
    v[np.flatnonzero((df["channel"] == "prk_pressure").to_numpy())[[50, 3000]]] = np.nan
    df = df.assign(value=v).reset_index(drop=True)
    path = write_parquet(df, dataset["path"].parent / "with_nan_and_duplicates")
    ref = run_pipeline_memory(path, V, T)
    _assert_identical(run_pipeline_fast(path, V, T), ref)
    _assert_identical(run_pipeline_dask(path, V, T, client=client), ref)
