"""Throughput of experiment sweeps: a serial in-process loop against each Hydra launcher.

    python benchmarks/sweep_bench.py                       # 200 baseline runs, ~8 minutes
    python benchmarks/sweep_bench.py --runs 40 --launchers basic joblib

For ``--runs`` runs of the baseline (40 quarters, tables model and states) it times:
- a serial loop in this process (compose once, then run and write the tables), the reference;
- ``python -m experiments run`` with each launcher, in a fresh folder, jobs of ``--per-job`` runs;
and prints the wall time, the overhead per job in core-seconds beyond the serial loop's work,
and for the parallel launchers the parallel efficiency: serial time / (cores x sweep time). The
same loop split over two plain processes shows the ceiling the machine itself allows.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EFFICIENCY_TARGET = 0.80
BENCH = """\
# @package _global_
# Throughput benchmark: the baseline, {runs} replicates in jobs of {per_job}.
experiment: {{name: bench, master_seed: 1, per_job: {per_job}, tables: [model, states]}}
seed: ${{replicate_seed:${{experiment.master_seed}},${{experiment.replicate}}}}
hydra:
  sweeper:
    params:
      experiment.block: range(0,{blocks})
"""
CORES = {"basic": 1, "joblib": 2, "submitit_local": 2, "ray": 2}


def serial_loop(runs: int, out: Path, first: int = 0) -> float:
    """Compose, run and write ``runs`` baseline runs one after the other in this process."""
    from sim.config.experiment import replicate_seed
    from sim.model import RegulatoryCompetition
    from sim.tools.compose import compose_config
    from sim.tools.runner import write_tables

    t0 = time.perf_counter()
    cfg = compose_config("baseline")  # once: the leanest loop a user could write
    for r in range(first, first + runs):
        model = RegulatoryCompetition(seed=replicate_seed(1, r), config=cfg).run()
        write_tables(model, out / f"replicate={r}", ("model", "states"))
    return time.perf_counter() - t0


def _half(args: tuple[int, int, str]) -> float:
    start, stop, out = args
    return serial_loop(stop - start, Path(out), first=start)


def parallel_loops(runs: int, out: Path, cores: int = 2) -> float:
    """The same work split over ``cores`` plain processes (no Hydra, no launcher): the ceiling
    that this machine's cores allow any launcher."""
    import multiprocessing as mp

    bounds = [(i * runs // cores, (i + 1) * runs // cores, str(out / str(i))) for i in range(cores)]
    with mp.get_context("spawn").Pool(cores) as pool:
        pool.map(_half, [(0, 1, str(out / "warm"))] * cores)  # imports, outside the timing
        t0 = time.perf_counter()
        pool.map(_half, bounds)
        return time.perf_counter() - t0


def sweep(launcher: str, runs: int, per_job: int, cwd: Path) -> float:
    """Wall time of ``python -m experiments run bench`` with ``launcher`` in a fresh folder."""
    folder = cwd / "my_configs" / "experiment"
    folder.mkdir(parents=True)
    text = BENCH.format(runs=runs, per_job=per_job, blocks=-(-runs // per_job))
    (folder / "bench.yaml").write_text(text)
    cmd = [sys.executable, "-m", "experiments", "run", "bench", "--config-dir", "my_configs"]
    cmd += ["--no-figure", "--launcher", launcher, "--jobs", str(CORES[launcher])]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode:
        raise RuntimeError(f"{launcher}: {res.stderr.strip().splitlines()[-1]}")
    return wall


def available(launcher: str) -> bool:
    module = {"submitit_local": "hydra_plugins.hydra_submitit_launcher", "ray": "ray"}
    return launcher not in module or importlib.util.find_spec(module[launcher]) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--per-job", type=int, nargs="+", default=[5], help="runs per job")
    parser.add_argument("--launchers", nargs="+", default=list(CORES), choices=list(CORES))
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        serial = serial_loop(args.runs, Path(tmp) / "serial")
    print(f"{'serial in-process loop':34s}{serial:8.1f} s   {serial / args.runs:.3f} s/run")
    with tempfile.TemporaryDirectory() as tmp:
        two = parallel_loops(args.runs, Path(tmp))
    ceiling = serial / (2 * two)
    print(f"{'2 plain processes (the ceiling)':34s}{two:8.1f} s   efficiency {ceiling:.0%}")
    print(f"{'launcher':20s}{'runs/job':>8s}{'wall s':>9s}{'overhead/job':>14s}{'efficiency':>12s}")
    for launcher in args.launchers:
        if not available(launcher):
            print(f"{launcher:20s} not installed (pip install -e '.[ray]')")
            continue
        for per_job in args.per_job:
            with tempfile.TemporaryDirectory() as tmp:
                wall = sweep(launcher, args.runs, per_job, Path(tmp))
            jobs = -(-args.runs // per_job)
            cores = CORES[launcher]
            overhead = (cores * wall - serial) / jobs
            eff = serial / (cores * wall)
            flag = "" if cores == 1 else (" ok" if eff >= EFFICIENCY_TARGET else " BELOW TARGET")
            effs = f"{eff:11.0%}{flag}" if cores > 1 else f"{'-':>11s}"
            print(f"{launcher:20s}{per_job:8d}{wall:9.1f}{overhead:12.2f} s {effs}")
    print(f"efficiency target for parallel launchers: {EFFICIENCY_TARGET:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
