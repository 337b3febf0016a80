"""A single run's folder as a whole: complete with ``done.json`` or marked failed with
``error.txt``, locked against a second run, refused in one line when it cannot be written; and
the provenance every table carries (Parquet metadata, ``seed`` and ``scenario`` columns)."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import CLI_RUN_ARGS

import sim
from sim.tools.outputs import (
    FolderBusy,
    FolderLock,
    arrow_table,
    column_name,
    parquet_meta,
    remove_stale_tmp,
    short_digest,
)

ARGS = ["steps=2", "firms.n_initial=300", "seed=3", "output.figure=false", "output.quiet=true"]


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


# -- unit -----------------------------------------------------------------------------------------


def test_folder_lock_refuses_a_second_holder_and_frees_on_release(tmp_path):
    first = FolderLock(tmp_path).acquire()
    with pytest.raises(FolderBusy, match=f"pid {os.getpid()}"):
        FolderLock(tmp_path).acquire()
    first.release()
    FolderLock(tmp_path).acquire().release()


def test_stale_tmp_files_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    (tmp_path / "a").mkdir()
    stale = tmp_path / "a" / f".model.parquet.{dead}.tmp"
    live = tmp_path / f".sweep.json.{os.getpid()}.tmp"
    stale.write_text("half")
    live.write_text("being written")
    assert remove_stale_tmp(tmp_path) == [stale]
    assert not stale.exists() and live.exists()


def test_nan_stays_nan_in_parquet_and_metadata_is_ours(tmp_path):
    df = pd.DataFrame({"x": [1.0, math.nan], "n": [1, 2]})
    table = arrow_table(df, {"seed": 3})
    assert table.column("x").null_count == 0  # NaN, not null (pyarrow's default)
    pq.write_table(table, tmp_path / "t.parquet")
    assert parquet_meta(tmp_path / "t.parquet") == {"seed": 3}
    assert math.isnan(pd.read_parquet(tmp_path / "t.parquet").x[1])


def test_swept_keys_become_plain_column_names():
    assert column_name("local.competition") == "local_competition"
    assert column_name("waico.us_pressure") == "waico_us_pressure"
    assert column_name("scenario") == "scenario"


# -- a run's folder, through the command line -----------------------------------------------------


@pytest.fixture(scope="module")
def one_run(cli_run_dir) -> Path:
    """The folder of the fast suite's ``python -m sim`` run (conftest's cli_run, seed 3)."""
    return cli_run_dir


def test_every_table_carries_its_provenance(one_run):
    for table in ("model", "states", "localities"):
        meta = parquet_meta(one_run / f"{table}.parquet")
        assert meta["seed"] == 3 and meta["scenario"] == "baseline", table
        assert meta["overrides"] == CLI_RUN_ARGS, table
        assert len(meta["config_digest"]) == 16 and meta["version"] == sim.__version__, table
        assert "git_revision" in meta and meta["table"] == table
        df = pd.read_parquet(one_run / f"{table}.parquet")
        assert list(df.columns[:2]) == ["seed", "scenario"], table
        assert set(df.seed) == {3} and set(df.scenario) == {"baseline"}, table
    waico = pq.read_table(one_run / "model.parquet").column("waico_harmonisation")
    assert waico.null_count == 0  # NaN without members, as the README says
    assert (one_run / "done.json").is_file() and not (one_run / "error.txt").exists()


def test_run_folder_names_carry_a_digest_of_the_overrides(one_run):
    dirname = ",".join(sorted(a for a in CLI_RUN_ARGS))  # Hydra's override_dirname
    assert one_run.name.endswith(f"_baseline_{short_digest(dirname)}")


@pytest.mark.slow  # a second CLI run in a subprocess
def test_other_overrides_give_another_digest(one_run, run_sim, tmp_path):
    proc = run_sim([*ARGS[:-1], "seed=4", "output.quiet=true"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (other,) = (tmp_path / "results" / "runs").iterdir()
    assert other.name.rsplit("_", 1)[1] != one_run.name.rsplit("_", 1)[1]


@pytest.mark.parametrize(
    "argv",
    [
        # a CLI subprocess each (`-m slow`): the fast suite's `python -m sim` process is
        # test_cli.py's happy run and the run folder above
        pytest.param(["hydra.run.dir=/proc/x"], marks=pytest.mark.slow),
        pytest.param(["hydra.run.dir=/dev/null/x"], marks=pytest.mark.slow),
        pytest.param(["-m", "seed=1,2", "hydra.sweep.dir=/proc/x"], marks=pytest.mark.slow),
        pytest.param(["-m", "seed=1,2", "hydra.sweep.dir=/dev/null/x"], marks=pytest.mark.slow),
    ],
)
def test_unwritable_output_folder_is_one_line(run_sim, tmp_path, argv):
    proc = run_sim([*argv, "steps=2"], cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    (line,) = error_lines(proc.stderr)
    assert line.startswith("error: hydra.") and "cannot write to /" in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # two CLI runs in subprocesses
def test_failed_run_is_marked_and_the_folder_reusable(run_sim, tmp_path):
    folder = tmp_path / "run"
    (folder / "states.parquet").mkdir(parents=True)  # the run cannot write its second table
    proc = run_sim([*ARGS, f"hydra.run.dir={folder}"], cwd=tmp_path)
    assert proc.returncode == 1
    (line,) = error_lines(proc.stderr)
    assert line.startswith("error: the run failed: IsADirectoryError") and "error.txt" in line
    assert "Traceback" in (folder / "error.txt").read_text()
    assert not (folder / "done.json").exists()
    assert not (folder / "model.parquet").exists()  # the table it did write is gone

    (folder / "states.parquet").rmdir()
    proc = run_sim([*ARGS, f"hydra.run.dir={folder}"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (folder / "done.json").is_file() and not (folder / "error.txt").exists()


HOLD = (
    "import sys, time; from pathlib import Path; from sim.tools.outputs import FolderLock; "
    "FolderLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(600)"
)


@pytest.mark.slow  # CLI runs beside a lock holder
def test_a_folder_in_use_is_refused_and_a_dead_holder_leaves_no_stale_lock(run_sim, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE,
                              text=True, env=env)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = run_sim([*ARGS, f"hydra.run.dir={folder}"], cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        (line,) = error_lines(proc.stderr)
        assert "is in use by another run" in line and f"pid {holder.pid}" in line, line
        assert not (folder / ".hydra").exists()  # refused before Hydra wrote anything
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    time.sleep(0.1)
    proc = run_sim([*ARGS, f"hydra.run.dir={folder}"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (folder / "done.json").is_file()
