"""Gather a sweep's job folders into one tidy dataset: ``<table>.parquet`` with one row per run
and step (per state, locality or instrument where the table has them), the swept values and the
seed as columns, and ``runs.parquet`` with one row per run. Whichever launcher ran the jobs, the
dataset is the same, in the sweep's own job order.

Only finished jobs (``done.json``) are read; a job with ``error.txt`` is reported by name with its
error and a job with neither (a killed process) as missing, and both are left out, never half-in.

The tables and ``sweep.json`` of one aggregation share a generation id (in every Parquet file's
metadata and in ``sweep.json``, written last): a reader that finds different ids knows an
aggregation was interrupted, and refuses tables that do not belong together.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import sim
from experiments.jobs import DONE, ERROR
from sim.tools.outputs import atomic_write, column_name, write_parquet
from sim.tools.runner import git_revision

KEYS = ["run", "scenario", "seed", "replicate"]


@dataclass
class Report:
    """What an aggregation found."""

    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # job -> first line of its error
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.failed and not self.missing

    def lines(self) -> list[str]:
        """A short account for the terminal, one line per failed or missing job."""
        total = len(self.done) + len(self.failed) + len(self.missing)
        out = [f"{len(self.done)} of {total} runs finished"]
        out += [f"failed: {job}: {err}" for job, err in self.failed.items()]
        out += [f"missing (not run, or killed): {job}" for job in self.missing]
        return out


def scan(jobs_dir: Path, jobs: list[str]) -> tuple[Report, list[dict]]:
    """The state of each expected job: its ``done.json`` record, error, or nothing."""
    report, records = Report(), []
    for job in jobs:
        folder = jobs_dir / job
        try:
            records.append(json.loads((folder / DONE).read_text()))
            report.done.append(job)
            continue
        except (OSError, ValueError):
            pass
        if (folder / ERROR).is_file():
            report.failed[job] = (folder / ERROR).read_text().splitlines()[0]
        else:
            report.missing.append(job)
    return report, records


def run_columns(record: dict) -> dict:
    """The identifying columns of one run: its name, scenario, seed, replicate and swept values."""
    cols = {"run": record["job"], "scenario": record["scenario"], "seed": record["seed"]}
    cols["replicate"] = record["replicate"]
    for key, value in record["params"].items():
        cols.setdefault(column_name(key), value)
    return cols


def _gather(jobs_dir: Path, records: list[dict], table: str) -> pd.DataFrame:
    frames = []
    for rec in records:
        df = pd.read_parquet(jobs_dir / rec["job"] / f"{table}.parquet")
        ident = pd.DataFrame({k: [v] * len(df) for k, v in run_columns(rec).items()})
        df = df.drop(columns=[c for c in ident.columns if c in df.columns])
        frames.append(pd.concat([ident, df.reset_index(drop=True)], axis=1))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEYS)


def runs_table(records: list[dict], model: pd.DataFrame | None) -> pd.DataFrame:
    """One row per run: identity, wall time and, with the model table, its last step's metrics."""
    runs = pd.DataFrame([{**run_columns(r), "wall_time_s": r["wall_time_s"]} for r in records])
    if model is not None and not model.empty:
        last = model[model.step == model.groupby("run").step.transform("max")]
        metrics = last.drop(columns=[c for c in last.columns if c in runs.columns and c != "run"])
        runs = runs.merge(
            metrics.add_prefix("final_").rename(columns={"final_run": "run"}), on="run"
        )
    return runs


def aggregate(root: Path, names: list[str], meta: dict, tables: list[str]) -> Report:
    """Aggregate the sweep under ``root`` (jobs in ``root/jobs/``) and write its dataset.

    Args:
        root: ``results/sweeps/<experiment>/``.
        names: every expected run (``<job>/replicate=<r>``), in the sweep's order.
        meta: what the figure manifests repeat (experiment, its file, quick or full).
        tables: the tables the jobs kept (``experiment.tables``).

    Returns:
        A :class:`Report`; the dataset holds the finished jobs only.
    """
    report, records = scan(root / "jobs", names)
    frames = {t: _gather(root / "jobs", records, t) for t in tables}
    frames["runs"] = runs_table(records, frames.get("model"))
    digests = "".join(sorted(r["config_hash"] for r in records))
    keys = {k for r in records for k in r["params"]}
    provenance = {
        "generation": uuid.uuid4().hex[:12],
        "experiment": meta.get("experiment"),
        "overrides": meta.get("overrides"),
        "sweeper_params": meta.get("sweeper_params"),
        "config_digest": hashlib.sha256(digests.encode()).hexdigest()[:16],
        "seeds": sorted({int(r["seed"]) for r in records}),
        "scenarios": sorted({r["scenario"] for r in records}),
        "columns": {k: column_name(k) for k in sorted(keys)},
        "package": "regcomp-sim",
        "version": sim.__version__,
        "git_revision": git_revision(),
    }
    for name, df in frames.items():
        write_parquet(df, root / f"{name}.parquet", {"table": name, **provenance})
    sweep = {
        **meta,
        "generation": provenance["generation"],
        "config_digest": provenance["config_digest"],
        "columns": provenance["columns"],
        "tables": [*tables, "runs"],
        "runs": len(names),
        "finished": len(report.done),
        "failed": report.failed,
        "missing": report.missing,
        "seeds": sorted({int(r["seed"]) for r in records}),
        "package": {"name": "regcomp-sim", "version": sim.__version__},
        "git_revision": git_revision(),
        "aggregated_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    # last: until it is replaced, the tables' generation differs from its own and readers refuse
    atomic_write(root / "sweep.json", lambda p: p.write_text(json.dumps(sweep, indent=1)))
    return report
