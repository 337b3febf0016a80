"""Schema of an experiment's bookkeeping: which sweep a run belongs to and how its seed is made.

An experiment (``configs/experiment/<name>.yaml``) is a Hydra multirun. Each job of it is one
run with ``experiment.name`` set; its seed derives from the experiment's master seed and the
replicate index through :func:`replicate_seed`, so a sweep's seeds never depend on the clock,
the launcher or the order in which jobs ran.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import OmegaConf

from sim.config.base import param

# Tables a job can keep; the aggregated dataset has one file per table (docs/experiments.md).
TABLES = ("model", "states", "localities", "instruments")


def replicate_seed(master: int, replicate: int) -> int:
    """The seed of replicate ``replicate``: the first word of ``SeedSequence(master).spawn(n)
    [replicate]``, which does not depend on ``n``, so a quick sweep's seeds are the first seeds of
    the full one."""
    child = np.random.SeedSequence(int(master), spawn_key=(int(replicate),))
    return int(child.generate_state(1)[0])


def sweep_dir(name: str, stamp: str) -> str:
    """Where a multirun writes its jobs: a fixed folder per experiment, so that running it again
    finds the finished jobs; a time-stamped one for an ad hoc sweep."""
    return f"results/sweeps/{name}/jobs" if name else f"results/sweeps/{stamp}"


def short_digest(text: Any = "") -> str:
    """Eight hex digits of the SHA-256 of ``text``: the overrides in a run folder's name."""
    return hashlib.sha256(str(text or "").encode()).hexdigest()[:8]


def register_resolvers() -> None:
    """Make ``${replicate_seed:...}``, ``${sweep_dir:...}`` and ``${short_digest:...}``
    available to configs."""
    OmegaConf.register_new_resolver("replicate_seed", replicate_seed, replace=True)
    OmegaConf.register_new_resolver("sweep_dir", sweep_dir, replace=True)
    OmegaConf.register_new_resolver("short_digest", short_digest, replace=True)


@dataclass
class ExperimentConfig:
    """Experiment: which sweep a run belongs to (`configs/experiment/`, docs/experiments.md)."""

    name: str = param(
        "",
        "experiment the run is a job of (empty: a single run)",
        "name",
        source="set by configs/experiment/<name>.yaml",
        role="setting",
    )
    master_seed: int = param(
        0,
        "master seed of the sweep; replicate seeds are spawned from it",
        "integer",
        0,
        source="fixed per experiment so that a sweep is reproducible",
        role="setting",
    )
    block: int = param(
        0,
        "block of replicates this job runs: replicates block*per_job to (block+1)*per_job-1",
        "index",
        0,
        100000,
        source="swept by the experiment (range(0,blocks)); replicates = blocks x per_job",
        role="setting",
    )
    per_job: int = param(
        10,
        "replicates one job runs in a row",
        "runs",
        1,
        10000,
        source="measured (benchmarks/sweep_bench.py): Hydra composes the config again for every "
        "job (about 0.7 s); ten runs a job make that small against their 4 s",
        role="setting",
    )
    replicate: int = param(
        0,
        "replicate index of the run; its seed is ${replicate_seed:master_seed,replicate}",
        "index",
        0,
        None,
        source="set by the job for each run of its block",
        role="setting",
    )
    tables: list[str] = param(
        ["model", "states"],
        "tables each job keeps and the aggregation gathers",
        "table names",
        choices=TABLES,
        source="the tables the experiment's figure reads; more cost disk and memory",
        role="setting",
    )
    quick: dict[str, Any] = param(
        {},
        "the quick version (`--quick`): blocks, per_job, steps and swept values that replace "
        "the full ones",
        "mapping",
        source="sized so that every experiment runs in seconds in CI",
        role="setting",
    )
