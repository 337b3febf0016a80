"""A sweep's jobs as blocks: one file per job and table, resume within a block, the streamed
aggregation equal to concatenating every run's frame, read a few row groups at a time, and
jobs composed from a cached composition equal to Hydra's own."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import TINY
from omegaconf import OmegaConf

import experiments.aggregate as agg
import experiments.jobs as jobs
from experiments.jobs import job_id, run_folder, run_job
from experiments.run import _Progress
from experiments.store import MANIFEST, read_manifest, segment_name
from sim.tools.compose import CONFIG_DIR, compose_config
from sim.tools.outputs import arrow_table
from sim.tools.threads import SERIAL_ENV

SMALL = ["firms.n_initial=300", "steps=2"]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("configs")
    (folder / "experiment").mkdir()
    (folder / "experiment" / "tiny.yaml").write_text(TINY)
    return folder


def job_config(tiny_dir: Path, *overrides: str):
    """A job's config as Hydra gives it to the task (writable)."""
    cfg = copy.deepcopy(
        compose_config("baseline", ["experiment=tiny", *SMALL, *overrides], config_dirs=[tiny_dir])
    )
    OmegaConf.set_readonly(cfg, False)
    return cfg


def run(tiny_dir: Path, jobs_dir: Path, *overrides: str) -> tuple[str, str]:
    """Run one job of the tiny experiment (``overrides`` as its swept values); its name and
    status."""
    task = ["experiment.block=0", "scenario=baseline", *overrides]
    name = job_id(task)
    status = run_job(job_config(tiny_dir, *overrides), jobs_dir / name, "baseline", task, {})
    return name, status


def counting(monkeypatch) -> list[int]:
    """Record the replicates the jobs run."""
    ran, real = [], jobs.run_one
    monkeypatch.setattr(jobs, "run_one", lambda cfg, r, *a: ran.append(r) or real(cfg, r, *a))
    return ran


def old_gather(jobs_dir: Path, names: list[str], table: str) -> pd.DataFrame:
    """The aggregation as it was: every run's frame read alone, behind its identifying
    columns, then all concatenated at once."""
    _, records = agg.scan(jobs_dir, names)
    frames = []
    for rec in records:
        seg = pq.ParquetFile(
            jobs_dir / rec["job"].rsplit("/", 1)[0] / segment_name(table, rec["segment"])
        )
        df = seg.read_row_group(rec["row_group"]).to_pandas()
        ident = pd.DataFrame({k: [v] * len(df) for k, v in agg.run_columns(rec).items()})
        df = df.drop(columns=[c for c in ident.columns if c in df.columns])
        frames.append(pd.concat([ident, df.reset_index(drop=True)], axis=1))
    return pd.concat(frames, ignore_index=True)


# -- files -------------------------------------------------------------------------------------


def test_a_job_writes_one_file_per_table_with_a_row_group_per_run(tiny_dir, tmp_path):
    name, status = run(tiny_dir, tmp_path)
    assert status == "done"
    folder = tmp_path / name
    files = sorted(p.name for p in folder.iterdir())
    assert files == [segment_name("model", 0), MANIFEST, segment_name("states", 0)]
    manifest = read_manifest(folder)
    assert sorted(manifest["runs"]) == ["0", "1", "2"] and not manifest["failed"]
    model = pq.ParquetFile(folder / segment_name("model", 0))
    assert model.num_row_groups == 3
    for r, rec in manifest["runs"].items():
        rows = model.read_row_group(rec["row_group"]).to_pandas()
        assert set(rows.seed) == {rec["seed"]} and len(rows) == 3  # steps 0..2
        assert rec["job"] == f"{name}/{run_folder(int(r))}"


# -- resume --------------------------------------------------------------------------------------


def test_a_job_killed_mid_block_resumes_with_its_missing_runs_only(tiny_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHECKPOINT_S", 0.0)  # save after every run
    real = jobs.run_one

    def killed_at_2(cfg, r, *args):
        if r == 2:
            raise SystemExit("killed")  # not an Exception: the job dies, as under SIGKILL
        return real(cfg, r, *args)

    monkeypatch.setattr(jobs, "run_one", killed_at_2)
    with pytest.raises(SystemExit):
        run(tiny_dir, tmp_path)
    (folder,) = tmp_path.iterdir()
    assert sorted(read_manifest(folder)["runs"]) == ["0", "1"]
    before = {r: rec["t"] for r, rec in read_manifest(folder)["runs"].items()}

    monkeypatch.setattr(jobs, "run_one", real)
    ran = counting(monkeypatch)
    assert run(tiny_dir, tmp_path)[1] == "done"
    assert ran == [2]
    after = read_manifest(folder)["runs"]
    assert {r: after[r]["t"] for r in before} == before
    assert len({rec["segment"] for rec in after.values()}) == 3  # one per save, none orphaned
    ran.clear()
    assert run(tiny_dir, tmp_path)[1] == "done" and ran == []  # all finished: nothing runs

    fresh = tmp_path / "fresh"
    run(tiny_dir, fresh)
    names = [f"{folder.name}/{run_folder(r)}" for r in range(3)]
    for table in ("model", "states"):
        pd.testing.assert_frame_equal(
            old_gather(tmp_path, names, table).drop(columns="run"),
            old_gather(fresh, names, table).drop(columns="run"),
        )


def test_a_segment_the_manifest_does_not_name_is_removed(tiny_dir, tmp_path):
    name, _ = run(tiny_dir, tmp_path)
    orphan = tmp_path / name / segment_name("model", 7)  # a job killed before its manifest
    orphan.write_bytes(b"half")
    manifest = json.loads((tmp_path / name / MANIFEST).read_text())
    del manifest["runs"]["1"]
    (tmp_path / name / MANIFEST).write_text(json.dumps(manifest))
    run(tiny_dir, tmp_path)
    assert not orphan.exists()
    assert sorted(read_manifest(tmp_path / name)["runs"]) == ["0", "1", "2"]
    assert (tmp_path / name / segment_name("model", 1)).is_file()  # run 1, saved anew


def test_the_progress_counts_a_stale_run_only_once_its_job_has_redone_it(
    tiny_dir, tmp_path, monkeypatch
):
    name, _ = run(tiny_dir, tmp_path)
    manifest = read_manifest(tmp_path / name)
    manifest["runs"]["1"]["config_hash"] = "an-older-config"  # finished before a change
    (tmp_path / name / MANIFEST).write_text(json.dumps(manifest))
    progress = _Progress(tmp_path, [name], since=time.time())
    assert progress.count() == 0  # not started: none known current (the bar once began full)

    seen, real = {}, jobs.run_one

    def watched(cfg, r, *args):
        seen[r] = progress.count()
        return real(cfg, r, *args)

    monkeypatch.setattr(jobs, "run_one", watched)
    run(tiny_dir, tmp_path)
    assert seen == {1: 2}  # started: runs 0 and 2 kept, the stale run 1 redone
    assert progress.count() == 3


def test_the_command_line_asks_for_one_blas_thread_before_numpy_loads():
    # what the environment says when NumPy (and its BLAS) is first imported
    hook = (
        "import os, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'numpy':\n"
        "            e = os.environ\n"
        "            print(e.get('OPENBLAS_NUM_THREADS'), e.get('OMP_NUM_THREADS'))\n"
        "            sys.meta_path.remove(self)\n"
        "sys.meta_path.insert(0, Hook())\n"
        "import sim.__main__\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in SERIAL_ENV}
    out = subprocess.run([sys.executable, "-c", hook], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["1", "1"], out.stderr
    env["OPENBLAS_NUM_THREADS"] = "2"  # a user's own choice is kept
    out = subprocess.run([sys.executable, "-c", hook], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["2", "1"], out.stderr


# -- aggregation ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep(tiny_dir, tmp_path_factory) -> tuple[Path, list[str]]:
    """Three jobs whose swept value is an int in two and a float in one (the column is
    float), aggregated."""
    root = tmp_path_factory.mktemp("sweep")
    names = []
    for value in ("0", "1.5", "3"):
        name, status = run(tiny_dir, root / "jobs", f"local.competition={value}")
        assert status == "done"
        names += [f"{name}/{run_folder(r)}" for r in range(3)]
    return root, names


def test_streamed_aggregation_equals_the_concatenation_of_every_run(sweep, monkeypatch):
    root, names = sweep
    monkeypatch.setattr(agg, "CHUNK_RUNS", 2)  # several chunks per job
    report = agg.aggregate(root, names, {"experiment": "tiny"}, ["model", "states"])
    assert report.complete and len(report.done) == 9
    for table in ("model", "states"):
        expected = old_gather(root / "jobs", names, table)
        got = pd.read_parquet(root / f"{table}.parquet")
        pd.testing.assert_frame_equal(got, expected)
        assert got.local_competition.dtype == "float64"
        schema = pq.read_schema(root / f"{table}.parquet")
        want = arrow_table(expected, {}).schema
        assert schema.remove_metadata().equals(want.remove_metadata())
        assert schema.pandas_metadata == want.pandas_metadata
    runs = pd.read_parquet(root / "runs.parquet")
    model = old_gather(root / "jobs", names, "model")
    pd.testing.assert_frame_equal(runs.drop(columns="wall_time_s"),
                                  agg.runs_table(agg.scan(root / "jobs", names)[1], model)
                                  .drop(columns="wall_time_s"))  # fmt: skip


def test_aggregation_reads_a_few_row_groups_at_a_time(sweep, monkeypatch):
    root, names = sweep
    monkeypatch.setattr(agg, "CHUNK_RUNS", 2)
    reads, real = [], pq.ParquetFile.read_row_groups

    def spy(self, row_groups, *args, **kwargs):
        reads.append(len(row_groups))
        return real(self, row_groups, *args, **kwargs)

    def whole(*args, **kwargs):
        raise AssertionError("a whole table read into memory")

    monkeypatch.setattr(pq.ParquetFile, "read_row_groups", spy)
    monkeypatch.setattr(pq.ParquetFile, "read", whole)
    monkeypatch.setattr(pq, "read_table", whole)
    monkeypatch.setattr(pd, "read_parquet", whole)
    agg.aggregate(root, names, {"experiment": "tiny"}, ["model"])
    assert reads == [2, 1] * 3  # each job's 3 runs in chunks of at most 2
    assert pq.ParquetFile(root / "model.parquet").num_row_groups == 6  # written as read


# -- composition ---------------------------------------------------------------------------------


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_jobs_composed_from_the_cache_equal_hydras_own(tiny_dir):
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    from sim.tools.sweep import _COMPOSED, CachedConfigLoader

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        plain = GlobalHydra.instance().config_loader()
        cached = CachedConfigLoader(config_search_path=plain.get_search_path())
        master = plain.load_configuration(
            "config", ["experiment=local_competition", "hydra.sweep.dir=x"], RunMode.MULTIRUN
        )
        _COMPOSED.clear()
        for job in (
            ["local.competition=1.5", "local.budget_scale=10", "experiment.block=0"],
            ["local.competition=0", "local.budget_scale=1", "experiment.block=3"],
            ["experiment.block=2", "scenario=china_single_track", "steps=8"],
            ["scenario=baseline"],  # no value: composed by Hydra, not kept
        ):
            want = plain.load_sweep_config(master, job)
            got = cached.load_sweep_config(master, job)
            assert OmegaConf.to_yaml(got) == OmegaConf.to_yaml(want), job
            assert got.hydra.job.override_dirname == want.hydra.job.override_dirname
        assert len(_COMPOSED) == 2  # the first two jobs share one composition


def test_a_job_keeps_no_finished_model_alive(tiny_dir, tmp_path):
    from mesa import Agent

    before = len(Agent._ids)  # Mesa keys its agent ids by model, for as long as it lives
    run(tiny_dir, tmp_path)
    assert len(Agent._ids) == before  # memory does not grow with the runs a worker does
