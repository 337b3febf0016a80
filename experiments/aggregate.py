"""Gather a sweep's job folders into one tidy dataset: ``<table>.parquet`` with one row per run
and step (per state, locality or instrument where the table has them), the swept values and the
seed as columns, and ``runs.parquet`` with one row per run. Whichever launcher ran the jobs, the
dataset is the same, in the sweep's own job order.

Only finished runs (named by their job's manifest) are read; a failed run is reported by name
with its error and a run that is neither (a killed job) as missing, and both are left out, never
half-in. The tables are streamed, a few runs at a time (``CHUNK_RUNS``), so that memory does not
grow with the number of runs; the dataset is the one concatenating every run's frame would give
(same columns, order and types).

The tables and ``sweep.json`` of one aggregation share a generation id (in every Parquet file's
metadata and in ``sweep.json``, written last): a reader that finds different ids knows an
aggregation was interrupted, and refuses tables that do not belong together.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

import sim
from experiments.jobs import split_run
from experiments.store import read_manifest, segment_name
from sim.tools.outputs import arrow_table, atomic_write, column_name
from sim.tools.runner import git_revision

KEYS = ["run", "scenario", "seed", "replicate"]
CHUNK_RUNS = 64  # runs read and written at a time: memory holds one such chunk per table


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


def scan(jobs_dir: Path, names: list[str]) -> tuple[Report, list[dict]]:
    """The state of each expected run from its job's manifest: its record, error, or nothing."""
    report, records, manifests = Report(), [], {}
    for name in names:
        job, replicate = split_run(name)
        if job not in manifests:
            manifests[job] = read_manifest(jobs_dir / job)
        manifest = manifests[job]
        if (rec := manifest["runs"].get(str(replicate))) is not None:
            records.append(rec)
            report.done.append(name)
        elif (err := manifest["failed"].get(str(replicate))) is not None:
            report.failed[name] = err["error"].splitlines()[0]
        else:
            report.missing.append(name)
    return report, records


def run_columns(record: dict) -> dict:
    """The identifying columns of one run: its name, scenario, seed, replicate and swept values."""
    cols = {"run": record["job"], "scenario": record["scenario"], "seed": record["seed"]}
    cols["replicate"] = record["replicate"]
    for key, value in record["params"].items():
        cols.setdefault(column_name(key), value)
    return cols


def _groups(records: list[dict]) -> Iterator[list[dict]]:
    """Consecutive runs stored in the same segment, at most ``CHUNK_RUNS`` at a time."""
    group: list[dict] = []
    for rec in records:
        if group and (len(group) == CHUNK_RUNS or _where(rec) != _where(group[0])):
            yield group
            group = []
        group.append(rec)
    if group:
        yield group


def _where(rec: dict) -> tuple[str, int]:
    return split_run(rec["job"])[0], rec["segment"]


def _ident(group: list[dict], counts: list[int]) -> pd.DataFrame:
    """The identifying columns of a group's rows, typed as the runs' own frames would be
    (``{key: [value] * rows}`` per run, concatenated); built at once when that is the same."""
    idents = [run_columns(rec) for rec in group]
    if 0 in counts or len({tuple((k, type(v)) for k, v in c.items()) for c in idents}) > 1:
        runs = zip(idents, counts, strict=True)
        return pd.concat([pd.DataFrame({k: [v] * n for k, v in c.items()}) for c, n in runs])
    columns = {k: pd.Series([c[k] for c in idents]).repeat(counts) for k in idents[0]}
    return pd.DataFrame({k: v.reset_index(drop=True) for k, v in columns.items()})


def _joined(ident: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    data = data.drop(columns=[c for c in ident.columns if c in data.columns])
    return pd.concat([ident, data.reset_index(drop=True)], axis=1)


def _chunks(jobs_dir: Path, records: list[dict], table: str, rows: bool) -> Iterator[pd.DataFrame]:
    """A table's rows of the finished runs in sweep order, a group of runs at a time, each
    behind its identifying columns; with ``rows`` false, no rows but the same columns and
    types (read from the files' footers only)."""
    for group in _groups(records):
        job, segment = _where(group[0])
        pf = pq.ParquetFile(jobs_dir / job / segment_name(table, segment))
        indices = [rec["row_group"] for rec in group]
        counts = [pf.metadata.row_group(i).num_rows for i in indices]
        if rows:
            yield _joined(_ident(group, counts), pf.read_row_groups(indices).to_pandas())
        else:
            empty = pf.schema_arrow.empty_table().to_pandas()
            yield _joined(_ident(group, counts).iloc[:0], empty)


def _template(jobs_dir: Path, records: list[dict], table: str) -> pd.DataFrame:
    """No rows, and the columns and types that concatenating every run's frame gives (pandas
    decides those from the parts' types alone: one part per distinct set of types suffices)."""
    parts = {}
    for part in _chunks(jobs_dir, records, table, rows=False):
        parts.setdefault(tuple(part.dtypes.astype(str).items()), part)
    return pd.concat(parts.values(), ignore_index=True)


def _gather(jobs_dir: Path, records: list[dict], table: str) -> Iterator[pd.DataFrame]:
    """A table's rows, a group of runs at a time, typed as the whole table (the template)."""
    if not records:
        yield pd.DataFrame(columns=KEYS)
        return
    template = _template(jobs_dir, records, table)
    for chunk in _chunks(jobs_dir, records, table, rows=True):
        yield pd.concat([template, chunk], ignore_index=True)


def _last_steps(chunks: Iterator[pd.DataFrame], last: list[pd.DataFrame]):
    """Pass the model table's chunks on, keeping each run's last step for the runs table."""
    for chunk in chunks:
        if "step" in chunk.columns and len(chunk):
            last.append(chunk[chunk.step == chunk.groupby("run").step.transform("max")])
        yield chunk


def write_parquet(frames: pd.DataFrame | Iterable[pd.DataFrame], path: Path, meta: dict) -> None:
    """Write a table (a frame, or its chunks, each a row group) atomically, with ``meta``;
    memory holds one chunk at a time."""
    if isinstance(frames, pd.DataFrame):
        frames = [frames]

    def write(tmp: Path) -> None:
        writer = None
        try:
            for df in frames:
                table = arrow_table(df, meta)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
        finally:
            if writer is not None:
                writer.close()

    atomic_write(path, write)


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
    last: list[pd.DataFrame] = []  # the model table's last step of each run, for runs.parquet
    for name in tables:
        chunks = _gather(root / "jobs", records, name)
        if name == "model":
            chunks = _last_steps(chunks, last)
        write_parquet(chunks, root / f"{name}.parquet", {"table": name, **provenance})
    model = pd.concat(last) if last else None
    runs = runs_table(records, model)
    write_parquet(runs, root / "runs.parquet", {"table": "runs", **provenance})
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
