"""Run an experiment's sweep through Hydra's multirun and a launcher, show progress, aggregate.

The sweep itself is ``python -m sim -m experiment=<name> ...`` in a child process: Hydra expands
the sweep and hands the jobs to the launcher (joblib on the local cores by default, submitit for
Slurm, Ray), and each job writes into its own folder. This process only watches those folders
for finished jobs (the progress bar) and aggregates them when the launcher returns.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from experiments.aggregate import Report, aggregate
from experiments.jobs import DONE, ERROR
from experiments.spec import Experiment
from sim.sweep import PRECHECKED, precheck_sweep

# Hydra overrides per launcher (`--launcher`); anything else a cluster needs (partition,
# account, time) is added on the command line: hydra.launcher.partition=cpu
LAUNCHERS = {
    "joblib": ["hydra/launcher=joblib"],
    "basic": ["hydra/launcher=basic"],
    "submitit_local": ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=30"],
    "submitit_slurm": ["hydra/launcher=submitit_slurm", "hydra.launcher.cpus_per_task=1"],
    "ray": ["hydra/launcher=ray", "+hydra.launcher.ray.remote.num_cpus=1"],
}
# One thread per job: the launcher already runs one job per core.
SERIAL_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def launcher_overrides(launcher: str, root: Path, jobs: int | None) -> list[str]:
    """Hydra overrides that select ``launcher`` and point the sweep at ``root/jobs``."""
    out = [*LAUNCHERS[launcher], f"hydra.sweep.dir={root / 'jobs'}"]
    if jobs and launcher == "joblib":
        out.append(f"hydra.launcher.n_jobs={jobs}")
    if launcher == "ray":  # a local Ray instance whose files stay in the sweep folder
        out += ["+hydra.launcher.ray.init.num_cpus=" + str(jobs or os.cpu_count() or 1)]
        out += [f"+hydra.launcher.ray.init._temp_dir={ray_temp_dir(root)}"]
    return out


def ray_temp_dir(root: Path) -> Path:
    """Ray's session folder: in the sweep folder, unless that path is too long for the Unix
    sockets Ray puts under it (107 bytes), then a short folder named after the sweep in /tmp."""
    path = (root / "ray").resolve()
    if len(str(path)) <= 50:
        return path
    return Path(tempfile.gettempdir()) / f"ray-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"


def _count(jobs_dir: Path, names: list[str], since: float) -> int:
    """Runs that finished (or failed) after ``since``."""
    n = 0
    for name in names:
        for marker in (DONE, ERROR):
            try:
                if (jobs_dir / name / marker).stat().st_mtime >= since:
                    n += 1
                    break
            except OSError:
                continue
    return n


def _advance(bar: tqdm, done: int) -> None:
    """Move the bar to ``done`` (through update, which redraws at most every ``mininterval``)."""
    done = min(done, bar.total)
    if done > bar.n:
        bar.update(done - bar.n)


def launch(
    exp: Experiment,
    quick: bool = False,
    launcher: str = "joblib",
    jobs: int | None = None,
    extra: tuple[str, ...] = (),
    progress: bool = True,
) -> Report:
    """Run the sweep of ``exp`` (only the jobs not already finished do any work), then aggregate.

    Raises:
        ConfigError: a swept value or override is wrong; nothing was created.
        SweepError: the sweep process failed (e.g. a launcher not installed); its last error.
    """
    root = exp.sweep_root(quick)
    names = exp.runs(quick, extra)
    precheck_sweep(exp.overrides(quick, extra), exp.config_dirs)  # one line, before any output
    jobs_dir = root / "jobs"
    already = sum((jobs_dir / n / DONE).is_file() for n in names)
    cmd = [sys.executable, "-m", "sim", "-m", *(f"--config-dir={d}" for d in exp.config_dirs)]
    cmd += exp.overrides(quick, extra)
    cmd += launcher_overrides(launcher, root, jobs)
    root.mkdir(parents=True, exist_ok=True)
    log_path = root / "launch.log"
    env = {**os.environ, **SERIAL_ENV, "RAY_AUTH_MODE": "disabled", "HYDRA_FULL_ERROR": "1"}
    env[PRECHECKED] = "1"
    t0 = time.time() - 1  # file times have a coarser resolution than the clock
    label = f"{exp.name}{' (quick)' if quick else ''}"
    with (
        log_path.open("w") as log,
        tqdm(
            total=len(names),
            initial=already,
            desc=label,
            unit="run",
            disable=not progress,
            mininterval=0.5 if sys.stderr.isatty() else 15,
        ) as bar,
    ):
        log.write(" ".join(cmd) + "\n\n")
        log.flush()
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            while proc.poll() is None:
                time.sleep(0.5)
                _advance(bar, already + _count(jobs_dir, names, t0))
        except KeyboardInterrupt:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
        _advance(bar, already + _count(jobs_dir, names, t0))
    if proc.returncode:
        raise SweepError(_last_error(log_path), proc.returncode, log_path)
    meta = {
        "experiment": exp.name,
        "file": str(exp.path.name),
        "title": exp.title,
        "quick": quick,
        "launcher": launcher,
        "sweeper_params": exp.params,
        "overrides": exp.overrides(quick, extra),
    }
    tables = _tables(jobs_dir, names)
    return aggregate(root, names, meta, tables)


def _tables(jobs_dir: Path, names: list[str]) -> list[str]:
    """The tables the finished jobs kept (every job of a sweep keeps the same ones)."""
    for name in names:
        if (jobs_dir / name / DONE).is_file():
            return sorted(p.stem for p in (jobs_dir / name).glob("*.parquet"))
    return []


def _last_error(log_path: Path) -> str:
    """The line of the child's output that says what went wrong."""
    lines = [ln.strip() for ln in log_path.read_text().splitlines() if ln.strip()]
    for ln in reversed(lines):
        if ln.startswith("error: ") or "Error" in ln.split(":")[0]:
            return ln
    return lines[-1] if lines else "the sweep process failed without output"


class SweepError(RuntimeError):
    """The sweep process stopped before its jobs ran: its last error line and its log."""

    def __init__(self, reason: str, code: int, log: Path) -> None:
        super().__init__(reason)
        self.code, self.log = code, log
