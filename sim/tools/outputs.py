"""Output folders that are whole or marked: atomic files, a lock per folder, stale temporary files
removed, Parquet tables that carry their provenance, and a one-line refusal for a folder that
cannot be written.

Shared by a single run (``python -m sim``, :mod:`sim.tools.runner`) and an experiment's sweep
(``experiments/``). The locks are ``flock`` locks on a ``.lock`` file: the kernel releases them
when their process dies, by any signal, so a dead run never leaves a folder locked.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.config.experiment import short_digest  # noqa: F401 - sweep folders, as run folders

LOCK = ".lock"
META_KEY = b"regcomp"  # our key in a Parquet file's key-value metadata
_TMP = re.compile(r"^\..+\.(\d+)\.tmp$")  # the names atomic_write gives its temporary files


class FolderBusy(RuntimeError):
    """Another live process holds the folder's lock."""


class Unwritable(RuntimeError):
    """An output folder cannot be created or written."""


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename the finished file to ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def remove_stale_tmp(root: Path) -> list[Path]:
    """Delete the temporary files under ``root`` that a killed process left (its pid is gone);
    returns them. A live writer's files are left alone."""
    removed = []
    if not root.is_dir():
        return removed
    for path in root.rglob("*.tmp"):
        m = _TMP.match(path.name)
        if m and not _alive(int(m.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def ensure_writable(folder: Path, what: str) -> None:
    """Create ``folder`` (and parents) or raise :class:`Unwritable` with one line."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-probe.{os.getpid()}.tmp"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise Unwritable(f"{what}: cannot write to {folder}: {reason}") from exc


class FolderLock:
    """An exclusive ``flock`` on ``folder/.lock`` holding the owner's pid (for the message).

    ``acquire`` raises :class:`FolderBusy` when another live process holds it. The lock lasts
    until :meth:`release` or the process's death.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK
        self.fd: int | None = None

    def acquire(self) -> FolderLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise FolderBusy(f"pid {owner}") from exc
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor drops the flock
            self.fd = None


# -- Parquet tables with their provenance -------------------------------------------------------


def column_name(key: str) -> str:
    """A swept key as a column name SQL engines need not quote: ``local.competition`` ->
    ``local_competition``."""
    return re.sub(r"\W", "_", key)


def arrow_table(df: pd.DataFrame, meta: dict[str, Any]) -> pa.Table:
    """``df`` as an Arrow table with ``meta`` (JSON) under our metadata key; float columns keep
    NaN as NaN (pyarrow would turn it into null, which is not what the docs promise)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, name in enumerate(table.column_names):
        if pd.api.types.is_float_dtype(df[name].dtype):
            values = pa.array(df[name].to_numpy(), type=table.schema.field(i).type)
            table = table.set_column(i, table.schema.field(i), values)
    md = {**(table.schema.metadata or {}), META_KEY: json.dumps(meta, default=str).encode()}
    return table.replace_schema_metadata(md)


def write_parquet(df: pd.DataFrame, path: Path, meta: dict[str, Any]) -> None:
    """Write ``df`` to ``path`` atomically, with ``meta`` in its key-value metadata."""
    table = arrow_table(df, meta)
    atomic_write(path, lambda p: pq.write_table(table, p))


def parquet_meta(path: Path) -> dict[str, Any]:
    """Our metadata of a Parquet file ({} when it has none)."""
    md = pq.read_schema(path).metadata or {}
    return json.loads(md[META_KEY]) if META_KEY in md else {}


def fail(message: str, code: int = 2) -> None:
    """One line on stderr and exit."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


# -- a single run's folder: guarded before Hydra writes into it ---------------------------------

DONE, ERROR = "done.json", "error.txt"  # a finished run's marker (written last); a failed run's
_HELD: list[FolderLock] = []  # locks this process holds until it exits


def _hydra_path(config, key: str) -> Path:
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    HydraConfig.instance().set_config(config)  # ${hydra:...} in the folder's name
    return Path(str(OmegaConf.select(config, key)))


try:
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover - hydra is a dependency
    Callback = object


class OutputGuard(Callback):
    """Hydra callback (``hydra.callbacks`` in ``configs/config.yaml``), run before Hydra writes
    anything: an unwritable folder ends with one line and exit 2; a single run locks its folder,
    so a second run given the same ``hydra.run.dir`` is refused instead of mixing files, and
    clears the marker, error and stale temporary files an earlier run left there."""

    def on_run_start(self, config, **kwargs) -> None:
        folder = _hydra_path(config, "hydra.run.dir")
        try:
            ensure_writable(folder, "hydra.run.dir")
            _HELD.append(FolderLock(folder).acquire())
        except Unwritable as exc:
            fail(str(exc))
        except FolderBusy as exc:
            fail(f"hydra.run.dir: {folder} is in use by another run ({exc}); choose another folder")
        for name in (DONE, ERROR):
            (folder / name).unlink(missing_ok=True)
        remove_stale_tmp(folder)

    def on_multirun_start(self, config, **kwargs) -> None:
        from omegaconf import OmegaConf

        folder = _hydra_path(config, "hydra.sweep.dir")
        try:
            ensure_writable(folder, "hydra.sweep.dir")
        except Unwritable as exc:
            fail(str(exc))
        # an experiment's sweep run directly (`python -m sim -m experiment=x`) takes the lock
        # that `python -m experiments run` holds (and passes to its child) on the same folder
        experiment = folder.name == "jobs" and OmegaConf.select(config, "experiment.name")
        if experiment and not os.environ.get("SIM_RUNNER_PID"):
            try:
                _HELD.append(FolderLock(folder.parent).acquire())
            except FolderBusy as exc:
                fail(f"{folder.parent} is in use by another sweep ({exc}); wait for it")
