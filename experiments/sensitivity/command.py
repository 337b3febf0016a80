"""``python -m experiments run sensitivity [--quick] [--launcher L] [--jobs N] [key=value ...]``:
the settings, the launcher's options (``hydra.launcher.<key>=<value>``), the folder, the lock,
then :func:`experiments.sensitivity.stages.run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.sensitivity import settings as settings_

MAX_LISTED = 10  # failed runs listed by name; the rest are counted


def folder(quick: bool, overrides: tuple[str, ...]) -> Path:
    """``results/sweeps/sensitivity[_quick]``, ``+<digest>`` when the command line changes the
    design (``stages=`` only chooses what runs now)."""
    from experiments.spec import RESULTS
    from sim.tools.outputs import short_digest

    name = f"{settings_.NAME}_quick" if quick else settings_.NAME
    own = sorted(o for o in overrides if o.split("=", 1)[0] not in settings_.SELECTING)
    return RESULTS / "sweeps" / (f"{name}+{short_digest(chr(10).join(own))}" if own else name)


def figure(quick: bool, overrides: tuple[str, ...], committed: bool = False) -> int:
    """Draw E7's figure from its folder: into ``results/figures/`` for ``reproduce``
    (``committed``; ``results/figures/quick/`` for the quick version), else ``<folder>/figure/``."""
    from experiments.figures import sensitivity as drawing
    from experiments.spec import RESULTS

    root = folder(quick, overrides)
    out = RESULTS / "figures" / ("quick" if quick else "") if committed else root / "figure"
    return drawing.main([str(root), "--out", str(out)])


def main(args: argparse.Namespace, draw: bool = True) -> int:
    from experiments.lifecycle import check_launcher, own_sweep
    from experiments.sensitivity.launch import Launch, check, split_options
    from experiments.sensitivity.stages import plan, run
    from sim.tools.sweep import experiment_file

    path = experiment_file(settings_.NAME, tuple(args.config_dir))
    extra, options = split_options(tuple(args.overrides))
    check_launcher(args.launcher)
    launch = Launch(args.launcher, args.jobs, options)
    check(launch)
    s = settings_.load(path, args.quick, extra)
    p = plan(s)  # the design's errors before any folder is made
    root = folder(args.quick, extra)
    with own_sweep(root):
        points, failed = run(p, root, launch)
    stages = ", ".join(f"{k} {v}" for k, v in points.groupby("stage", sort=False).size().items())
    print(f"sensitivity: {len(p.factors)} uncertainties, {len(p.levers)} levers; "
          f"(point, seed) rows: {stages or 'none'}; {len(failed)} failed runs")  # fmt: skip
    for line in failed[:MAX_LISTED]:
        print(f"sensitivity: failed: {line}")
    if len(failed) > MAX_LISTED:
        print(f"sensitivity: ... and {len(failed) - MAX_LISTED} more failed runs")
    print(f"sensitivity: data in {root}/ (points.parquet, design.json)")
    if failed:
        return 1
    if draw and set(settings_.STAGES) <= set(points.stage):  # a figure needs every stage
        committed = args.command == "reproduce" and not extra
        return figure(args.quick, extra, committed)
    return 0
