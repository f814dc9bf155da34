"""The probe catalogue of ``benchmarks/probe_reliability.py``: no probe may end badly.

Each probe feeds one bad or degenerate input to the public API or the CLI and states the
correct outcome (a clear project error mentioning the argument/file/row/column, or a
checked result). A failure names the probe and what happened instead.
"""

from __future__ import annotations

import sys

import pytest

from prkanalysis import config

sys.path.insert(0, str(config.PROJ_ROOT / "benchmarks"))
import probe_reliability as probes

CATALOGUE = probes.catalogue()


@pytest.mark.parametrize("probe", CATALOGUE, ids=[f"{p.cls}: {p.what}" for p in CATALOGUE])
def test_probe(probe: probes.Probe, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    outcome = probes.run_probe(probe)
    assert outcome.kind in ("error", "result"), outcome.detail


def test_catalogue_covers_every_class() -> None:
    classes = {p.cls for p in CATALOGUE}
    assert {"degenerate series", "pandas inputs", "argument checks", "odd shapes and types",
            "telemetry readers", "validator", "CLI"} <= classes
    assert len(CATALOGUE) >= 150
