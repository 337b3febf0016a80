"""E7's runner: the design (deterministic, inside the plausible ranges), a point's overrides
reaching the model, the arms paired by seed into the outcomes, resuming an interrupted stage,
bad settings in one line, and the quick version end to end."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.sensitivity import ARMS, OUTCOMES, stages
from experiments.sensitivity import design as d
from experiments.sensitivity import settings as settings_
from experiments.sensitivity.jobs import run_job, seeds
from experiments.sensitivity.launch import Launch
from experiments.sensitivity.outcomes import finals
from experiments.sensitivity.point import ArmConfig
from sim.config.roles import described, uncertainties
from sim.model import RegulatoryCompetition
from sim.tools.compose import compose_config
from sim.tools.validate import ConfigError

YAML = Path(__file__).resolve().parent.parent / "configs" / "experiment" / "sensitivity.yaml"
# Stand-ins while the schemas' roles are being filled in: a few parameters of each kind
KEYS = [
    "firms.rd_share",
    "policy.speed",
    "local.budget_scale",
    "waico.weight_distrust",
    "central.codify_min_adopters",  # an integer
    "trust.relax",
]


def stand_ins(keys=KEYS):
    """Uncertainties with a plausible range of half to one and a half times the default (an
    integer: the default +-2), inside the allowed range."""
    by = {x.key: x for x in described()}
    out = []
    for key in keys:
        x = by[key]
        v = x.default
        lo, hi = (v - 2, v + 2) if isinstance(v, int) else (0.5 * v, 1.5 * v)
        lo, hi = (
            max(lo, x.lo if x.lo is not None else lo),
            min(hi, x.hi if x.hi is not None else hi),
        )
        out.append(
            dataclasses.replace(
                x, role="uncertainty", provenance="assumed", plausible=(lo, hi), why="test"
            )
        )
    return out


def tiny(overrides=(), quick=True) -> dict:
    """The quick settings made smaller still (a few quarters)."""
    base = ("steps=4", "uncertainties=4", "select.top_k=2", "sobol.n=2", "explore.n=4")
    return settings_.load(YAML, quick, (*base, *overrides))


# -- the design ---------------------------------------------------------------------------------


def test_design_is_deterministic_and_inside_the_plausible_ranges():
    fs = d.factors(stand_ins())
    samples = {
        "morris": lambda m: d.morris(fs, 3, 4, m),
        "sobol": lambda m: d.sobol(fs, 8, m, "E2"),
        "explore": lambda m: d.explore(fs, 16, m),
    }
    lo, hi = np.array([f.lo for f in fs]), np.array([f.hi for f in fs])
    for name, sample in samples.items():
        a, b = sample(7), sample(7)
        np.testing.assert_array_equal(a, b, err_msg=name)
        assert not np.array_equal(a, sample(8)), name  # the master seed decides
        assert ((a >= lo) & (a <= hi)).all(), name
        for row in a:
            values = d.applied(fs, row)
            assert isinstance(values["central.codify_min_adopters"], int), name
            assert all(isinstance(values[f.key], float) for f in fs if not f.integer), name
    assert d.morris(fs, 3, 4, 7).shape == (3 * (len(fs) + 1), len(fs))
    assert d.sobol(fs, 8, 7, "E2").shape == (8 * (len(fs) + 2), len(fs))
    assert not np.array_equal(d.sobol(fs, 8, 7, "E1"), d.sobol(fs, 8, 7, "E2"))


def test_seeds_are_common_across_points_and_stages():
    p = stages.plan(tiny(), stand_ins())
    first = {st: [j.replicates for j in jobs] for st, jobs in p.jobs.items()}
    assert all(reps == (0,) for reps in first["morris"] + first["explore"])
    assert [r for reps in first["defaults"] for r in reps] == [0, 1, 2, 3]
    assert seeds(1007, 2) == seeds(1007, 4)[:2]


def test_explore_samples_the_levers_beside_the_uncertainties():
    p = stages.plan(tiny(), stand_ins())
    keys = [f.key for f in p.jobs["explore"][0].factors]
    assert keys[-1] == "waico.us_pressure" and keys[:-1] == [f.key for f in p.factors]
    # a lever that is an uncertainty already is sampled once
    taken = d.factors(stand_ins(["waico.us_pressure"]))
    assert d.lever_factors({"waico.us_pressure": [0.0, 4.0]}, taken) == []


# -- bad input: one line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, words",
    [
        (["stages=morris,sobel"], "unknown stage 'sobel'"),
        (["sobol.n=6"], "power of 2"),
        (["explore.n=0"], "explore.n"),
        (["morris.levels=3"], "even"),
        (["morris.r=x"], "whole number"),
        (["morris.q=1"], "unknown setting 'morris.q'"),
        (["steps"], "not key=value"),
        (["select.top_k=9"], "only 4 uncertainties"),
        (["explore.levers={waico.us_pressure: [4, 0]}"], "waico.us_pressure"),
    ],
)
def test_bad_settings_give_one_line(overrides, words):
    with pytest.raises(ConfigError) as exc:
        stages.plan(tiny(overrides), stand_ins())
    assert words in str(exc.value) and "\n" not in str(exc.value)


def test_no_uncertainty_or_a_bad_range_gives_one_line():
    with pytest.raises(ConfigError, match="no parameter is marked as an uncertainty"):
        d.factors([])
    wrong = dataclasses.replace(stand_ins()[0], plausible=(0.5, 0.1))
    with pytest.raises(ConfigError, match=r"firms.rd_share: plausible range .* is empty"):
        d.factors([wrong])


# -- a point's overrides reach the model ------------------------------------------------------


def test_a_points_values_reach_the_model_and_leave_with_the_next_point():
    arm = ArmConfig.get("baseline", 4)
    model = RegulatoryCompetition(seed=1, config=arm.at({"firms.rd_share": 0.3}))
    assert model.plain.firms.rd_share == 0.3
    model = RegulatoryCompetition(seed=1, config=arm.at({"central.codify_min_adopters": 3}))
    assert model.plain.firms.rd_share == 0.25 and model.plain.central.codify_min_adopters == 3
    # an arm's own key keeps the arm's value
    cfg = ArmConfig.get("competition_4", 4).at({"local.competition": 1.0})
    assert cfg.local.competition == 4.0


def test_an_override_moves_the_outcome_in_its_direction():
    arm = ArmConfig.get("baseline", 6)
    waste = [
        finals(RegulatoryCompetition(seed=3, config=arm.at({"local.budget_scale": b})).run())[
            "waste_bn"
        ]
        for b in (0.5, 1.0, 3.0)
    ]
    assert waste[0] < waste[1] < waste[2]  # bigger local budgets, more wasted spending


# -- the arms paired by seed ------------------------------------------------------------------


def by_hand(scenario: str, seed: int, steps: int, **over) -> dict:
    model = RegulatoryCompetition(
        seed=seed, config=compose_config(scenario, {**over, "steps": steps})
    ).run()
    st = model.states_frame()
    cn = st[st.state == "china"]
    ins = model.instruments_frame()  # the way experiments/figures/circulation.py counts
    codified = ins[(ins.state == "china") & ins.codified_at.notna()]
    local = codified.groupby("instrument").origin.first().ne("catalogue").sum()
    return {
        "growth": 100 * (cn.capability.iloc[-1] / cn.capability.iloc[0] - 1),
        "capability": cn.capability.iloc[-1],
        "R": cn.R.iloc[-1],
        "codified": cn.codified_instruments.iloc[-1],
        "local": local,
        "members": model.model_frame().waico_members.iloc[-1],
    }


@pytest.mark.slow
def test_outcomes_pair_the_arms_by_seed(tmp_path):
    p = stages.plan(tiny(["steps=12", "stages=defaults", "defaults.seeds=2"]), stand_ins())
    points, failed = stages.run(p, tmp_path, Launch("basic"), progress=False)
    assert not failed and len(points) == 2
    for row in points.itertuples():
        base = by_hand("baseline", row.seed, 12)
        single = by_hand("china_single_track", row.seed, 12)
        assert row.dual_gain == pytest.approx(base["growth"] - single["growth"], abs=1e-12)
        assert row.dual_r_gap == pytest.approx(base["R"] - single["R"], abs=1e-12)
        ratio = 100 * np.log(base["capability"] / single["capability"])  # the same start
        assert row.dual_ratio == pytest.approx(ratio, rel=1e-9)
        assert row.codified == base["codified"]
        share = base["local"] / base["codified"] if base["codified"] else np.nan
        assert row.local_origin == pytest.approx(share, nan_ok=True)
        shanghai = by_hand("waico_shanghai", row.seed, 12)["members"]
        singapore = by_hand("waico_singapore", row.seed, 12)["members"]
        assert row.hq_effect == singapore - shanghai
    assert set(OUTCOMES) <= set(points.columns)
    assert not points[list(OUTCOMES)].drop(columns="local_origin").isna().any().any()


# -- resuming ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_resumed_stage_gives_the_same_points_table(tmp_path):
    s = tiny(["stages=morris,sobol", "morris.per_job=2", "sobol.per_job=3"])
    straight = stages.plan(s, stand_ins())
    stages.run(straight, tmp_path / "straight", Launch("basic"), progress=False)
    # interrupted after three morris jobs
    resumed = stages.plan(s, stand_ins())
    root = tmp_path / "resumed"
    for job in resumed.jobs["morris"][:3]:
        job.path(root).parent.mkdir(parents=True, exist_ok=True)
        run_job(job, str(root))
    before = {j.index: os.stat(j.path(root)).st_mtime_ns for j in resumed.jobs["morris"][:3]}
    stages.run(resumed, root, Launch("basic"), progress=False)
    after = {j.index: os.stat(j.path(root)).st_mtime_ns for j in resumed.jobs["morris"][:3]}
    assert before == after  # the finished jobs were not run again
    a = (tmp_path / "straight" / "points.parquet").read_bytes()
    assert a == (root / "points.parquet").read_bytes()
    points = pd.read_parquet(root / "points.parquet")
    assert set(points.stage) == {"morris", "sobol"} and set(points.question) >= {"", "E1"}
    n_sobol = sum(b - a for a, b in resumed.sobol_points.values())
    assert (points.stage == "sobol").sum() == n_sobol
    assert (points.stage == "morris").sum() == sum(len(j.points) for j in resumed.jobs["morris"])
    design = json.loads((root / "design.json").read_text())
    for q, sel in design["selection"].items():
        assert len(sel["keys"]) == 2 and design["sobol_problems"][q]["names"] == sel["keys"]
        start, stop = design["sobol_points"][q]
        rows = points[(points.stage == "sobol") & (points.question == q)]
        assert rows.point.tolist() == list(range(start, stop))


# -- the quick version end to end -------------------------------------------------------------


@pytest.mark.slow
def test_quick_version_end_to_end(tmp_path, monkeypatch, capsys):
    from experiments.__main__ import main

    if len(uncertainties()) < 8:  # until the schemas' roles are filled in
        more = [*KEYS, "firms.productivity", "regime.memory"]
        monkeypatch.setattr(d, "uncertainties", lambda: stand_ins(more))
    monkeypatch.chdir(tmp_path)
    t0 = time.perf_counter()
    code = main(["run", "sensitivity", "--quick", "--jobs", "2"])
    wall = time.perf_counter() - t0
    out = capsys.readouterr().out
    assert code == 0, out
    root = tmp_path / "results" / "sweeps" / "sensitivity_quick"
    points = pd.read_parquet(root / "points.parquet")
    assert list(points.stage.unique()) == ["morris", "sobol", "explore", "defaults"]
    assert (points.groupby("stage").seed.nunique() >= 1).all()
    print(f"quick sensitivity: {wall:.0f} s wall")


def test_the_full_sizes_project_the_runs_the_experiment_file_states():
    from experiments.sensitivity.cost import runs

    s = settings_.load(YAML, False)
    totals = {stage: sum(n.values()) for stage, n in runs(s, 100).items()}
    assert totals == {"morris": 8484, "sobol": 7680, "explore": 1792, "defaults": 350}
    p = stages.plan(tiny(["morris.r=2", "sobol.n=4", "explore.n=8"]), stand_ins())
    quick = runs(p.settings, len(p.factors))
    assert sum(quick["morris"].values()) == sum(j.runs for j in p.jobs["morris"])
    assert sum(quick["explore"].values()) == sum(j.runs for j in p.jobs["explore"])


@pytest.mark.parametrize(
    "argv, words",
    [
        (["stages=morris,sobel"], "unknown stage 'sobel'"),
        (["sobol.n=6"], "power of 2"),
        (
            ["--launcher", "submitit_local", "hydra.launcher.partition=cpu"],
            "unknown option hydra.launcher.partition",
        ),
        (["hydra.launcher.n_jobs=2"], "--launcher joblib takes no hydra.launcher options"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line_before_any_folder(
    argv, words, tmp_path, monkeypatch, capsys
):
    from experiments.__main__ import main

    monkeypatch.setattr(d, "uncertainties", stand_ins)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "sensitivity", "--quick", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err
    assert not (tmp_path / "results").exists()


@pytest.mark.slow
def test_a_failed_run_is_reported_and_run_again(tmp_path, monkeypatch):
    from experiments.sensitivity import point

    real, calls = point.finals, []

    def fails_once(model):
        calls.append(model.scenario)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(model)

    monkeypatch.setattr(point, "finals", fails_once)
    p = stages.plan(tiny(["stages=defaults", "defaults.seeds=1"]), stand_ins())
    points, failed = stages.run(p, tmp_path, Launch("basic"), progress=False)
    assert len(failed) == 1 and "single_track: RuntimeError: disk full" in failed[0]
    assert np.isnan(points.dual_gain.iloc[0]) and not np.isnan(points.codified.iloc[0])
    points, failed = stages.run(p, tmp_path, Launch("basic"), progress=False)
    assert not failed and not np.isnan(points.dual_gain.iloc[0])
    assert len(calls) == 2 * len(ARMS)  # the job ran again, whole


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(p.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


@pytest.mark.slow
def test_a_killed_run_leaves_no_worker_and_resumes_to_the_same_table(tmp_path):
    import signal
    import subprocess
    import sys

    sizes = ["steps=4", "uncertainties=4", "select.top_k=2", "sobol.n=2", "explore.n=4"]
    sizes += ["morris.per_job=1", "stages=morris,sobol"]
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_sensitivity_run import stand_ins\n"
        "from experiments.sensitivity import design; design.uncertainties = stand_ins\n"
        "from experiments.__main__ import main\n"
        f"sys.exit(main(['run', 'sensitivity', '--quick', '--jobs', '2', *{sizes!r}]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    cmd = [sys.executable, "-c", code]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        workers |= children(proc.pid)
        if len(list(tmp_path.glob("results/sweeps/*/jobs/morris/*.parquet"))) >= 2:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "run `python" in err, err[-2000:]
    time.sleep(5)
    assert workers and not {w for w in workers if Path(f"/proc/{w}").exists()}, workers
    again = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    (root,) = tmp_path.glob("results/sweeps/sensitivity_quick+*")
    straight = stages.plan(settings_.load(YAML, True, tuple(sizes)), stand_ins())
    stages.run(straight, tmp_path / "straight", Launch("basic"), progress=False)
    a = (tmp_path / "straight" / "points.parquet").read_bytes()
    assert a == (root / "points.parquet").read_bytes()
