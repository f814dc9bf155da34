"""Command-line entry point: ``prkanalysis <command>``.

Commands:
    validate  Validate the evidence base against ``data/datapackage.json`` (schema + sha256).
    ledger    Print the claims ledger (C1-C5 and the further claims) with computed verdicts.
    report    Execute every chapter and render the static report (HTML + PDF).
    episodes  Print the decay fits for every PrK pressure episode in the record.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _cmd_validate(args: argparse.Namespace) -> int:
    from prkanalysis.record import load_record

    rec = load_record()
    for name in rec.table_names():
        print(f"{name:20s} {len(getattr(rec, name)):5d} rows  ok")
    print("evidence base valid: schema and sha256 checked")
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    from prkanalysis.claims import print_ledger

    grades = getattr(args, "grades", None)
    print_ledger(as_of=getattr(args, "as_of", None), grades=grades.split("/") if grades else None)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from prkanalysis.report.build import main as report_main

    return report_main(args)


def _cmd_episodes(args: argparse.Namespace) -> int:
    from prkanalysis.episodes import print_episode_fits

    print_episode_fits()
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per action."""
    parser = argparse.ArgumentParser(prog="prkanalysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="validate the evidence base").set_defaults(func=_cmd_validate)
    led = sub.add_parser("ledger", help="print the claims ledger")
    led.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                     help="use only evidence reported on or before this day")
    led.add_argument("--grades", default=None, metavar="P/T",
                     help="trusted source grades, e.g. P, P/T or P/T/A (default: data)")
    led.set_defaults(func=_cmd_ledger)
    sub.add_parser("episodes", help="print the PrK decay fits").set_defaults(func=_cmd_episodes)
    rep = sub.add_parser("report", help="build the static report")
    rep.add_argument("--out", default=None, help="output folder (default: report/)")
    rep.add_argument("--no-cache", action="store_true", help="re-execute every chapter")
    rep.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    rep.add_argument("--only", nargs="*", default=None, help="chapter stems to build")
    rep.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
