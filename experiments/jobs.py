"""One job of an experiment: run the model unless this job already finished, keep the tables the
experiment asks for, and leave a ``done.json`` marker last (or an ``error.txt``).

Hydra's launchers (joblib, submitit, Ray) call this through ``sim.__main__.app`` in whatever
process they choose; everything a job needs is in its config and its folder, so a sweep that is
run again skips the jobs whose marker matches their config and redoes the others.
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

from sim.tools.outputs import DONE, ERROR  # the same markers as a single run's

SIM_DIR = Path(__file__).resolve().parent.parent / "sim"


# Source files of sim/ that cannot change a run's tables (command line, docs, figures, reports).
NOT_MODEL = {"__main__.py", "clihelp.py", "paramdoc.py", "sweep.py", "overview.py", "calibrate"}


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
    text = OmegaConf.to_yaml(cfg, resolve=False, sort_keys=True) + code_digest()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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


def finished(outdir: Path, digest: str) -> bool:
    """Whether ``outdir`` holds a finished run for a config with this digest."""
    try:
        return json.loads((outdir / DONE).read_text())["config_hash"] == digest
    except (OSError, ValueError, KeyError):
        return False


def replicates(block: int, per_job: int) -> range:
    """The replicate indices of a block."""
    return range(block * per_job, (block + 1) * per_job)


def run_folder(replicate: int) -> str:
    """A run's folder inside its job's folder."""
    return f"replicate={replicate}"


def run_job(cfg: DictConfig, outdir: Path, label: str, overrides: list[str], choices: dict) -> str:
    """Run the block of replicates of one job, each into ``outdir/replicate=<r>/``; return
    ``"done"`` or ``"failed"`` (when any run failed; the job's other runs still land).

    A run whose folder holds a ``done.json`` for the same config is skipped, so an interrupted
    sweep run again redoes only what is missing, at the granularity of single runs.
    """
    from sim.tools.validate import validate

    ex = cfg.experiment
    ex.replicate = ex.block * ex.per_job
    base = config_hash(cfg)  # once a job: the runs differ only in the replicate
    invalid = None
    try:
        validate(cfg)  # once a job, for the same reason
    except Exception as exc:  # reported as each run's error below
        invalid = exc
    statuses = []
    for r in replicates(ex.block, ex.per_job):
        ex.replicate = r  # the seed interpolates it
        folder, digest = outdir / run_folder(r), f"{base}-{r}"
        statuses.append(run_one(cfg, folder, digest, label, overrides, choices, invalid))
    return "failed" if "failed" in statuses else "done"


def run_one(
    cfg: DictConfig,
    outdir: Path,
    digest: str,
    label: str,
    overrides: list[str],
    choices: dict,
    invalid: Exception | None = None,
) -> str:
    """Run one replicate into ``outdir``; return ``"done"``, ``"skipped"`` or ``"failed"``.

    A failure (or the job's ``invalid`` config) is written to ``error.txt`` and not raised, so
    that the launcher's other jobs still run and land; the experiment runner reports it by name.
    """
    from sim.model import RegulatoryCompetition
    from sim.tools.runner import atomic_write, provenance, write_tables

    if finished(outdir, digest):
        return "skipped"
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / DONE).unlink(missing_ok=True)
    t0 = time.perf_counter()
    try:
        if invalid is not None:
            raise invalid
        model = RegulatoryCompetition(config=cfg, scenario=label).run()
        meta = {"experiment": cfg.experiment.name, **provenance(model, overrides, digest)}
        write_tables(model, outdir, cfg.experiment.tables, meta)
    except Exception as exc:  # any failure of this run: record it, let the others land
        detail = "".join(traceback.format_exception(exc))
        text = f"{type(exc).__name__}: {exc}\n\n{detail}"
        atomic_write(outdir / ERROR, lambda p: p.write_text(text))
        return "failed"
    record = {
        "job": f"{job_id(overrides)}/{outdir.name}",
        "config_hash": digest,
        "scenario": label,
        "seed": model.seed,
        "replicate": int(cfg.experiment.replicate),
        "params": swept_values(cfg, overrides, choices),
        "wall_time_s": round(time.perf_counter() - t0, 4),
    }
    (outdir / ERROR).unlink(missing_ok=True)
    atomic_write(outdir / DONE, lambda p: p.write_text(json.dumps(record, indent=1)))
    return "done"
