"""E7's jobs: a few points (or, in the defaults stage, a few seeds) of one stage, run in one
worker and written as one Parquet file, ``jobs/<stage>/<n>.parquet``, one row per (point, seed,
arm). A job whose file holds the digest of the same job (points, values, arms, seeds, steps) and
of the model's code is skipped when the experiment is run again, so an interrupted stage redoes
only its missing jobs (and those with a failed run).

Seeds: seed index ``s`` is ``replicate_seed(master_seed, s)`` at every point and in every stage
(common random numbers: two points differ by their parameters, not by their draws, so that an
elementary effect or a Sobol difference is not seed noise; the defaults stage's first seeds are
those the other stages ran).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.sensitivity.design import Factor, applied
from sim.config.experiment import replicate_seed
from sim.tools.outputs import column_name, parquet_meta, write_parquet


def seeds(master: int, n: int) -> list[int]:
    """The first ``n`` replicate seeds, the same at every point and stage."""
    return [replicate_seed(master, s) for s in range(n)]


@dataclass(frozen=True)
class Job:
    """One job: ``points`` (ids in the stage) with their sampled ``rows`` over ``factors``,
    run in ``arms`` on the seeds of indices ``replicates``."""

    stage: str
    index: int
    question: str  # the question of a sobol job ("" in the other stages)
    factors: tuple[Factor, ...]
    points: tuple[int, ...]
    rows: tuple[tuple[float, ...], ...]
    arms: tuple[str, ...]
    replicates: tuple[int, ...]
    master_seed: int
    steps: int

    @property
    def runs(self) -> int:
        return len(self.points) * len(self.replicates) * len(self.arms)

    def path(self, root: Path) -> Path:
        return root / "jobs" / self.stage / f"{self.index:05d}.parquet"

    def digest(self) -> str:
        from experiments.jobs import code_digest

        text = json.dumps(asdict(self), sort_keys=True) + code_digest()
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def done(self, root: Path) -> bool:
        """Whether the job's file holds this job's runs (same design and code), all finished:
        a job with a failed run is run again, as a sweep's failed runs are."""
        try:
            meta = parquet_meta(self.path(root))
        except OSError:
            return False
        return meta.get("digest") == self.digest() and meta.get("failed") == 0

    def kept(self, root: Path) -> bool:
        """Whether the job's file holds this job's runs, failed ones included (the outputs
        report those)."""
        try:
            return parquet_meta(self.path(root)).get("digest") == self.digest()
        except OSError:
            return False


def run_job(job: Job, root: str) -> tuple[int, int]:
    """Run a job unless its file is current; returns (runs done now, runs failed)."""
    from experiments.sensitivity.point import run_point

    if job.done(Path(root)):
        return 0, 0
    every = seeds(job.master_seed, max(job.replicates) + 1)
    mine = [every[r] for r in job.replicates]
    replicate_of = {every[r]: r for r in job.replicates}
    frames = []
    for point, row in zip(job.points, job.rows, strict=True):
        frame = pd.DataFrame(run_point(applied(job.factors, row), job.arms, mine, job.steps))
        frame.insert(0, "replicate", frame.seed.map(replicate_of))
        frame.insert(0, "point", point)
        frame.insert(0, "question", job.question)
        frame.insert(0, "stage", job.stage)
        # the design's values (integers rounded in runs), joined at once: ~120 columns
        values = {column_name(f.key): float(v) for f, v in zip(job.factors, row, strict=True)}
        frames.append(pd.concat([frame, pd.DataFrame(values, index=frame.index)], axis=1))
    df = pd.concat(frames, ignore_index=True)
    failed = int((df.error != "").sum())
    meta = {"digest": job.digest(), "stage": job.stage, "failed": failed}
    write_parquet(df, job.path(Path(root)), meta)
    return len(df), failed


def chunks(n: int, size: int) -> list[range]:
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


def stage_jobs(
    stage: str,
    factors: list[Factor],
    sample: np.ndarray,
    arms: list[str],
    n_seeds: int,
    s: dict,
    first_point: int = 0,
    first_job: int = 0,
    question: str = "",
) -> list[Job]:
    """A stage's (or a sobol question's) jobs of ``per_job`` points each; a stage of one point
    (defaults) is split by seeds instead."""
    per_job = s[stage]["per_job"]
    common = {"stage": stage, "question": question, "factors": tuple(factors)}
    common |= {"arms": tuple(arms), "master_seed": s["master_seed"], "steps": s["steps"]}
    rows = [tuple(float(v) for v in row) for row in sample]
    if len(rows) == 1:
        parts = [((first_point,), tuple(rows), tuple(c)) for c in chunks(n_seeds, per_job)]
    else:
        parts = [
            (tuple(first_point + i for i in c), tuple(rows[i] for i in c), tuple(range(n_seeds)))
            for c in chunks(len(rows), per_job)
        ]
    return [
        Job(index=first_job + j, points=p, rows=r, replicates=reps, **common)
        for j, (p, r, reps) in enumerate(parts)
    ]
