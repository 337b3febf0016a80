"""E7's outputs: ``runs.parquet`` (one row per stage, point, seed and arm: the finals), the
points table ``points.parquet`` (the arms paired into the outcomes, one row per stage, point and
seed) and ``design.json`` beside them (the problem, the sizes, the seeds, each question's
selection and sobol points). The points table depends on the design and the runs only (no
clock, no wall time), so a resumed experiment writes the same file, byte for byte."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from experiments.sensitivity import OUTCOMES
from experiments.sensitivity.design import STAGES, Factor, problem
from experiments.sensitivity.jobs import Job, seeds
from experiments.sensitivity.outcomes import OUTCOME_ARMS, paired_table
from sim.tools.outputs import atomic_write, column_name, write_parquet

IDENT = ["stage", "point", "seed", "replicate", "question"]


def key_columns(factors: Sequence[Factor]) -> list[str]:
    return [column_name(f.key) for f in factors]


def read_runs(root: Path, jobs: list[Job]) -> pd.DataFrame:
    """The rows of the jobs whose files are current, in the jobs' order."""
    frames = [pd.read_parquet(job.path(root)) for job in jobs if job.kept(root)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def points_table(runs: pd.DataFrame, factors: Sequence[Factor]) -> pd.DataFrame:
    """The contract's table: identity, one column per sampled key, one per outcome."""
    keys = key_columns(factors)
    runs = runs.reindex(columns=[*runs.columns, *(k for k in keys if k not in runs)])
    table = paired_table(runs, keys)
    order = {s: i for i, s in enumerate(STAGES)}
    table = table.sort_values(["point", "replicate"]).sort_values(
        "stage", key=lambda c: c.map(order), kind="stable"
    )
    return table[[*IDENT, *keys, *OUTCOMES]].reset_index(drop=True)


def write(root: Path, plan, jobs: list[Job]) -> tuple[pd.DataFrame, list[str]]:
    """Write runs, points and design from the jobs' files; returns the points table and one
    line per failed run."""
    runs = read_runs(root, jobs)
    factors = [*plan.factors, *plan.levers]
    design = design_json(plan, jobs)
    digest = hashlib.sha256(json.dumps(design, sort_keys=True).encode()).hexdigest()[:16]
    meta = {"experiment": "sensitivity", "design": digest}
    if runs.empty:
        return pd.DataFrame(columns=[*IDENT, *OUTCOMES]), []
    points = points_table(runs, factors)
    write_parquet(runs, root / "runs.parquet", {**meta, "table": "runs"})
    write_parquet(points, root / "points.parquet", {**meta, "table": "points"})
    text = json.dumps(design, indent=1)
    atomic_write(root / "design.json", lambda p: p.write_text(text))
    bad = runs[runs.error != ""]
    failed = [f"{r.stage} point {r.point} seed {r.seed} {r.arm}: {r.error.splitlines()[-1]}"
              for r in bad.itertuples()]  # fmt: skip
    return points, failed


def design_json(plan, jobs: list[Job]) -> dict:
    """What the analysis needs beside the points table."""
    s = plan.settings

    def described(fs: Sequence[Factor]) -> list[dict]:
        return [
            {"key": f.key, "column": column_name(f.key), "lo": f.lo, "hi": f.hi}
            | {"integer": f.integer, "default": f.default}
            for f in fs
        ]

    by_key = {f.key: f for f in plan.factors}
    sobol = {q: problem([by_key[k] for k in sel["keys"]]) for q, sel in plan.selection.items()}
    n_seeds = max([s[st]["seeds"] for st in ("morris", "sobol", "explore", "defaults")])
    return {
        "experiment": "sensitivity",
        "quick": s["quick"],
        "master_seed": s["master_seed"],
        "steps": s["steps"],
        "stages": [st for st in STAGES if st in s["stages"]],
        "sizes": {k: s[k] for k in ("morris", "select", "sobol", "explore", "defaults")},
        "problem": problem(plan.factors),  # morris's: every uncertainty, in schema order
        "sobol_problems": sobol,  # per question: its selected keys, in the sample's column order
        "uncertainties": described(plan.factors),
        "levers": described(plan.levers),
        "seeds": seeds(s["master_seed"], n_seeds),  # seed index s at every point and stage
        "selection": plan.selection,
        "sobol_points": plan.sobol_points,
        "outcome_arms": OUTCOME_ARMS,
        "jobs": {st: len([j for j in jobs if j.stage == st]) for st in STAGES},
        "notes": (
            "key columns hold the design's values (integer keys are rounded when applied); NaN "
            "where a stage left a key at its default; outcomes are NaN where a stage did not "
            "run their arms; local_origin is NaN when nothing was codified; a question's sobol "
            "rows are points sobol_points[q] in order (Saltelli, calc_second_order=False) over "
            "sobol_problems[q]; morris rows are the trajectories in point order over problem"
        ),
    }
