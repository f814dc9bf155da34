"""Command-line entry point: ``prkanalysis [--debug] [--data DIR] <command>``.

Commands:
    validate  Validate the evidence base against ``data/datapackage.json`` (schema + sha256).
    ledger    Print the claims ledger (C1-C5 and the further claims) with computed verdicts.
    report    Execute every chapter and render the static report (HTML + PDF).
    episodes  Print the decay fits for every PrK pressure episode in the record.

Errors are printed as one line per error on stderr (``prkanalysis <command>: error:
<what, where>``), without a traceback; ``--debug`` shows the traceback as well.

Exit codes:
    0  success.
    1  the command ran but reports problems (``report``: a chapter failed).
    2  invalid input: a bad option or argument, data that fail validation (the message
       names file, row and column), too little data for an estimate.
    3  file-system error: a folder or file missing, unreadable or unwritable.
    4  internal error (a bug: please report it with the ``--debug`` traceback).
    130  interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

#: Exit codes (see the module description and ``prkanalysis --help``).
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INPUT = 2
EXIT_FILES = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

_EPILOG = """\
exit codes:
  0    success
  1    the command ran but reports problems (report: a chapter failed)
  2    invalid input: bad option or argument, data failing validation (file, row,
       column named), too little data for an estimate
  3    file-system error: a folder or file missing, unreadable or unwritable
  4    internal error (a bug: rerun with --debug and report the traceback)
  130  interrupted

Errors print one line each on stderr; --debug adds the traceback."""


def _record(args: argparse.Namespace) -> Any:
    from prkanalysis import config
    from prkanalysis.record import load_record

    data = getattr(args, "data", None)
    return load_record(Path(data) if data else config.DATA_DIR)


def _cmd_validate(args: argparse.Namespace) -> int:
    rec = _record(args)
    for name in rec.table_names():
        print(f"{name:20s} {len(rec.table(name)):5d} rows  ok")
    print(f"evidence base valid ({rec.data_dir}): frictionless schema, keys, sha256 and "
          "domain rules checked")
    return EXIT_OK


def _cmd_ledger(args: argparse.Namespace) -> int:
    from prkanalysis.claims import print_ledger

    grades = getattr(args, "grades", None)
    print_ledger(_record(args), as_of=getattr(args, "as_of", None),
                 grades=grades.split("/") if grades else None)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from prkanalysis.report.build import main as report_main

    return report_main(args)


def _cmd_episodes(args: argparse.Namespace) -> int:
    from prkanalysis.episodes import print_episode_fits

    print_episode_fits(_record(args))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (and exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _common(suppress: bool) -> _Parser:
    """``--debug`` and ``--data``, accepted before or after the command."""
    p = _Parser(add_help=False)
    default: Any = argparse.SUPPRESS if suppress else None
    p.add_argument("--debug", action="store_true",
                   default=argparse.SUPPRESS if suppress else False,
                   help="show the traceback of an error")
    p.add_argument("--data", default=default, metavar="DIR",
                   help="data folder with datapackage.json (default: the project's data/)")
    return p


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per action."""
    parser = _Parser(
        prog="prkanalysis", description=(__doc__ or "").splitlines()[0], epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter, parents=[_common(False)])
    sub = parser.add_subparsers(dest="command", required=True)
    common = [_common(True)]
    sub.add_parser("validate", help="validate the evidence base", parents=common,
                   epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                   ).set_defaults(func=_cmd_validate)
    led = sub.add_parser("ledger", help="print the claims ledger", parents=common,
                         epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    led.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                     help="use only evidence reported on or before this day")
    led.add_argument("--grades", default=None, metavar="P/T",
                     help="trusted source grades, e.g. P, P/T or P/T/A (default: data)")
    led.set_defaults(func=_cmd_ledger)
    sub.add_parser("episodes", help="print the PrK decay fits", parents=common,
                   epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                   ).set_defaults(func=_cmd_episodes)
    rep = sub.add_parser("report", help="build the static report", parents=common,
                         epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    rep.add_argument("--out", default=None, help="output folder (default: report/)")
    rep.add_argument("--no-cache", action="store_true", help="re-execute every chapter")
    rep.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    rep.add_argument("--only", nargs="*", default=None, help="chapter stems to build")
    rep.set_defaults(func=_cmd_report)
    return parser


def _one_line(exc: BaseException) -> str:
    """The error as one line: its message with line breaks folded."""
    text = str(exc).strip() or type(exc).__name__
    return " | ".join(part.strip() for part in text.splitlines() if part.strip())


def _describe(exc: BaseException) -> tuple[int, str]:
    """Exit code and the one-line text of an error (see the module description)."""
    from prkanalysis.errors import PrkError

    if isinstance(exc, PrkError):
        return EXIT_INPUT, _one_line(exc)
    if isinstance(exc, OSError):
        what = exc.strerror or _one_line(exc)
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        return EXIT_FILES, f"{what}{where}"
    return EXIT_INTERNAL, (f"internal error ({type(exc).__name__}: {_one_line(exc)}); "
                           "rerun with --debug for the traceback")


def run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run one command; turn any exception into one line on stderr and an exit code."""
    name = getattr(args, "command", "") or ""
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print(f"prkanalysis {name}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # every error becomes one line; --debug shows the traceback
        if getattr(args, "debug", False):
            traceback.print_exc()
        code, text = _describe(exc)
        print(f"prkanalysis {name}: error: {text}", file=sys.stderr)
        return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (see the module description)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2), already printed
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    return run(args.func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
