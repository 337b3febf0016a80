"""``python -m experiments``: run the paper's experiments and draw their figures.

    python -m experiments list                          # E1-E6 and their sweeps
    python -m experiments run dual_track                # sweep on the local cores, then aggregate
    python -m experiments run dual_track --launcher submitit_slurm hydra.launcher.partition=cpu
    python -m experiments figure dual_track             # results/sweeps/dual_track/figure/
    python -m experiments reproduce [--quick]           # every experiment; results/figures/
    python -m experiments claims [--quick]              # each claim with its mechanism on and off
    python -m experiments power [--quick]               # seeds each headline needs
    python -m experiments run sensitivity [--quick]     # E7: morris, sobol, explore, defaults

A sweep run again finishes only its missing jobs. Bad input ends with one line naming what to fix
and exit code 2; failed jobs are listed by name, the others still land, and the exit code is 1.
Only ``reproduce`` writes the committed figures; ``run`` and ``figure`` draw into the sweep's
folder, which is ``results/sweeps/<name>+<digest>/`` for a sweep with overrides of its own.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys

from sim.tools.threads import serial_blas

serial_blas()  # before NumPy is imported: the claims' and sweeps' workers inherit it

from experiments.lifecycle import Interrupted  # noqa: E402
from experiments.run import LAUNCHERS, SweepError, launch  # noqa: E402
from experiments.spec import EXPERIMENTS, Experiment, available  # noqa: E402
from sim.tools.validate import ConfigError  # noqa: E402


def figure(
    exp: Experiment, quick: bool, extra: tuple[str, ...] = (), committed: bool = False
) -> tuple[str, dict]:
    """Draw the figure of ``exp`` from its aggregated sweep (into ``results/figures/`` only when
    ``committed``, i.e. for ``reproduce``); returns the PNG path and headline."""
    from experiments.figures.common import Sweep, save

    sweep = Sweep.load(exp.sweep_root(quick, extra))
    module = importlib.import_module(f"experiments.figures.{exp.name}")
    fig, data, headline = module.draw(sweep)
    png = save(fig, data, exp.name, sweep, exp.figure_dir(quick, extra, committed), headline)
    return str(png), headline


def _run_one(name: str, args: argparse.Namespace, draw: bool) -> int:
    if name == "sensitivity":  # E7: its own stages and jobs, not a Hydra sweep
        from experiments.sensitivity.command import main as sensitivity

        return sensitivity(args, draw)
    exp = Experiment.load(name, tuple(args.config_dir))
    extra = tuple(args.overrides)
    report = launch(exp, args.quick, args.launcher, args.jobs, extra)
    for line in report.lines():
        print(
            f"{name}: {line}",
            file=sys.stderr if line.startswith(("failed", "missing")) else sys.stdout,
        )
    print(f"{name}: data in {exp.sweep_root(args.quick, extra)}/")
    if draw and report.done:
        png, headline = figure(exp, args.quick, extra, committed=args.command == "reproduce")
        print(f"{name}: figure {png}")
        for key, value in headline.items():
            print(f"    {key}: {value}")
    return 0 if report.complete else 1


def _sweep_mismatch() -> type[Exception]:
    # Matplotlib and SciPy load only to draw (an except clause evaluates this when needed):
    # `run --no-figure` starts without them.
    from experiments.figures.common import SweepMismatch

    return SweepMismatch


def _positive(text: str) -> int:
    """``--jobs``: a whole number from 1 (0 would silently fall back to every core)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number >= 1")
    return int(text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the usage block
        self.exit(2, f"error: {message} (see python -m experiments --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m experiments", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="the experiments and their sweeps")
    c = sub.add_parser("claims", help="each claim's effect with its mechanism on and off")
    c.add_argument("--quick", action="store_true", help="3 seeds, 12 quarters")
    c.add_argument("--jobs", type=_positive, help="parallel runs (default: every core)")
    w = sub.add_parser("power", help="seeds each headline needs, from the aggregated sweeps")
    w.add_argument("--quick", action="store_true", help="from the quick sweeps")
    for cmd in ("run", "figure", "reproduce"):
        p = sub.add_parser(cmd)
        if cmd != "reproduce":
            p.add_argument("name", help="an experiment of configs/experiment/")
        p.add_argument("--quick", action="store_true", help="the small version (CI, tests)")
        p.add_argument("--config-dir", action="append", default=[], help="your own config folder")
        if cmd != "figure":
            p.add_argument("--launcher", choices=sorted(LAUNCHERS), default="joblib")
            p.add_argument(
                "--jobs", type=_positive, help="parallel jobs (joblib, ray, E7 submitit)"
            )
            p.add_argument("--no-figure", action="store_true", help="run and aggregate only")
        p.add_argument("overrides", nargs="*", help="extra Hydra overrides for every job")
    args, rest = parser.parse_known_args(argv)
    unknown = [a for a in rest if a.startswith("-")]
    if unknown or (rest and args.command in ("list", "claims", "power")):
        parser.error(f"unrecognized arguments: {' '.join(unknown or rest)}")
    if rest:  # overrides given after an option: `run x --quick a=1`
        args.overrides = [*args.overrides, *rest]
    try:
        if args.command == "list":
            for name in available():
                if name == "sensitivity":
                    print(f"{name:18s}  staged: morris, sobol, explore, defaults  E7, global "
                          "sensitivity")  # fmt: skip
                    continue
                exp = Experiment.load(name)
                full, quick = len(exp.runs(False)), len(exp.runs(True))
                print(f"{name:18s} {full:5d} runs ({quick} quick)  {exp.title}")
            return 0
        if args.command == "figure" and args.name == "sensitivity":
            from experiments.sensitivity.command import figure as sensitivity_figure

            return sensitivity_figure(args.quick, tuple(args.overrides))
        if args.command == "figure":
            exp = Experiment.load(args.name, tuple(args.config_dir))
            png, _ = figure(exp, args.quick, tuple(args.overrides))
            print(png)
            return 0
        if args.command == "power":
            from experiments import power

            power.main(args.quick, committed=False)
            return 0
        if args.command in ("claims", "reproduce"):
            from experiments import claims  # SciPy's statistics and the model: not for `run`
        if args.command == "claims":
            print(claims.main(args.quick, committed=False, jobs=args.jobs or -1))
            return 0
        names = (*EXPERIMENTS, "sensitivity") if args.command == "reproduce" else (args.name,)
        codes = [_run_one(n, args, draw=not args.no_figure) for n in names]
        if args.command == "reproduce" and not args.no_figure:
            # the claims table is redrawn with the figures, from the same code revision
            committed = not args.overrides  # a user's own overrides never rewrite the table
            print(claims.main(args.quick, committed=committed, jobs=args.jobs or -1))
            from experiments import power

            power.main(args.quick, committed=committed)
        return max(codes)
    except (ConfigError, FileNotFoundError, _sweep_mismatch()) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SweepError as exc:
        print(f"{exc}\n(full output: {exc.log})", file=sys.stderr)
        return exc.code
    except (Interrupted, KeyboardInterrupt) as exc:
        given = sys.argv[1:] if argv is None else argv
        again = shlex.join(["python", "-m", "experiments", *given])
        why = f" ({exc})" if str(exc) else ""
        print(f"\ninterrupted{why}; run `{again}` again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
