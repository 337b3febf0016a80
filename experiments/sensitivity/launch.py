"""Where E7's jobs run: joblib's workers on this machine (``basic``: one at a time), a Slurm
array or local processes through submitit, or a local Ray instance.

The launchers only place :func:`~experiments.sensitivity.jobs.run_job` calls; each job writes its
own Parquet file, so what a job gives does not depend on where it ran (the same bits on every
launcher), and a run again skips the jobs whose file is current. Cluster options are given as the
other experiments give them, ``hydra.launcher.<key>=<value>`` (``hydra.launcher.partition=cpu``),
and read as Hydra's submitit plugin reads its config: its common keys as they are, the rest as
``slurm_<key>``. A stopped runner cancels the cluster jobs it submitted.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from experiments.sensitivity.jobs import Job, run_job
from sim.tools.validate import ConfigError

LAUNCHERS = ("joblib", "basic", "submitit_local", "submitit_slurm", "ray")
OPTION = "hydra.launcher."
# Hydra's submitit plugin: the keys of its BaseQueueConf go to submitit as they are
COMMON = {"timeout_min", "cpus_per_task", "gpus_per_node", "tasks_per_node", "mem_gb", "nodes",
          "name", "stderr_to_stdout"}  # fmt: skip
# as experiments/run.py's LAUNCHERS give the other experiments' jobs (an E7 job takes about 30 s)
DEFAULTS = {"submitit_local": {"timeout_min": 30}, "submitit_slurm": {"cpus_per_task": 1}}
POLL_S = 0.5


@dataclass(frozen=True)
class Launch:
    """A launcher, its parallel jobs (``None``: the machine's cores) and its options."""

    launcher: str = "joblib"
    jobs: int | None = None
    options: dict = field(default_factory=dict)


def split_options(overrides: tuple[str, ...]) -> tuple[tuple[str, ...], dict]:
    """The command line's E7 settings, and its ``hydra.launcher.<key>=<value>`` options."""
    settings, options = [], {}
    for o in overrides:
        key, eq, value = o.partition("=")
        if not key.lstrip("+").startswith(OPTION):  # Hydra's "+" (add a key) is allowed
            settings.append(o)
            continue
        name = key.lstrip("+")[len(OPTION) :]
        if not eq or not name:
            raise ConfigError(f"sensitivity: '{o}': give a launcher option as hydra.launcher."
                              "<key>=<value> (hydra.launcher.partition=cpu)")  # fmt: skip
        options[name] = yaml.safe_load(value)
    return tuple(settings), options


def check(launch: Launch) -> None:
    """One line naming what is wrong with the launcher or its options, before any folder."""
    import shutil

    if launch.launcher == "ray":
        ray_options(launch.options)
        return
    if not launch.launcher.startswith("submitit"):
        if launch.options:
            raise ConfigError(f"sensitivity: --launcher {launch.launcher} takes no hydra.launcher"
                              f" options (given: {', '.join(launch.options)})")  # fmt: skip
        return
    submitit_parameters(launch.launcher, launch.options)  # a dotted key: one line
    cluster = "local" if launch.launcher == "submitit_local" else "slurm"
    known = COMMON | {"local_setup"}
    if cluster == "slurm":
        from submitit.slurm.slurm import SlurmExecutor

        known |= {f"slurm_{k}" for k in SlurmExecutor._valid_parameters()}
        if not shutil.which("sbatch"):
            raise ConfigError("sensitivity: --launcher submitit_slurm: no `sbatch` on this "
                              "machine; run on the cluster's login node, or use --launcher "
                              "joblib")  # fmt: skip
    for name in launch.options:
        if (name if name in COMMON else f"{cluster}_{name}") not in known:
            raise ConfigError(f"sensitivity: --launcher {launch.launcher}: unknown option "
                              f"hydra.launcher.{name}")  # fmt: skip


def execute(jobs: list[Job], root: Path, launch: Launch, progress: bool, label: str) -> None:
    """Run the jobs whose files are missing or stale on ``launch``'s launcher."""
    from tqdm import tqdm

    from sim.tools.threads import serial_blas

    if launch.launcher not in ("joblib", "basic"):  # their processes start from this one's env
        serial_blas()
    todo = [j for j in jobs if not j.done(root)]
    for stage in {j.stage for j in todo}:
        (root / "jobs" / stage).mkdir(parents=True, exist_ok=True)
    total = sum(j.runs for j in jobs)
    with tqdm(total=total, initial=total - sum(j.runs for j in todo), desc=label, unit="run",
              disable=not progress or not todo, mininterval=2) as bar:  # fmt: skip
        for runs in RUNNERS[launch.launcher](todo, root, launch):
            bar.update(runs)


def _joblib(todo: list[Job], root: Path, launch: Launch):
    from joblib import Parallel, delayed

    if launch.launcher == "basic" or launch.jobs == 1:  # else workers, whose arms are composed
        results = (run_job(j, str(root)) for j in todo)
    else:
        results = Parallel(n_jobs=launch.jobs or -1, return_as="generator_unordered")(
            delayed(run_job)(j, str(root)) for j in todo
        )
    for runs, _ in results:
        yield runs


def submitit_parameters(launcher: str, options: dict) -> dict:
    """submitit's ``update_parameters`` from the options, as Hydra's submitit plugin maps them."""
    cluster = "local" if launcher == "submitit_local" else "slurm"
    given = DEFAULTS.get(launcher, {}) | options
    for name in given:
        if "." in name:
            raise ConfigError(f"sensitivity: --launcher {launcher}: hydra.launcher.{name} is not "
                              "a submitit option (hydra.launcher.partition=cpu)")  # fmt: skip
    return {k if k in COMMON else f"{cluster}_{k}": v for k, v in given.items()}


def _submitit(todo: list[Job], root: Path, launch: Launch):
    """Slurm: one array, throttled by ``--jobs`` (``array_parallelism``). Local: ``--jobs``
    processes at a time (submitit's local executor would start them all at once)."""
    import submitit

    if not todo:
        return
    cluster = "local" if launch.launcher == "submitit_local" else "slurm"
    executor = submitit.AutoExecutor(folder=root / "submitit" / "%j", cluster=cluster)
    params = submitit_parameters(launch.launcher, launch.options)
    if launch.jobs and cluster == "slurm":
        params["slurm_array_parallelism"] = launch.jobs
    try:
        executor.update_parameters(**params)
    except (ValueError, TypeError) as exc:  # submitit names the unknown key
        raise ConfigError(f"sensitivity: --launcher {launch.launcher}: {exc}") from exc
    queue, pending = list(todo), {}
    if cluster == "slurm":
        pending = dict(zip(executor.map_array(run_job, queue, [str(root)] * len(queue)), queue,
                           strict=True))  # fmt: skip
        queue = []
    window = launch.jobs or os.cpu_count() or 1
    try:
        while queue or pending:
            while queue and len(pending) < window:
                job = queue.pop(0)
                pending[executor.submit(run_job, job, str(root))] = job
            finished = [s for s in pending if s.done()]
            for sjob in finished:
                job = pending.pop(sjob)
                try:
                    runs, _ = sjob.result()
                except Exception as exc:  # the job's own traceback is in its log
                    raise ConfigError(f"sensitivity: job {job.stage}/{job.index:05d} failed on "
                                      f"{launch.launcher} ({type(exc).__name__}); its log: "
                                      f"{sjob.paths.stderr}") from exc  # fmt: skip
                yield runs
            if not finished:
                time.sleep(POLL_S)
    finally:  # stopped or failed: what was submitted and not finished would write behind us
        for sjob in pending:
            sjob.cancel(check=False)


def ray_options(options: dict) -> tuple[dict, dict]:
    """``ray.init`` and ``ray.remote`` keywords from ``hydra.launcher.ray.init.<key>`` and
    ``hydra.launcher.ray.remote.<key>``, the keys Hydra's Ray plugin reads."""
    out: dict[str, dict] = {"init": {}, "remote": {"num_cpus": 1}}
    for name, value in options.items():
        parts = name.split(".")
        if len(parts) != 3 or parts[0] != "ray" or parts[1] not in out:
            raise ConfigError(f"sensitivity: --launcher ray: hydra.launcher.{name}: give hydra."
                              "launcher.ray.init.<key> or ...ray.remote.<key>")  # fmt: skip
        out[parts[1]][parts[2]] = value
    return out["init"], out["remote"]


def _ray(todo: list[Job], root: Path, launch: Launch):
    import ray

    from experiments.run import ray_temp_dir

    if not todo:
        return
    init, remote_options = ray_options(launch.options)
    started = not ray.is_initialized()
    if started:
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # as the other experiments' Ray runs
        init.setdefault("address", "local")
        if init["address"] == "local":  # this machine: its cores and a folder of the sweep's
            init.setdefault("num_cpus", launch.jobs or os.cpu_count() or 1)
            init.setdefault("_temp_dir", str(ray_temp_dir(root)))
        ray.init(include_dashboard=False, **init)
    remote = ray.remote(**remote_options)(run_job)
    pending = [remote.remote(j, str(root)) for j in todo]
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            runs, _ = ray.get(done[0])
            yield runs
    finally:
        for ref in pending:  # stopped or failed: no task left to write behind us
            ray.cancel(ref, force=True)
        if started:
            ray.shutdown()


RUNNERS = {"joblib": _joblib, "basic": _joblib, "submitit_local": _submitit,
           "submitit_slurm": _submitit, "ray": _ray}  # fmt: skip
