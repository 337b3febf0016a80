"""``python -m sim.tools.calibrate``: the in-sample and held-out tables;
``python -m sim.tools.calibrate fit``: the fit (see the package's docstring). Bad input gets one
line and exit code 2, and no file is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sim.tools.calibrate
from sim.tools.calibrate import fit as fitting
from sim.tools.calibrate import held_out_table, in_sample_table
from sim.tools.calibrate.report import report
from sim.tools.run_loader import fail
from sim.tools.runner import atomic_write
from sim.tools.validate import ConfigError


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        fail(message)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def tables(argv: list[str]) -> None:
    """Print and write the in-sample and held-out tables."""
    parser = _Parser(
        prog="python -m sim.tools.calibrate",
        description=sim.tools.calibrate.__doc__.splitlines()[0],
    )
    parser.add_argument("--seeds", type=_positive, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--scenario", default="baseline", help="a scenario name")
    parser.add_argument(
        "--out", type=Path, default=Path("results/calibration"), help="output folder"
    )
    args = parser.parse_args(argv)
    if args.out.exists() and not args.out.is_dir():
        fail(f"--out {args.out} is a file, not a folder")
    try:
        frames = {
            "in_sample": in_sample_table(args.seeds, args.scenario),
            "held_out": held_out_table(args.seeds, args.scenario),
        }
    except ConfigError as exc:
        fail(str(exc))
    record = fitting.read()[1] if fitting.CALIBRATED.exists() else {}
    texts = {k: report(df, k, args.seeds, args.scenario, record) for k, df in frames.items()}
    written = []
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, df in frames.items():
            csv, md = args.out / f"{name}.csv", args.out / f"{name}.md"
            atomic_write(csv, lambda p, df=df: df.to_csv(p, index=False))
            atomic_write(md, lambda p, name=name: p.write_text(texts[name]))
            written += [csv, md]
    except OSError as exc:
        fail(f"--out {args.out}: {exc.strerror or exc}")
    print("\n".join(texts.values()))
    print("wrote " + ", ".join(map(str, written)))


def fit(argv: list[str]) -> None:
    """Rerun the fit and rewrite configs/world/calibrated.yaml."""
    parser = _Parser(
        prog="python -m sim.tools.calibrate fit", description=fitting.__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--seeds",
        type=_positive,
        default=fitting.SEEDS,
        help=f"common random numbers: seeds 0..N-1 (default {fitting.SEEDS})",
    )
    parser.add_argument(
        "--max-evaluations", type=_positive, default=None, help="budget of the optimiser"
    )
    parser.add_argument(
        "--scenario", default="baseline", help="the world to fit (default baseline)"
    )
    args = parser.parse_args(argv)
    try:
        problem = fitting.problem(args.scenario, args.seeds)
    except ConfigError as exc:
        fail(str(exc))
    result = fitting.fit(problem, args.max_evaluations)
    fitting.write(result)
    for key, value in result.values.items():
        print(f"{key} = {value:.6g}")
    print(
        f"objective {result.objective:.4f} (start {result.start_objective:.4f}), "
        f"{result.evaluations} evaluations, {result.wall:.0f} s; wrote {fitting.CALIBRATED}"
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["fit"]:
        fit(argv[1:])
    else:
        tables(argv)


if __name__ == "__main__":
    main()
