"""The command line: one line per error, no traceback without --debug, documented exit codes."""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

import pytest
from evidence_pkg import write_package

from prkanalysis import cli
from prkanalysis.record import update_hashes


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err


def test_validate_on_a_valid_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = write_package(tmp_path / "pkg")
    code, out, err = run(["validate", "--data", str(pkg)], capsys)
    assert code == cli.EXIT_OK and "evidence base valid" in out and err == ""


@pytest.mark.parametrize("argv", [["--data", "{missing}", "validate"],
                                  ["validate", "--data", "{missing}"],
                                  ["ledger", "--data", "{missing}"],
                                  ["episodes", "--data", "{missing}"]])
def test_missing_data_folder_is_one_line_naming_the_path(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-data"
    code, _, err = run([a.replace("{missing}", str(missing)) for a in argv], capsys)
    assert code == cli.EXIT_INPUT
    assert_one_line(err)
    assert str(missing) in err and "does not exist" in err


def test_invalid_data_names_file_row_column(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    pkg = write_package(tmp_path / "pkg")
    path = pkg / "leak_rates.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[2][rows[0].index("value")] = "lots"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    update_hashes(pkg)
    before = path.read_bytes()
    code, _, err = run(["validate", "--data", str(pkg)], capsys)
    assert code == cli.EXIT_INPUT
    assert_one_line(err)
    assert "leak_rates.csv" in err and "row 2" in err and "'value'" in err
    assert path.read_bytes() == before


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--debug", "validate", "--data", str(tmp_path / "none")], capsys)
    assert code == cli.EXIT_INPUT and "Traceback" in err
    assert err.rstrip().splitlines()[-1].startswith("prkanalysis validate: error:")


def _raiser(exc: BaseException):
    def func(args: argparse.Namespace) -> int:
        raise exc
    return func


@pytest.mark.parametrize(("exc", "code", "text"), [
    (RuntimeError("boom\nsecond line"), cli.EXIT_INTERNAL, "internal error (RuntimeError"),
    (PermissionError(13, "Permission denied", "/readonly/out"), cli.EXIT_FILES,
     "Permission denied: /readonly/out"),
    (FileNotFoundError(2, "No such file or directory", "x.csv"), cli.EXIT_FILES, "x.csv"),
    (KeyError("zz"), cli.EXIT_INTERNAL, "--debug"),
])
def test_every_error_is_one_line_with_its_exit_code(
        exc: BaseException, code: int, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(command="validate", debug=False)
    got = cli.run(_raiser(exc), args)
    err = capsys.readouterr().err
    assert got == code
    assert_one_line(err)
    assert text in err


def test_usage_errors_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["nosuch"], capsys)
    assert code == cli.EXIT_INPUT and "invalid choice" in err
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "exit codes:" in out and "130" in out
    code, out, _ = run(["validate", "--help"], capsys)
    assert code == 0 and "exit codes:" in out and "--data DIR" in out


def test_installed_entry_point_prints_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "prkanalysis.cli", "validate", "--data", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == cli.EXIT_INPUT
    assert_one_line(proc.stderr)
    assert str(tmp_path / "x") in proc.stderr
