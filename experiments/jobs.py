"""One job of an experiment: run its block of replicates unless already finished, keep the tables
the experiment asks for, one file per table for the block (:mod:`experiments.store`).

Hydra's launchers (joblib, submitit, Ray) call this through ``sim.__main__.app`` in whatever
process they choose; everything a job needs is in its config and its folder, so a sweep that is
run again skips the runs a job's manifest holds for the same config and redoes the others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
import traceback
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

import sim
from experiments.store import CHECKPOINT_S, Finished, JobStore

SIM_DIR = Path(__file__).resolve().parent.parent / "sim"


# Source files of sim/ that cannot change a run's tables (command line, docs, figures, reports).
NOT_MODEL = {
    "__main__.py",
    "clihelp.py",
    "paramdoc.py",
    "sweep.py",
    "overview.py",
    "calibrate",
    "threads.py",
}


@functools.cache
def code_digest() -> str:
    """A digest of the model's source (``sim/**/*.py`` but ``NOT_MODEL``): changed model code
    makes old runs stale."""
    h = hashlib.sha256()
    for path in sorted(SIM_DIR.rglob("*.py")):
        if NOT_MODEL & set(path.relative_to(SIM_DIR).parts):
            continue
        h.update(path.relative_to(SIM_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def config_hash(cfg: DictConfig) -> str:
    """A digest of a job's config as written (the seed still an interpolation of the replicate)
    and of the model's code: a finished run is reused only when both are the same."""
    return _digest(OmegaConf.to_container(cfg, resolve=False))


def _digest(tree: dict) -> str:
    # JSON rather than YAML: the same information, a sixth of the cost (0.02 s a job)
    text = json.dumps(tree, sort_keys=True, default=str) + code_digest()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Validation errors (or None) by digest of a config but its block, in this process: the blocks
# of one point of a sweep are validated once.
_VALIDATED: dict[str, Exception | None] = {}


def _validated(cfg: DictConfig, tree: dict) -> Exception | None:
    """``validate(cfg)``'s error (None when valid), once per distinct config but the block."""
    from sim.tools.validate import validate

    point = {**tree, "experiment": {**tree["experiment"], "block": None, "replicate": None}}
    key = _digest(point)
    if key not in _VALIDATED:
        try:
            validate(cfg)
            _VALIDATED[key] = None
        except Exception as exc:  # reported as each run's error
            _VALIDATED[key] = exc
    return _VALIDATED[key]


def job_id(overrides: list[str]) -> str:
    """A job's name: its task overrides, sorted and joined as Hydra's ``override_dirname``."""
    return ",".join(sorted(o for o in overrides if o.split("=", 1)[0] != "experiment"))


def swept_values(cfg: DictConfig, overrides: list[str], choices: dict) -> dict[str, Any]:
    """The value of every overridden key in this job: a group's chosen option, else the config
    value (typed, so the aggregated columns are numbers where the parameter is a number)."""
    out = {}
    for o in overrides:
        key = o.split("=", 1)[0].lstrip("+~")
        if key == "experiment" or key.startswith("experiment."):
            continue  # bookkeeping, not a parameter of the model
        if key in choices:
            out[key] = choices[key]
        else:
            value = OmegaConf.select(cfg, key)
            out[key] = OmegaConf.to_container(value) if OmegaConf.is_config(value) else value
    return out


def replicates(block: int, per_job: int) -> range:
    """The replicate indices of a block."""
    return range(block * per_job, (block + 1) * per_job)


def run_folder(replicate: int) -> str:
    """A run's name inside its job: ``<job>/replicate=<r>`` names the run in the dataset."""
    return f"replicate={replicate}"


def split_run(name: str) -> tuple[str, int]:
    """A run's job and replicate, from its name ``<job>/replicate=<r>``."""
    job, _, run = name.rpartition("/")
    return job, int(run.split("=", 1)[1])


def run_job(cfg: DictConfig, outdir: Path, label: str, overrides: list[str], choices: dict) -> str:
    """Run the block of replicates of one job into its folder (:mod:`experiments.store`: one
    file per table for the block); return ``"done"`` or ``"failed"`` (when any run failed; the
    job's other runs still land).

    A run the folder already holds for the same config is skipped, so an interrupted sweep run
    again redoes only what is missing, at the granularity of single runs.
    """
    from sim.tools.runner import git_revision

    ex = cfg.experiment
    ex.replicate = ex.block * ex.per_job
    tree = OmegaConf.to_container(cfg, resolve=False)
    base = _digest(tree)  # once a job: the runs differ only in the replicate
    invalid = _validated(cfg, tree)
    meta = {"experiment": ex.name, "scenario": label, "overrides": list(overrides)}
    meta.update(package="regcomp-sim", version=sim.__version__, git_revision=git_revision())
    digests = {r: f"{base}-{r}" for r in replicates(ex.block, ex.per_job)}
    store = JobStore(outdir, list(ex.tables), digests, meta)
    for r, digest in digests.items():
        if store.finished(r):
            continue
        ex.replicate = r  # the seed interpolates it
        try:
            if invalid is not None:
                raise invalid
            store.add(run_one(cfg, r, digest, label, overrides, choices))
        except Exception as exc:  # any failure of this run: record it, let the others land
            detail = "".join(traceback.format_exception(exc))
            store.fail(r, f"{type(exc).__name__}: {exc}\n\n{detail}")
        if store.unsaved_s >= CHECKPOINT_S:
            store.save()
    store.save()
    failed = any(str(r) in store.manifest["failed"] for r in replicates(ex.block, ex.per_job))
    return "failed" if failed else "done"


def release(model) -> None:
    """Let a finished model be freed: Mesa's ``Agent._ids`` (a class-level dict keyed by model)
    keeps every model ever built alive, 2-3 MB each, so a worker running thousands of runs
    would grow by gigabytes."""
    from mesa import Agent

    Agent._ids.pop(model, None)


def run_one(
    cfg: DictConfig, replicate: int, digest: str, label: str, overrides: list[str], choices: dict
) -> Finished:
    """Run one replicate; its record and tables (each starting with ``seed`` and ``scenario``
    columns, as a single run's)."""
    from sim.model import RegulatoryCompetition

    t0 = time.perf_counter()
    model = RegulatoryCompetition(config=cfg, scenario=label).run()
    frames = {}
    for name in cfg.experiment.tables:
        df = getattr(model, f"{name}_frame")()
        df.insert(0, "scenario", model.scenario)
        df.insert(0, "seed", model.seed)
        frames[name] = df
    release(model)
    record = {
        "job": f"{job_id(overrides)}/{run_folder(replicate)}",
        "config_hash": digest,
        "scenario": label,
        "seed": model.seed,
        "replicate": int(replicate),
        "params": swept_values(cfg, overrides, choices),
        "wall_time_s": round(time.perf_counter() - t0, 4),
        "t": time.time(),  # when it finished: the runner's progress bar
    }
    return Finished(replicate, record, frames)
