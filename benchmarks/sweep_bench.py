"""Throughput of experiment sweeps: a serial in-process loop against each Hydra launcher, the
sweep targets of issue 14 at ten thousand runs, and the full reproduction.

    python benchmarks/sweep_bench.py                          # 200 runs: serial loop vs launchers
    python benchmarks/sweep_bench.py --runs 40 --launchers basic joblib
    python benchmarks/sweep_bench.py --runs 10000             # the sweep targets, PASS/MISS
    python benchmarks/sweep_bench.py --runs 10000 --steps 8   # the same on a shorter horizon
    python benchmarks/sweep_bench.py --reproduce [--quick]    # time the reproduction

Up to 200 runs it times, for the baseline (tables model and states): a serial loop in this
process (compose once, then run and write the tables), the reference; ``python -m experiments
run`` with each launcher in a fresh folder, jobs of ``--per-job`` runs; and the same loop split
over two plain processes (the ceiling the machine allows). Beyond 200 runs it checks the targets:
the sweep of ``--runs`` runs with joblib on 2 cores (wall time with aggregation, peak memory of
the runner and all its processes, files written, per-job overhead against a job's simulation
time) and the parallel efficiency of a 200-run sweep against the serial loop.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

EFFICIENCY_TARGET = 0.90  # of the serial in-process loop, at 200 runs on 2 cores
SWEEP_WALL_TARGET = 600.0  # seconds for 10,000 runs on 2 cores, aggregation included
MEMORY_TARGET = 1024.0  # MB, runner and workers together, whatever the number of runs
OVERHEAD_TARGET = 0.05  # of a job's simulation time
REPRODUCE_TARGET = 90.0  # seconds for `python -m experiments reproduce`
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


def serial_loop(runs: int, out: Path, first: int = 0, steps: int | None = None) -> float:
    """Compose, run and write ``runs`` baseline runs one after the other in this process."""
    from sim.config.experiment import replicate_seed
    from sim.model import RegulatoryCompetition
    from sim.tools.compose import compose_config
    from sim.tools.runner import write_tables

    t0 = time.perf_counter()
    overrides = [f"steps={steps}"] if steps else []
    cfg = compose_config("baseline", overrides)  # once: the leanest loop a user could write
    for r in range(first, first + runs):
        model = RegulatoryCompetition(seed=replicate_seed(1, r), config=cfg).run()
        write_tables(model, out / f"replicate={r}", ("model", "states"))
    return time.perf_counter() - t0


def _half(args: tuple[int, int, str, int | None]) -> float:
    start, stop, out, steps = args
    return serial_loop(stop - start, Path(out), first=start, steps=steps)


def parallel_loops(runs: int, out: Path, cores: int = 2, steps: int | None = None) -> float:
    """The same work split over ``cores`` plain processes (no Hydra, no launcher): the ceiling
    that this machine's cores allow any launcher."""
    import multiprocessing as mp

    bounds = [
        (i * runs // cores, (i + 1) * runs // cores, str(out / str(i)), steps) for i in range(cores)
    ]
    with mp.get_context("spawn").Pool(cores) as pool:
        pool.map(_half, [(0, 1, str(out / "warm"), steps)] * cores)  # imports, outside the timing
        t0 = time.perf_counter()
        pool.map(_half, bounds)
        return time.perf_counter() - t0


# -- a sweep through the runner, watched -------------------------------------------------------


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (from /proc), in MB."""
    parents: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(p.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def watched(cmd: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``cmd``; its wall time, the peak memory of its process tree (MB) and its result."""
    peak = [0.0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            done.wait(0.25)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    watcher.join()
    return wall, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def sweep(
    launcher: str, runs: int, per_job: int, cwd: Path, steps: int | None = None
) -> tuple[float, float]:
    """Wall time and peak memory of ``python -m experiments run bench`` with ``launcher``."""
    folder = cwd / "my_configs" / "experiment"
    folder.mkdir(parents=True)
    text = BENCH.format(runs=runs, per_job=per_job, blocks=-(-runs // per_job))
    (folder / "bench.yaml").write_text(text)
    cmd = [sys.executable, "-m", "experiments", "run", "bench", "--config-dir", "my_configs"]
    cmd += ["--no-figure", "--launcher", launcher, "--jobs", str(CORES[launcher])]
    cmd += [f"steps={steps}"] if steps else []
    wall, peak, res = watched(cmd, cwd)
    if res.returncode:
        raise RuntimeError(f"{launcher}: {res.stderr.strip().splitlines()[-1]}")
    return wall, peak


def overhead_cpu(steps: int | None, n: int = 12) -> tuple[float, float]:
    """CPU seconds of one job's overhead and of one run, from three sweeps with the basic
    launcher (in process): ``n`` jobs of 1 run, 1 job of ``n`` runs, 1 job of 1 run. CPU time
    of the finished processes, so other load on the machine does not count."""
    cpu = []
    for runs, per_job in ((n, 1), (n, n), (1, 1)):
        with tempfile.TemporaryDirectory() as tmp:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            sweep("basic", runs, per_job, Path(tmp), steps)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    jobs, block, one = cpu
    return (jobs - block) / (n - 1), (block - one) / (n - 1)


def job_times(jobs_dir: Path) -> dict:
    """From the jobs' manifests: when the first started, the last ended, and their runs' time."""
    manifests = [json.loads(p.read_text()) for p in jobs_dir.glob("*/runs.json")]
    runs = [r for m in manifests for r in m["runs"].values()]
    return {
        "jobs": len(manifests),
        "first_start": min(m["started"] for m in manifests),
        "last_end": max(r["t"] for r in runs),
        "sim_s": sum(r["wall_time_s"] for r in runs),
    }


def verdict(value: float, target: float, below: bool = True) -> str:
    return "PASS" if (value <= target if below else value >= target) else "MISS"


def available(launcher: str) -> bool:
    module = {"submitit_local": "hydra_plugins.hydra_submitit_launcher", "ray": "ray"}
    return launcher not in module or importlib.util.find_spec(module[launcher]) is not None


# -- the modes ------------------------------------------------------------------------------------


def compare(runs: int, per_jobs: list[int], launchers: list[str], steps: int | None) -> None:
    """The serial loop, two plain processes and each launcher on ``runs`` runs."""
    with tempfile.TemporaryDirectory() as tmp:
        serial = serial_loop(runs, Path(tmp) / "serial", steps=steps)
    print(f"{'serial in-process loop':34s}{serial:8.1f} s   {serial / runs:.3f} s/run")
    with tempfile.TemporaryDirectory() as tmp:
        two = parallel_loops(runs, Path(tmp), steps=steps)
    ceiling = serial / (2 * two)
    print(f"{'2 plain processes (the ceiling)':34s}{two:8.1f} s   efficiency {ceiling:.0%}")
    print(f"{'launcher':20s}{'runs/job':>8s}{'wall s':>9s}{'overhead/job':>14s}{'efficiency':>12s}")
    for launcher in launchers:
        if not available(launcher):
            print(f"{launcher:20s} not installed (pip install -e '.[ray]')")
            continue
        for per_job in per_jobs:
            with tempfile.TemporaryDirectory() as tmp:
                wall, _ = sweep(launcher, runs, per_job, Path(tmp), steps)
            jobs = -(-runs // per_job)
            cores = CORES[launcher]
            overhead = (cores * wall - serial) / jobs
            eff = serial / (cores * wall)
            flag = "" if cores == 1 else f" {verdict(eff, EFFICIENCY_TARGET, below=False)}"
            effs = f"{eff:11.0%}{flag}" if cores > 1 else f"{'-':>11s}"
            print(f"{launcher:20s}{per_job:8d}{wall:9.1f}{overhead:12.2f} s {effs}")
    print(f"efficiency target for parallel launchers: {EFFICIENCY_TARGET:.0%} of the serial loop")


def targets(runs: int, per_job: int, steps: int | None) -> None:
    """The sweep targets: ``runs`` runs with joblib on 2 cores, and the efficiency at 200."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        wall, peak = sweep("joblib", runs, per_job, Path(tmp), steps)
        (root,) = (Path(tmp) / "results" / "sweeps").glob("bench*")  # bench+<digest>: steps=
        files = sum(p.is_file() for p in root.rglob("*"))
        jt = job_times(root / "jobs")
    start_up, aggregation = jt["first_start"] - t0, t0 + wall - jt["last_end"]
    per_job_sim = jt["sim_s"] / jt["jobs"]
    overhead = (2 * (jt["last_end"] - jt["first_start"]) - jt["sim_s"]) / jt["jobs"]
    scale = SWEEP_WALL_TARGET * runs / 10_000  # the target scaled to this number of runs
    print(f"{runs} runs in {jt['jobs']} jobs of {per_job}, joblib on 2 cores")
    print(f"  wall time, aggregation included  {wall:8.1f} s   target {scale:.0f} s   "
          f"{verdict(wall, scale)}")  # fmt: skip
    print(f"    of which start-up {start_up:.1f} s, aggregation {aggregation:.1f} s, "
          f"simulation {jt['sim_s'] / runs:.3f} s/run")  # fmt: skip
    print(f"  peak memory, runner + workers    {peak:8.0f} MB  target {MEMORY_TARGET:.0f} MB "
          f" {verdict(peak, MEMORY_TARGET)}")  # fmt: skip
    print(f"  files written                    {files:8d}     ({files / runs:.2f} per run)")
    print(f"  per-job overhead, wall           {overhead:8.3f} s   = {overhead / per_job_sim:.1%}"
          f" of a job's simulation ({per_job_sim:.1f} s); target < {OVERHEAD_TARGET:.0%}  "
          f"{verdict(overhead / per_job_sim, OVERHEAD_TARGET)}")  # fmt: skip
    job_cpu, run_cpu = overhead_cpu(steps)
    share = job_cpu / (per_job * run_cpu)
    print(f"  per-job overhead, CPU            {job_cpu:8.3f} s   = {share:.1%} of a job's "
          f"simulation ({per_job} x {run_cpu:.3f} s); target < {OVERHEAD_TARGET:.0%}  "
          f"{verdict(share, OVERHEAD_TARGET)}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        serial = serial_loop(200, Path(tmp) / "serial", steps=steps)
    with tempfile.TemporaryDirectory() as tmp:
        wall200, _ = sweep("joblib", 200, min(per_job, 100), Path(tmp), steps)
    eff = serial / (2 * wall200)
    print(f"  efficiency at 200 runs           {eff:8.0%}     target {EFFICIENCY_TARGET:.0%}    "
          f" {verdict(eff, EFFICIENCY_TARGET, below=False)}  (serial loop {serial:.1f} s, "
          f"sweep {wall200:.1f} s)")  # fmt: skip


def reproduce(quick: bool) -> None:
    """Time ``python -m experiments reproduce`` in a scratch folder (results/ untouched)."""
    cmd = [sys.executable, "-m", "experiments", "reproduce", *(["--quick"] if quick else [])]
    with tempfile.TemporaryDirectory() as tmp:
        wall, peak, res = watched(cmd, Path(tmp))
    if res.returncode:
        raise RuntimeError(f"reproduce: {res.stderr.strip().splitlines()[-1]}")
    target = f"   target {REPRODUCE_TARGET:.0f} s   {verdict(wall, REPRODUCE_TARGET)}"
    target = "" if quick else target
    print(f"python -m experiments reproduce{' --quick' if quick else ''}: {wall:.1f} s, "
          f"peak {peak:.0f} MB{target}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--per-job", type=int, nargs="+", help="runs per job (5; 100 for targets)")
    parser.add_argument("--launchers", nargs="+", default=list(CORES), choices=list(CORES))
    parser.add_argument("--steps", type=int, help="quarters per run (the baseline's 40)")
    parser.add_argument("--reproduce", action="store_true", help="time the full reproduction")
    parser.add_argument("--overhead", action="store_true", help="per-job overhead (CPU) only")
    parser.add_argument("--quick", action="store_true", help="with --reproduce: the quick one")
    args = parser.parse_args(argv)
    horizon = f"{args.steps} quarters" if args.steps else "40 quarters"
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; baseline, {horizon}")
    if args.reproduce:
        reproduce(args.quick)
    elif args.overhead:
        job, run = overhead_cpu(args.steps)
        print(f"per-job overhead {job:.3f} CPU s; a run {run:.3f} CPU s")
    elif args.runs > 200:
        targets(args.runs, (args.per_job or [100])[0], args.steps)
    else:
        compare(args.runs, args.per_job or [5], args.launchers, args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
