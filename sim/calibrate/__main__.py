"""``python -m sim.calibrate``: the command line of the calibration report (see the package's
docstring); bad input gets one line and exit code 2, and no file is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sim.calibrate
from sim.calibrate import report, table
from sim.runner import atomic_write
from sim.validate import ConfigError


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        _fail(message)


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    """Run the report from the command line; bad input gets one line and exit code 2."""
    parser = _Parser(
        prog="python -m sim.calibrate", description=sim.calibrate.__doc__.splitlines()[0]
    )
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--scenario", default="baseline", help="a scenario name")
    parser.add_argument(
        "--out", type=Path, default=Path("results/calibration"), help="output folder"
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        _fail(f"--seeds must be at least 1, got {args.seeds}")
    if args.out.exists() and not args.out.is_dir():
        _fail(f"--out {args.out} is a file, not a folder")
    try:
        df = table(args.seeds, args.scenario)
    except ConfigError as exc:
        _fail(str(exc))
    text = report(df, args.seeds, args.scenario)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        csv_path, md_path = args.out / "calibration.csv", args.out / "calibration.md"
        atomic_write(csv_path, lambda p: df.drop(columns="digits").to_csv(p, index=False))
        atomic_write(md_path, lambda p: p.write_text(text))
    except OSError as exc:
        _fail(f"--out {args.out}: {exc.strerror or exc}")
    print(text)
    print(f"wrote {csv_path} and {md_path}")


if __name__ == "__main__":
    main()
