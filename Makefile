# prkanalysis: one target per action. `make help` lists them.
# Every target creates its own virtual environment (.venv) on first use, so a machine
# with only Python 3.11+ is enough.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help env report test lint lab validate ledger bench clean rehash study-coverage study-segments

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml .jupyter/labconfig/default_setting_overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[notebooks,dev,scale]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (prkanalysis)"
	mkdir -p $(VENV)/etc/jupyter/labconfig
	cp .jupyter/labconfig/default_setting_overrides.json $(VENV)/etc/jupyter/labconfig/
	$(BIN)/python -m prkanalysis.telemetry.kernels || echo "telemetry kernels not compiled now: they compile on first use"
	touch $(STAMP)

env: $(STAMP)  ## create .venv and install the package with notebook and dev extras

report: $(STAMP)  ## validate the evidence, execute every chapter, render report/ (HTML + PDF)
	$(BIN)/prkanalysis report

test: $(STAMP)  ## run the whole test suite (unit, reference results, notebooks, report, browser)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check prkanalysis tests benchmarks notebooks
	$(BIN)/mypy prkanalysis

lab: $(STAMP)  ## open the chapters in JupyterLab (double-click opens a chapter as a notebook)
	JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter $(BIN)/jupyter lab notebooks/

validate: $(STAMP)  ## validate data/ against its descriptor and checksums
	$(BIN)/prkanalysis validate

rehash: $(STAMP)  ## recompute sha256 in data/datapackage.json after editing data/
	$(BIN)/python -m prkanalysis.provenance

ledger: $(STAMP)  ## print the claims ledger with computed verdicts
	$(BIN)/prkanalysis ledger

bench: $(STAMP)  ## run the benchmarks (telemetry at scale against Polars/DuckDB peers, report build); prints ratios
	$(BIN)/python -m pip install -q -e '.[bench]' || echo "bench extra (polars, duckdb) not installed: the peers will be skipped"
	$(BIN)/python benchmarks/run.py

study-coverage: $(STAMP)  ## coverage of the per-segment k intervals on SIMULATED segments (full study)
	$(BIN)/python -m prkanalysis.telemetry.coverage --full --known

study-segments: $(STAMP)  ## no-hatch telemetry on SIMULATED regimes: boundaries, flags, break-date coverage (full study)
	$(BIN)/python -m prkanalysis.telemetry.study --full

clean:  ## remove the report, caches and the virtual environment
	rm -rf report .cache $(VENV)
