"""Run an experiment's sweep through Hydra's multirun and a launcher, show progress, aggregate.

The sweep itself is ``python -m sim -m experiment=<name> ...`` in a child process: Hydra expands
the sweep and hands the jobs to the launcher (joblib on the local cores by default, submitit for
Slurm, Ray), and each job writes into its own folder. This process only watches those folders
for finished jobs (the progress bar) and aggregates them when the launcher returns.

One runner at a time per sweep folder (a lock the kernel drops with its process); the child ends
with the runner, whatever stops it (:mod:`experiments.lifecycle`). The progress bar appears once
the launcher has started a job, and each launch keeps its own ``launch-<n>.log``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from experiments.aggregate import Report, aggregate, scan
from experiments.jobs import split_run
from experiments.lifecycle import (
    RUNNER_PID,
    Interrupted,
    check_launcher,
    next_log,
    own_sweep,
    stop_group,
)
from experiments.spec import Experiment
from experiments.store import MANIFEST, read_manifest
from sim.tools.sweep import PRECHECKED, precheck_sweep
from sim.tools.threads import SERIAL_ENV

# Hydra overrides per launcher (`--launcher`); anything else a cluster needs (partition,
# account, time) is added on the command line: hydra.launcher.partition=cpu
LAUNCHERS = {
    "joblib": ["hydra/launcher=joblib"],
    "basic": ["hydra/launcher=basic"],
    "submitit_local": ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=30"],
    "submitit_slurm": ["hydra/launcher=submitit_slurm", "hydra.launcher.cpus_per_task=1"],
    "ray": ["hydra/launcher=ray", "+hydra.launcher.ray.remote.num_cpus=1"],
}


def launcher_overrides(launcher: str, root: Path, jobs: int | None) -> list[str]:
    """Hydra overrides that select ``launcher`` and point the sweep at ``root/jobs``."""
    out = [*LAUNCHERS[launcher], f"hydra.sweep.dir={root / 'jobs'}"]
    # no .hydra/ per job: two YAML dumps of the whole config each (the manifest has the overrides)
    out.append("hydra.output_subdir=null")
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


class _Progress:
    """Runs finished (or failed) in the jobs started since ``since``, from their manifests, each
    read again only when it changed.

    A job that has started names only the runs of its current config in its manifest (older
    ones it redoes: :class:`~experiments.store.JobStore`), so its finished runs are all of them.
    A job not started yet counts none: whether its runs are current only the job knows.
    """

    def __init__(self, jobs_dir: Path, job_ids: list[str], since: float) -> None:
        self.jobs_dir, self.job_ids, self.since = jobs_dir, job_ids, since
        self.seen: dict[str, tuple[int, int]] = {}  # job -> (manifest's mtime, runs counted)

    def count(self) -> int:
        for job in self.job_ids:
            try:
                mtime = (self.jobs_dir / job / MANIFEST).stat().st_mtime_ns
            except OSError:
                continue
            if self.seen.get(job, (None,))[0] != mtime:
                m = read_manifest(self.jobs_dir / job)
                started = m.get("started", 0) >= self.since
                failed = sum(e["t"] >= self.since for e in m["failed"].values())
                self.seen[job] = (mtime, len(m["runs"]) + failed if started else 0)
        return sum(n for _, n in self.seen.values())


def _advance(bar: tqdm, done: int) -> None:
    """Move the bar to ``done`` (through update, which redraws at most every ``mininterval``)."""
    done = min(done, bar.total)
    if done > bar.n:
        bar.update(done - bar.n)


def _started(jobs_dir: Path, jobs: list[str], since: float) -> bool:
    """Whether the launcher has started a job of this launch (the job wrote its manifest)."""
    for job in jobs:
        try:
            if (jobs_dir / job / MANIFEST).stat().st_mtime >= since:
                return True
        except OSError:
            continue
    return False


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
        ConfigError: a swept value, an override or the launcher is wrong, the folder cannot be
            written or another runner holds it; nothing was started.
        SweepError: the sweep process failed; its last error.
        Interrupted: Ctrl-C, SIGTERM or SIGHUP; the sweep's processes are ended, finished runs kept.
    """
    check_launcher(launcher)
    root = exp.sweep_root(quick, extra)
    names = exp.runs(quick, extra)
    precheck_sweep(exp.overrides(quick, extra), exp.config_dirs)  # one line, before any output
    try:
        with own_sweep(root) as lock:
            return _launch(exp, quick, launcher, jobs, extra, progress, root, names, lock.fd)
    except Interrupted as exc:
        done = len(scan(root / "jobs", names)[0].done)
        raise Interrupted(f"{exc}: {done} of {len(names)} runs finished and kept") from None


def _launch(exp, quick, launcher, jobs, extra, progress, root, names, lock_fd) -> Report:
    jobs_dir = root / "jobs"
    job_ids = list(dict.fromkeys(split_run(n)[0] for n in names))
    cmd = [sys.executable, "-m", "sim", "-m", *(f"--config-dir={d}" for d in exp.config_dirs)]
    cmd += exp.overrides(quick, extra)
    cmd += launcher_overrides(launcher, root, jobs)
    log_path = next_log(root)
    env = {**os.environ, **SERIAL_ENV, "RAY_AUTH_MODE": "disabled", "HYDRA_FULL_ERROR": "1"}
    env[PRECHECKED] = "1"
    env[RUNNER_PID] = str(os.getpid())
    t0 = time.time() - 1  # file times have a coarser resolution than the clock
    label = f"{exp.name}{' (quick)' if quick else ''}"
    bar, progress_ = None, _Progress(jobs_dir, job_ids, t0)
    with log_path.open("w") as log:
        log.write(" ".join(cmd) + "\n\n")
        log.flush()
        # its own session: a terminal's Ctrl-C reaches the runner only, which ends the group;
        # the lock's descriptor too: the folder stays locked until the child is gone
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            pass_fds=(lock_fd,),
        )
        try:
            while proc.poll() is None:
                time.sleep(0.5)
                if bar is None and _started(jobs_dir, job_ids, t0):
                    bar = _bar(len(names), label, progress)
                if bar is not None:
                    _advance(bar, progress_.count())
            if proc.returncode == 0:  # the launcher ran (perhaps faster than one poll)
                bar = bar or _bar(len(names), label, progress)
                _advance(bar, progress_.count())
        except BaseException:
            stop_group(proc)
            raise
        finally:
            if bar is not None:
                bar.close()
    if proc.returncode:
        raise SweepError(_last_error(log_path), proc.returncode, log_path)
    meta = {
        "experiment": exp.name,
        "file": str(exp.path.name),
        "title": exp.title,
        "quick": quick,
        "launcher": launcher,
        "sweeper_params": exp.grid(quick, extra),
        "experiment_params": exp.params,
        "overrides": exp.overrides(quick, extra),
    }
    tables = _tables(jobs_dir, names)
    return aggregate(root, names, meta, tables)


def _bar(total: int, label: str, progress: bool) -> tqdm:
    return tqdm(
        total=total,
        desc=label,
        unit="run",
        disable=not progress,
        mininterval=0.5 if sys.stderr.isatty() else 15,
    )


def _tables(jobs_dir: Path, names: list[str]) -> list[str]:
    """The tables the finished jobs kept (every job of a sweep keeps the same ones)."""
    for job in dict.fromkeys(split_run(n)[0] for n in names):
        manifest = read_manifest(jobs_dir / job)
        if manifest["runs"]:
            return sorted(manifest["tables"])
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
