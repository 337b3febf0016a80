"""Experiment runners: seeds, sweep expansion and precheck, jobs, aggregation, resuming after a
failure or a kill, launchers giving the same data, and the quick reproduction end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TINY, run_tiny, without_wall_time

from experiments.figures.common import mean_ci
from experiments.jobs import job_id
from experiments.spec import EXPERIMENTS, Experiment
from sim.config.experiment import replicate_seed
from sim.tools.compose import compose_config
from sim.tools.sweep import expand, representatives
from sim.tools.validate import ConfigError


def finished_at(jobs: Path) -> dict[str, float]:
    """When each finished run of the jobs' manifests finished, by run name."""
    manifests = (json.loads(p.read_text()) for p in jobs.glob("*/runs.json"))
    return {rec["job"]: rec["t"] for m in manifests for rec in m["runs"].values()}


# -- seeds and sweeps ------------------------------------------------------------------------


def test_replicate_seeds_are_spawned_from_the_master_seed():
    for n in (3, 20):
        spawned = np.random.SeedSequence(1001).spawn(n)
        assert [replicate_seed(1001, i) for i in range(n)] == [
            int(s.generate_state(1)[0]) for s in spawned
        ]
    assert replicate_seed(1001, 0) != replicate_seed(1002, 0)
    assert len({replicate_seed(5, i) for i in range(100)}) == 100


def test_expansion_follows_hydra_order_and_command_line_wins():
    jobs = expand({"scenario": "a,b", "x": "1,2"}, ["x=3", "steps=2", "hydra/launcher=basic"])
    assert jobs == [["scenario=a", "x=3", "steps=2"], ["scenario=b", "x=3", "steps=2"]]
    full = expand({"a": "1,2,3", "b": "range(0,4)"}, [])
    assert len(full) == 12
    reps = representatives(full)
    assert len(reps) <= 3 + 4 and {v for j in reps for v in j} == {v for j in full for v in j}
    blocks = expand({"scenario": "a,b", "experiment.block": "range(0,50)"}, [])
    assert len(representatives(blocks)) == 2  # blocks only pick replicates: not composed each


def test_quick_version_is_smaller_and_uses_the_first_seeds():
    for name in EXPERIMENTS:
        exp = Experiment.load(name)
        full, quick = exp.runs(False), exp.runs(True)
        assert 0 < len(quick) < len(full), name
    exp = Experiment.load("dual_track")
    assert "experiment.block=range(0,1)" in exp.overrides(True)
    assert exp.per_job(True) == 3 and exp.per_job(False) == 25 and len(exp.runs(False)) == 100
    assert job_id(["experiment=x", "scenario=b", "a=1"]) == "a=1,scenario=b"


def test_mean_ci_matches_the_t_interval():
    df = pd.DataFrame({"g": ["a"] * 4 + ["b"], "v": [1.0, 2.0, 3.0, 4.0, 5.0]})
    out = mean_ci(df, ["g"], "v").set_index("g")
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2  # t(0.975, 3)
    assert out.loc["a", "mean"] == 2.5 and out.loc["a", "n"] == 4
    assert out.loc["a", "lo"] == pytest.approx(2.5 - half)
    assert out.loc["a", "hi"] == pytest.approx(2.5 + half)
    assert np.isnan(out.loc["b", "lo"])  # one run: no interval


# -- bad input: one line, exit 2, nothing written --------------------------------------------


@pytest.mark.slow  # a subprocess per case
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["local.competition=1,-5"], "local.competition = -5"),
        (["scenario=baseline,nope"], "scenario: unknown scenario 'nope'"),
        (["waico.us_presure=1,2"], "did you mean 'us_pressure'"),
        (["experiment.block=0,-1"], "experiment.block=-1: a block is a whole number"),
    ],
)
def test_multirun_checks_every_swept_value_before_creating_anything(
    run_sim, tmp_path, args, expected
):
    res = run_sim(["-m", "experiment=dual_track", "steps=2", *args], cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], lines
    assert not (tmp_path / "results").exists()


def test_tables_must_be_known():
    with pytest.raises(ConfigError, match=r"experiment.tables: 'firms' is not allowed"):
        compose_config("baseline", ["experiment.tables=[model,firms]"])


@pytest.mark.slow  # three subprocesses of the runner
def test_runner_refuses_bad_input_in_one_line(cli, tmp_path):
    res = cli(["run", "nope"], tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip().startswith("error: experiment: unknown experiment 'nope'")
    res = cli(["run", "dual_track", "--quick", "local.competition=-1"], tmp_path)
    assert res.returncode == 2, res.stderr
    assert "local.competition = -1" in res.stderr.strip().splitlines()[0]
    assert not (tmp_path / "results" / "sweeps" / "dual_track_quick").exists()
    res = cli(["figure", "dual_track"], tmp_path)
    assert res.returncode == 2 and "run `python -m experiments run dual_track`" in res.stderr


# -- jobs, aggregation, resuming -------------------------------------------------------------


@pytest.mark.slow  # a whole sweep in subprocesses
def test_sweep_aggregates_one_row_per_run_and_step(cli, tiny):
    res = run_tiny(cli, tiny, "--launcher", "basic")
    assert res.returncode == 0, res.stderr
    root = tiny / "results" / "sweeps" / "tiny"
    runs = pd.read_parquet(root / "runs.parquet")
    model = pd.read_parquet(root / "model.parquet")
    states = pd.read_parquet(root / "states.parquet")
    assert len(runs) == 6 and len(model) == 6 * 5 and len(states) == 6 * 5 * 15
    assert set(runs.scenario) == {"baseline", "china_single_track"}
    seeds = sorted({replicate_seed(7, i) for i in range(3)})
    assert sorted(runs.seed.unique()) == seeds
    assert not model.duplicated(["run", "step"]).any()
    # replicate r has the same seed in both scenarios: paired comparisons
    assert runs.groupby("replicate").seed.nunique().eq(1).all()
    sweep = json.loads((root / "sweep.json").read_text())
    assert sweep["finished"] == 6 and sweep["seeds"] == seeds and not sweep["failed"]


@pytest.mark.slow  # a whole sweep in subprocesses
def test_failed_job_is_named_others_land_and_a_rerun_finishes_only_the_rest(cli, tiny):
    jobs = tiny / "results" / "sweeps" / "tiny" / "jobs"
    broken = "experiment.block=0,scenario=baseline"
    (jobs / broken / "model-0.parquet").mkdir(parents=True)  # the job cannot write its table
    res = run_tiny(cli, tiny)
    assert res.returncode == 1
    for r in range(3):
        assert f"failed: {broken}/replicate={r}: IsADirectoryError" in res.stderr
    root = jobs.parent
    assert len(pd.read_parquet(root / "runs.parquet")) == 3
    stamps = finished_at(jobs)

    (jobs / broken / "model-0.parquet").rmdir()
    killed = "experiment.block=0,scenario=china_single_track"
    manifest = json.loads((jobs / killed / "runs.json").read_text())
    del manifest["runs"]["0"]  # as if killed before its manifest named the run
    (jobs / killed / "runs.json").write_text(json.dumps(manifest))
    res = run_tiny(cli, tiny)
    assert res.returncode == 0, res.stderr
    after = finished_at(jobs)
    redone = {k for k in after if stamps.get(k) != after[k]}
    assert redone == {f"{broken}/replicate={r}" for r in range(3)} | {f"{killed}/replicate=0"}
    assert not json.loads((jobs / broken / "runs.json").read_text())["failed"]
    model = pd.read_parquet(root / "model.parquet")
    assert len(model) == 30 and not model.duplicated(["run", "step"]).any()

    fresh = tiny / "fresh"
    fresh.mkdir()
    (fresh / "my_configs").symlink_to(tiny / "my_configs")
    assert run_tiny(cli, fresh, "--launcher", "basic").returncode == 0
    for table in ("model", "states", "runs"):
        pd.testing.assert_frame_equal(
            without_wall_time(pd.read_parquet(root / f"{table}.parquet")),
            without_wall_time(pd.read_parquet(fresh / "results/sweeps/tiny" / f"{table}.parquet")),
        )


@pytest.mark.slow  # a whole sweep in subprocesses
def test_a_changed_config_reruns_the_job(cli, tiny):
    assert run_tiny(cli, tiny, "--launcher", "basic").returncode == 0
    root = tiny / "results" / "sweeps" / "tiny"
    before = pd.read_parquet(root / "model.parquet")
    path = tiny / "my_configs" / "experiment" / "tiny.yaml"
    path.write_text(TINY.replace("master_seed: 7", "master_seed: 8"))
    assert run_tiny(cli, tiny, "--launcher", "basic").returncode == 0
    after = pd.read_parquet(root / "runs.parquet")
    assert sorted(after.seed.unique()) == sorted({replicate_seed(8, i) for i in range(3)})
    assert not before.equals(pd.read_parquet(root / "model.parquet"))


# -- launchers --------------------------------------------------------------------------------


def _aggregated(cwd: Path) -> dict[str, pd.DataFrame]:
    root = cwd / "results" / "sweeps" / "tiny"
    return {t: without_wall_time(pd.read_parquet(root / f"{t}.parquet")) for t in ("model", "runs")}


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["joblib", "submitit_local", "ray"])
def test_every_launcher_gives_the_same_dataset(cli, tmp_path, launcher):
    if launcher == "ray":
        pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason="pip install -e '.[ray]'")
    if launcher == "submitit_local":
        pytest.importorskip(
            "hydra_plugins.hydra_submitit_launcher", reason="pip install '.[slurm]'"
        )
    datasets = {}
    for name in ("basic", launcher):
        cwd = tmp_path / name
        (cwd / "my_configs" / "experiment").mkdir(parents=True)
        (cwd / "my_configs" / "experiment" / "tiny.yaml").write_text(TINY)
        res = run_tiny(cli, cwd, "--launcher", name, "--jobs", "2")
        assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
        datasets[name] = _aggregated(cwd)
    for table, df in datasets["basic"].items():
        pd.testing.assert_frame_equal(df, datasets[launcher][table])


# -- the reader's command ---------------------------------------------------------------------


@pytest.mark.slow
def test_quick_reproduction_end_to_end(cli, tmp_path):
    res = cli(["reproduce", "--quick"], tmp_path, timeout=1200)
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    assert not re.search(r"\bnan\b", res.stdout), res.stdout  # "(interval n/a: 1 seed)"
    firsts = ("final members,", "final GDP share,", "instruments codified per run:")
    counts = [ln for ln in res.stdout.splitlines() if ln.strip().startswith(firsts)]
    assert counts and not [ln for ln in counts if "[-" in ln], counts  # no count below 0
    figures = tmp_path / "results" / "figures" / "quick"
    for name in EXPERIMENTS:
        assert (figures / f"{name}.png").stat().st_size > 10_000, name
        data = pd.read_csv(figures / f"{name}.csv")
        assert len(data) > 0, name
        manifest = json.loads((figures / f"{name}.json").read_text())
        runs = pd.read_parquet(tmp_path / "results" / "sweeps" / f"{name}_quick" / "runs.parquet")
        assert manifest["runs"] == len(runs) == len(Experiment.load(name).runs(True)), name
        assert manifest["seeds"] == sorted(runs.seed.unique().tolist()), name
        assert manifest["quick"] is True and manifest["package"]["version"], name
        assert manifest["experiment_config"] == f"configs/experiment/{name}.yaml"
    assert not (tmp_path / "results" / "figures" / "dual_track.png").exists()
