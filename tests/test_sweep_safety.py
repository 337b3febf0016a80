"""An experiment's sweep as a whole: one runner per folder, no process left when the runner dies,
Ctrl-C in one line, tables of one aggregation only, no temporary file surviving a kill, sweeps
with overrides in their own folder, and the runner's messages."""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, TINY, run_tiny, without_wall_time

import experiments.aggregate as agg
from experiments.figures.common import Sweep, SweepMismatch, ci_text, mean_ci
from experiments.lifecycle import check_launcher
from experiments.spec import Experiment
from experiments.store import read_manifest
from sim.tools.outputs import FolderLock, parquet_meta
from sim.tools.validate import ConfigError

LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def finished_runs(root: Path) -> int:
    return sum(len(read_manifest(p.parent)["runs"]) for p in root.glob("jobs/*/runs.json"))


def lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


# -- processes, read from /proc -------------------------------------------------------------------


def _stat(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # state, ppid, pgrp, session, ...


def children(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and (s := _stat(p.name)) and int(s[1]) == pid]  # fmt: skip


def alive_in_session(sid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
            and (s := _stat(p.name)) and int(s[3]) == sid and s[0] != "Z"]  # fmt: skip


def wait_for(predicate, timeout: float, what: str):
    end = time.time() + timeout
    while time.time() < end:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def start_runner(cwd: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "experiments", "run", "tiny", "--config-dir", "my_configs"]
    return subprocess.Popen([*cmd, "--no-figure", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def sweep_child(runner: subprocess.Popen) -> int:
    """The pid of the runner's Hydra child, once its launcher has started a job."""
    return wait_for(lambda: children(runner.pid), 120, "the sweep's child")[0]


# -- messages before anything starts --------------------------------------------------------------


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_missing_launcher_extra_names_the_pip_command(cli, tiny, monkeypatch):
    import experiments.lifecycle as lc

    monkeypatch.setattr(lc.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(
        ConfigError, match=r'--launcher submitit_slurm: .*pip install -e "\.\[slurm\]"'
    ):
        check_launcher("submitit_slurm")
    monkeypatch.undo()
    if lc.importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is not None:
        pytest.skip("the ray extra is installed")
    res = run_tiny(cli, tiny, "--launcher", "ray")
    assert res.returncode == 2
    (line,) = lines(res.stderr)  # no progress bar either
    assert line.startswith("error: --launcher ray:") and 'pip install -e ".[ray]"' in line
    assert not (tiny / "results").exists()


@pytest.mark.slow  # a sweep subprocess
def test_unwritable_results_folder_is_one_line(cli, tiny):
    (tiny / "results").symlink_to("/proc/nonexistent")
    res = run_tiny(cli, tiny, "--launcher", "basic")
    assert res.returncode == 2
    (line,) = lines(res.stderr)
    assert line.startswith("error: results: cannot write to results/sweeps/tiny"), line


@pytest.mark.slow  # a sweep subprocess
def test_a_launcher_that_fails_shows_no_progress_bar(cli, tiny):
    res = run_tiny(cli, tiny, "--launcher", "submitit_slurm")  # no Slurm on this machine
    assert res.returncode != 0
    assert "%|" not in res.stderr and "run/s" not in res.stderr, res.stderr


# -- where a sweep goes, what its manifest says ---------------------------------------------------


def test_user_overrides_get_their_own_folder_and_recorded_grid():
    exp = Experiment.load("local_competition")
    plain, own = exp.sweep_root(False), exp.sweep_root(False, ("local.competition=0,1,8",))
    assert plain.name == "local_competition" and own.name.startswith("local_competition+")
    assert own != exp.sweep_root(False, ("local.competition=0,1",))
    assert exp.sweep_root(False, ("hydra.launcher.n_jobs=2",)) == plain  # launcher only
    assert exp.grid(False, ("local.competition=0,1,8",))["local.competition"] == "0,1,8"
    assert exp.grid(True)["local.competition"] == str(exp.quick["params"]["local.competition"])
    assert exp.figure_dir(False) == plain / "figure"  # `run` never writes results/figures/
    assert exp.figure_dir(False, committed=True) == Path("results/figures")


def test_intervals_that_cannot_be_computed_or_go_below_zero():
    assert ci_text(2.0, math.nan, math.nan) == "2 (interval n/a: 1 seed)"
    assert ci_text(1.0, -0.5, 2.5, ".2f", floor=0) == "1.00 [0.00, 2.50]"
    assert ci_text(0.5, -0.5, 1.5, "+.1f") == "+0.5 [-0.5, 1.5]"
    df = pd.DataFrame({"g": [0, 0, 0], "v": [0.0, 0.0, 3.0]})
    assert mean_ci(df, ["g"], "v", floor=0).lo[0] == 0.0


@pytest.mark.slow  # whole sweeps in subprocesses
def test_sweep_with_overrides_columns_provenance_logs_and_generations(cli, tiny):
    args = ("--launcher", "basic", "local.competition=0,2", "scenario=baseline")
    res = run_tiny(cli, tiny, *args)
    assert res.returncode == 0, res.stderr
    (root,) = (tiny / "results" / "sweeps").iterdir()
    assert root.name.startswith("tiny+") and f"data in results/sweeps/{root.name}/" in res.stdout
    sweep = json.loads((root / "sweep.json").read_text())
    assert sweep["sweeper_params"]["local.competition"] == "0,2"  # the grid that ran
    assert sweep["columns"]["local.competition"] == "local_competition"
    runs = pd.read_parquet(root / "runs.parquet")
    assert sorted(runs.local_competition.unique()) == [0, 2]
    for table in ("model", "states", "runs"):
        assert not [c for c in pd.read_parquet(root / f"{table}.parquet").columns if "." in c]
        meta = parquet_meta(root / f"{table}.parquet")
        assert meta["generation"] == sweep["generation"] and meta["seeds"] == sweep["seeds"]
        assert meta["overrides"][-2:] == list(args[2:]) and meta["scenarios"] == ["baseline"]
        assert meta["config_digest"] == sweep["config_digest"] and meta["version"]
    job = parquet_meta(next(root.glob("jobs/*/model-0.parquet")))
    assert set(job["seeds"]) <= set(sweep["seeds"]) and job["experiment"] == "tiny"

    # an aggregation killed after its first table: the readers refuse the mixed set
    names = Experiment.load("tiny", (str(tiny / "my_configs"),)).runs(False, args[2:])
    real, written = agg.write_parquet, []

    class Killed(Exception):
        pass

    def dies_after_one(df, path, meta):
        if written:
            raise Killed
        real(df, path, meta)
        written.append(path)

    agg.write_parquet = dies_after_one
    try:
        with pytest.raises(Killed):
            agg.aggregate(root, names, {"experiment": "tiny"}, ["model", "states"])
    finally:
        agg.write_parquet = real
    with pytest.raises(SweepMismatch, match="does not belong with"):
        Sweep.load(root)
    res = cli(["figure", "tiny", "--config-dir", "my_configs", *args[2:]], tiny)
    assert res.returncode == 2 and "does not belong with" in lines(res.stderr)[0]

    # run again: re-aggregated as a set; the first launch's log is kept
    assert run_tiny(cli, tiny, *args).returncode == 0
    assert Sweep.load(root).table("states").local_competition.notna().all()
    assert sorted(p.name for p in root.glob("launch-*.log")) == ["launch-001.log", "launch-002.log"]


@pytest.mark.slow  # a sweep subprocess
def test_a_direct_multirun_respects_the_runners_lock(run_sim, tmp_path):
    root = tmp_path / "results" / "sweeps" / "dual_track"
    root.mkdir(parents=True)
    lock = FolderLock(root).acquire()  # as a runner holds it
    try:
        res = run_sim(["-m", "experiment=dual_track", "steps=2"], cwd=tmp_path)
    finally:
        lock.release()
    assert res.returncode == 2
    (line,) = lines(res.stderr)
    assert f"{root.relative_to(tmp_path)} is in use by another sweep (pid {os.getpid()})" in line
    assert not (root / "jobs").exists() or not any((root / "jobs").iterdir())


# -- the runner's life and death ------------------------------------------------------------------


@LINUX
@pytest.mark.slow  # two concurrent sweeps in subprocesses
def test_one_runner_per_folder_and_none_of_its_processes_outlive_it(cli, tiny):
    slow = ("--jobs", "2", "steps=40", "experiment.per_job=20")  # still running when checked
    first = start_runner(tiny, *slow)
    try:
        child = sweep_child(first)
        root = wait_for(lambda: list((tiny / "results" / "sweeps").glob("tiny+*")), 60, "root")[0]
        wait_for(lambda: list(root.glob("jobs/*/runs.json")), 120, "the launcher's first job")
        second = run_tiny(cli, tiny, *slow)
        assert second.returncode == 2
        (line,) = lines(second.stderr)
        assert "is in use by another `python -m experiments run`" in line, line
        assert f"pid {first.pid}" in line
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    wait_for(lambda: not alive_in_session(child), 30, "the sweep's processes to end")
    FolderLock(root).acquire().release()  # not stale
    done = finished_runs(root)
    time.sleep(3)
    assert finished_runs(root) == done  # nothing runs on


@LINUX
@pytest.mark.slow  # a sweep subprocess, interrupted
def test_ctrl_c_stops_the_sweep_in_one_line(tiny):
    runner = start_runner(tiny, "--jobs", "2", "steps=40", "experiment.per_job=20")
    child = sweep_child(runner)
    wait_for(lambda: list(tiny.glob("results/sweeps/*/jobs/*/runs.json")), 120, "the first job")
    runner.send_signal(signal.SIGINT)
    _, err = runner.communicate(timeout=60)
    assert runner.returncode == 130
    assert "Traceback" not in err
    last = lines(err)[-1]
    assert last.startswith("interrupted (SIGINT: ") and "runs finished and kept" in last
    assert "run `python -m experiments run tiny --config-dir my_configs" in last
    assert last.endswith("again to resume")
    wait_for(lambda: not alive_in_session(child), 30, "the sweep's processes to end")


@LINUX
@pytest.mark.slow
def test_kills_at_random_points_leave_no_tmp_and_the_same_data(cli, tmp_path):
    def folder(name: str) -> Path:
        (tmp_path / name / "my_configs" / "experiment").mkdir(parents=True)
        (tmp_path / name / "my_configs" / "experiment" / "tiny.yaml").write_text(TINY)
        return tmp_path / name

    ref, killed = folder("ref"), folder("killed")
    t0 = time.time()
    assert run_tiny(cli, ref, "--quick").returncode == 0
    duration = time.time() - t0
    rng = random.Random(17)
    for _ in range(4):
        runner = start_runner(killed, "--quick")
        time.sleep(rng.uniform(0.5, duration))
        sessions = children(runner.pid)
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        for sid in sessions:
            wait_for(lambda sid=sid: not alive_in_session(sid), 30, "the sweep's processes")
    res = run_tiny(cli, killed, "--quick")
    assert res.returncode == 0, res.stderr
    assert [p for p in killed.rglob("*") if p.name.endswith(".tmp")] == []
    for table in ("model", "states", "runs"):
        a, b = (pd.read_parquet(d / "results/sweeps/tiny_quick" / f"{table}.parquet")
                for d in (ref, killed))  # fmt: skip
        pd.testing.assert_frame_equal(without_wall_time(a), without_wall_time(b))


@pytest.mark.slow
def test_a_plain_run_never_writes_the_committed_figures(cli, tmp_path):
    res = cli(["run", "dual_track", "--quick", "--launcher", "basic"], tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    own = tmp_path / "results" / "sweeps" / "dual_track_quick" / "figure"
    assert (own / "dual_track.png").is_file() and (own / "dual_track.json").is_file()
    assert not (tmp_path / "results" / "figures").exists()
    assert "[nan" not in res.stdout and "nan]" not in res.stdout
