"""The command line ``python -m sim``: bad input, the happy path and atomic outputs.

Bad command lines are checked in-process through ``sim.__main__.precheck`` (fast); a handful run
through a real subprocess with ``cwd=tmp_path`` to show that no results folder appears.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import CLI_RUN_ARGS
from omegaconf import OmegaConf

import sim
from sim.__main__ import precheck
from sim.tools.compose import available, compose_config
from sim.tools.runner import atomic_write


def error_line(stderr: str) -> str:
    """The single non-empty stderr line, which must start with ``error:``."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def all_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*"))


# -- bad command lines, in-process ----------------------------------------------------------------

# (argv, key the error must name right after "error: ", further text it must contain). Each
# costs a composition (about a second): the fast suite checks one of each kind of message here
# (test_config.py checks every message through compose_config), `-m slow` all of them.
SLOW_PRECHECK = pytest.mark.slow
BAD_ARGV = [
    pytest.param(["firms.nonsense=1"], "firms.nonsense", "unknown key", id="unknown-key"),
    pytest.param(
        ["+firms.nonsense=1"],
        "firms.nonsense",
        "unknown key",
        id="appended-key",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(["steps=abc"], "steps", "integer", id="steps-not-int"),
    pytest.param(
        ["firms.rd_share=high"],
        "firms.rd_share",
        "float",
        id="share-not-float",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(["firms.market_review=1.5"], "firms.market_review", "[0, 1]", id="prob-above-1"),
    pytest.param(
        ["firms.n_initial=-5"],
        "firms.n_initial",
        "out of range",
        id="negative-count",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(
        ["states.us.gdp=-1"], "states.us.gdp", "[0, 1000]", id="negative-gdp", marks=SLOW_PRECHECK
    ),
    pytest.param(["states.atlantis.R=0.5"], "states.atlantis", "known: us, eu", id="unknown-state"),
    pytest.param(
        ["scenario=export_controls_tight", "events.export_controls.tightening_2027.target=mars"],
        "events.export_controls.tightening_2027.target",
        "unknown state 'mars'",
        id="event-unknown-target",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(
        ["states.us.governance=federal"],
        "states.us.governance",
        "single_track, dual_track, silos",
        id="invalid-choice",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(["scenario=nope"], "scenario", "available: baseline", id="unknown-scenario"),
    pytest.param(
        ["events.policy_shifts.ai_act_gpai.date=2024Q4"],
        "events.policy_shifts.ai_act_gpai.date",
        "before the start 2025Q1",
        id="event-before-start",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(
        ["events.policy_shifts.ai_act_gpai.date=2025-07"],
        "events.policy_shifts.ai_act_gpai.date",
        "YYYYQn",
        id="event-date-not-quarter",
        marks=SLOW_PRECHECK,
    ),
    pytest.param(
        ["seed=3", "steps=4", "firms.market_review=1.5", "hydra.job.chdir=false"],
        "firms.market_review",
        "[0, 1]",
        id="bad-among-good",
    ),
]


@pytest.mark.parametrize(("argv", "key", "text"), BAD_ARGV)
def test_precheck_rejects_bad_command_line(argv, key, text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        precheck(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    line = error_line(err)
    assert line.startswith(f"error: {key}"), line
    assert text in line
    assert out == ""
    assert all_files(tmp_path) == []


def test_precheck_unknown_scenario_lists_every_scenario(capsys):
    with pytest.raises(SystemExit):
        precheck(["scenario=nope"])
    line = error_line(capsys.readouterr().err)
    for name in available("scenario"):
        assert name in line


def test_precheck_accepts_good_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    precheck(["scenario=us_deregulation", "steps=4", "states.china.E=0.3", "seed=3"])
    assert capsys.readouterr() == ("", "")
    assert all_files(tmp_path) == []


# -- bad command lines, real subprocess -----------------------------------------------------------

# The in-process precheck tests above check every message; these show the exit code and the
# missing folder through a real process (`-m slow`: the fast suite's one `python -m sim` process
# is the happy run below).
SLOW = pytest.mark.slow
BAD_CLI = [
    pytest.param(
        ["firms.nonsense=1"], "firms.nonsense", "unknown key", id="unknown-key", marks=SLOW
    ),
    pytest.param(["steps=abc"], "steps", "integer", id="wrong-type", marks=SLOW),
    pytest.param(
        ["steps=4", "states.us.gdp=-1"], "states.us.gdp", "[0, 1000]", id="out-of-range", marks=SLOW
    ),
    pytest.param(
        ["states.atlantis.R=0.5"], "states.atlantis", "known: us", id="unknown-state", marks=SLOW
    ),
    pytest.param(
        ["scenario=nope"], "scenario", "available: baseline", id="unknown-scenario", marks=SLOW
    ),
]


@pytest.mark.parametrize(("argv", "key", "text"), BAD_CLI)
def test_cli_bad_input_exits_2_without_results(argv, key, text, tmp_path, run_sim):
    proc = run_sim(argv, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    line = error_line(proc.stderr)
    assert line.startswith(f"error: {key}"), line
    assert text in line
    assert all_files(tmp_path) == [], "bad input must not create a results folder"


@SLOW  # a subprocess; test_config.py checks the message in-process
def test_cli_malformed_yaml_names_the_file(tmp_path, config_copy, run_sim):
    broken = config_copy / "scenario" / "broken.yaml"
    broken.write_text("# @package _global_\nsteps: 8\n  firms: 3\n")
    cwd = tmp_path / "work"
    cwd.mkdir()
    proc = run_sim(["scenario=broken"], cwd=cwd, config_dir=config_copy)
    assert proc.returncode == 2, proc.stderr
    line = error_line(proc.stderr)
    assert line.startswith("error: malformed YAML in "), line
    assert str(broken) in line
    assert "line 3" in line
    assert all_files(cwd) == []


# -- happy path: one short run (conftest's cli_run) shared by the tests below -------------------

HAPPY_ARGS = CLI_RUN_ARGS
STEPS = 4  # CLI_RUN_ARGS's steps
MODEL_COLUMNS = {
    "step",
    "year",
    "capability_share_us",
    "capability_share_eu",
    "capability_share_china",
    "foundation_model_share_us",
    "foundation_model_share_eu",
    "foundation_model_share_china",
    "fragmentation",
    "incidents",
}
STATE_COLUMNS = {
    "step",
    "state",
    "R",
    "F",
    "E",
    "capability",
    "firms",
    "foundation_models",
    "compute_access",
}


@pytest.fixture(scope="module")
def run_dir(cli_run_dir) -> Path:
    return cli_run_dir


def test_cli_run_writes_one_run_folder(cli_run, run_dir):
    cwd, proc = cli_run
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in cwd.iterdir()] == ["results"]
    assert [p.name for p in (cwd / "results").iterdir()] == ["runs"]
    for name in ("model.parquet", "states.parquet", "summary.json", "overview.png"):
        assert (run_dir / name).is_file(), name
        assert (run_dir / name).stat().st_size > 0, name
    assert (run_dir / ".hydra").is_dir()
    assert (run_dir / ".hydra" / "config.yaml").is_file()
    assert (run_dir / ".hydra" / "overrides.yaml").is_file()
    assert (run_dir / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(run_dir) in proc.stdout  # the run tells where its outputs are


def test_cli_model_table(run_dir):
    frame = pd.read_parquet(run_dir / "model.parquet")
    assert MODEL_COLUMNS <= set(frame.columns)
    assert len(frame) == STEPS + 1
    assert frame["step"].tolist() == list(range(STEPS + 1))
    assert frame["year"].is_monotonic_increasing
    assert frame["year"].iloc[-1] == 2025  # four quarters from 2025Q1 end in 2025Q4
    bounded = [*sorted(c for c in MODEL_COLUMNS if "share" in c), "fragmentation"]
    for col in bounded:
        assert frame[col].dropna().between(0, 1).all(), col
    # Foundation-model shares are NaN while no model has been released (step 0); the rest never.
    assert frame[[c for c in bounded if not c.startswith("foundation")]].notna().all().all()
    assert frame.loc[frame["step"] > 0, "foundation_model_share_us"].notna().all()
    poles = frame[[f"capability_share_{p}" for p in ("us", "eu", "china")]].sum(axis=1)
    assert (poles <= 1 + 1e-9).all()
    assert (frame["incidents"] >= 0).all()


def test_cli_states_table(run_dir):
    states = pd.read_parquet(run_dir / "states.parquet")
    names = list(compose_config("baseline").states)
    assert STATE_COLUMNS <= set(states.columns)
    assert len(states) == (STEPS + 1) * len(names)
    assert not states.duplicated(["step", "state"]).any()
    assert sorted(states["state"].unique()) == sorted(names)
    assert sorted(states["step"].unique()) == list(range(STEPS + 1))


def test_cli_summary(run_dir):
    def no_nan(token):
        raise AssertionError(f"summary.json contains {token}")

    summary = json.loads((run_dir / "summary.json").read_text(), parse_constant=no_nan)
    assert summary["seed"] == 3
    assert summary["scenario"] == "baseline"
    assert summary["steps"] == STEPS
    prov = summary["provenance"]
    assert prov["version"] == sim.__version__
    assert "git_revision" in prov
    assert isinstance(prov["wall_time_s"], float)
    assert math.isfinite(prov["wall_time_s"]) and prov["wall_time_s"] >= 0


def test_cli_override_reaches_the_run(run_dir):
    states = pd.read_parquet(run_dir / "states.parquet")
    first = states[states["step"] == 0].set_index("state")
    assert first.loc["china", "E"] == 0.3
    assert compose_config("baseline").states.china.E != 0.3  # the default differs
    overrides = OmegaConf.to_container(OmegaConf.load(run_dir / ".hydra" / "overrides.yaml"))
    assert "states.china.E=0.3" in overrides
    assert overrides == HAPPY_ARGS


def test_cli_run_config_equals_compose_config(run_dir):
    """The Hydra app and compose_config() build the same config from the same command line."""
    app_cfg = OmegaConf.to_container(OmegaConf.load(run_dir / ".hydra" / "config.yaml"))
    ours = OmegaConf.to_container(compose_config("baseline", HAPPY_ARGS), resolve=True)
    assert app_cfg == ours


def test_cli_leaves_no_temp_files(cli_run, run_dir):
    cwd, _ = cli_run
    leftovers = [p for p in all_files(cwd) if p.name.endswith(".tmp") or ".tmp." in p.name]
    assert leftovers == []


# -- atomic writes --------------------------------------------------------------------------------


def test_atomic_write_failure_leaves_no_file(tmp_path):
    target = tmp_path / "model.parquet"

    def writer(path: Path) -> None:
        path.write_bytes(b"half a table")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, writer)
    assert not target.exists()
    assert all_files(tmp_path) == []  # no temp file either


def test_atomic_write_failure_keeps_the_previous_file(tmp_path):
    target = tmp_path / "summary.json"
    target.write_text("old")

    def writer(path: Path) -> None:
        path.write_text("new but incomp")
        raise OSError("interrupted")

    with pytest.raises(OSError, match="interrupted"):
        atomic_write(target, writer)
    assert target.read_text() == "old"
    assert all_files(tmp_path) == [target]


def test_atomic_write_writes_via_a_temp_file_in_the_same_folder(tmp_path):
    target = tmp_path / "summary.json"
    target.write_text("old")
    seen = []

    def writer(path: Path) -> None:
        seen.append(path)
        assert target.read_text() == "old"  # the target is untouched while writing
        path.write_text("new")

    atomic_write(target, writer)
    assert target.read_text() == "new"
    assert len(seen) == 1
    assert seen[0] != target
    assert seen[0].parent == target.parent  # same file system, so the rename is atomic
    assert all_files(tmp_path) == [target]
