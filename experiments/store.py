"""A job's folder: one Parquet file per table for its whole block of runs, and a manifest.

    jobs/<job>/runs.json              which runs the folder holds: each finished replicate's
                                      record and where its rows are, each failed one's error
    jobs/<job>/<table>-<n>.parquet    segment n of a table: one row group per run
    jobs/<job>/__main__.log           Hydra's log of the job (.hydra/ too, unless the runner
                                      started the sweep: the manifest names the job's overrides)

A cluster's file system thus sees a handful of files per job, not several per run. A job keeps
its finished runs in memory and writes them as one segment per table when its block ends, or
earlier once ``CHECKPOINT_S`` seconds of work are unsaved (a killed job loses at most that much),
then the manifest, last and atomically: a run is finished when the manifest names it (the
manifest is also written when the job starts: the runner's sign that the launcher has begun). A
segment the manifest does not name (written by a job killed before its manifest) is removed by
the next run of the job, and so is a segment none of whose runs is named any more.
"""

from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.tools.outputs import META_KEY, arrow_table, atomic_write

MANIFEST = "runs.json"
# Unsaved work after which a job writes a segment before its block ends: a killed job redoes
# at most this much, and a block of fast runs still writes one file per table.
CHECKPOINT_S = 60.0
_SEGMENT = re.compile(r"^(?P<table>\w+)-(?P<n>\d+)\.parquet$")


def segment_name(table: str, n: int) -> str:
    return f"{table}-{n}.parquet"


def read_manifest(folder: Path) -> dict:
    """A job folder's manifest (empty when the job never saved a run)."""
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {"tables": [], "runs": {}, "failed": {}}
    data.setdefault("failed", {})
    return data


@dataclass
class Finished:
    """A run held in memory until its segment is written: its record and its tables."""

    replicate: int
    record: dict
    frames: dict  # table -> DataFrame


@dataclass
class JobStore:
    """The folder of one job, opened for writing by that job (one process at a time: the
    sweep's lock)."""

    folder: Path
    tables: list[str]
    digests: dict[int, str]  # replicate of the block -> digest of its config and the code
    meta: dict = field(default_factory=dict)  # what every segment carries in its metadata
    manifest: dict = field(init=False)
    pending: list[Finished] = field(default_factory=list)
    unsaved_s: float = 0.0

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.manifest = read_manifest(self.folder)
        self.manifest.update(tables=list(self.tables), started=time.time())
        self.manifest["overrides"] = self.meta.get("overrides", [])
        # a run of another config or code is redone: once the job has started, the manifest
        # names current runs only (the runner counts them as finished)
        runs = self.manifest["runs"]
        for r in [r for r in runs if runs[r]["config_hash"] != self.digests.get(int(r))]:
            del runs[r]
        self._remove_unnamed()
        self._write_manifest()  # the job has started (the runner's progress bar appears)

    def finished(self, replicate: int) -> bool:
        """Whether the folder holds this replicate, finished for its current config."""
        return str(replicate) in self.manifest["runs"]

    def add(self, run: Finished) -> None:
        self.pending.append(run)
        self.unsaved_s += run.record["wall_time_s"]

    def fail(self, replicate: int, text: str) -> None:
        """Record a failed run (saved with the next segment, or by :meth:`save`)."""
        self.manifest["runs"].pop(str(replicate), None)
        self.manifest["failed"][str(replicate)] = {"error": text, "t": time.time()}

    def save(self) -> None:
        """Write the pending runs as one segment per table, then the manifest. When a segment
        cannot be written, its runs are recorded as failed with the error, not raised."""
        if self.pending:
            try:
                self._write_segment()
            except Exception as exc:  # each pending run fails with it; the others stay
                text = f"{type(exc).__name__}: {exc}"
                for run in self.pending:
                    self.fail(run.replicate, text)
        self.pending, self.unsaved_s = [], 0.0
        self._write_manifest()
        self._remove_unnamed()

    def _write_manifest(self) -> None:
        text = json.dumps(self.manifest)
        atomic_write(self.folder / MANIFEST, lambda p: p.write_text(text))

    def _write_segment(self) -> None:
        n = self._next_segment()
        for table in self.tables:
            parts = [arrow_table(run.frames[table], {}) for run in self.pending]
            meta = {**self.meta, "table": table, **_runs_meta(self.pending)}
            schema = _with_meta(
                pa.unify_schemas([p.schema for p in parts], promote_options="permissive"), meta
            )
            write = functools.partial(_write_row_groups, parts=parts, schema=schema)
            atomic_write(self.folder / segment_name(table, n), write)
        for i, run in enumerate(self.pending):
            self.manifest["runs"][str(run.replicate)] = {**run.record, "segment": n, "row_group": i}
            self.manifest["failed"].pop(str(run.replicate), None)

    def _next_segment(self) -> int:
        numbers = [int(m["n"]) for p, m in _segments(self.folder)]
        named = [r["segment"] for r in self.manifest["runs"].values()]
        return max([*numbers, *named], default=-1) + 1

    def _remove_unnamed(self) -> None:
        """Remove the segments no run of the manifest points to."""
        named = {r["segment"] for r in self.manifest["runs"].values()}
        for path, m in _segments(self.folder):
            if int(m["n"]) not in named:
                path.unlink(missing_ok=True)


def _segments(folder: Path) -> list[tuple[Path, re.Match]]:
    """The segment files in ``folder`` (files only: anything else there is not ours)."""
    found = ((p, _SEGMENT.match(p.name)) for p in folder.iterdir())
    return [(p, m) for p, m in found if m and p.is_file()]


def _runs_meta(runs: list[Finished]) -> dict:
    """What a segment's metadata says of its runs (row group i is run i)."""
    return {
        "replicates": [r.replicate for r in runs],
        "seeds": [r.record["seed"] for r in runs],
        "config_digests": [r.record["config_hash"] for r in runs],
    }


def _with_meta(schema: pa.Schema, meta: dict) -> pa.Schema:
    """``schema`` with ``meta`` under our metadata key (the pandas metadata kept)."""
    ours = json.dumps(meta, default=str).encode()
    return schema.with_metadata({**schema.metadata, META_KEY: ours})


def _write_row_groups(path: Path, parts: list[pa.Table], schema: pa.Schema) -> None:
    """One row group per run (empty ones too), so that a reader takes a run's rows alone."""
    with pq.ParquetWriter(path, schema) as writer:
        for part in parts:
            writer.write_table(part.cast(schema), row_group_size=max(part.num_rows, 1))
