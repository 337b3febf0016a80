"""One line for each bad input that used to give a raw Hydra message, a traceback or silence.

In-process through ``sim.__main__.precheck`` (what ``python -m sim`` runs before Hydra), with a
few through real subprocesses to show the exit code and that no results folder appears.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import all_files, error_line

from experiments.__main__ import main as experiments_main
from sim import ConfigError, RegulatoryCompetition
from sim.__main__ import precheck
from sim.tools.compose import compose_config

# (argv, the error line's start after "error: ", text it must contain)
BAD_ARGV = [
    pytest.param(
        ["export_control=tight"],
        "export_control: unknown key 'export_control'",
        "did you mean 'export_controls'?",
        id="module-typo",
    ),
    pytest.param(
        ["+export_control=tight"],
        "export_control: unknown key",
        "did you mean 'export_controls'?",
        id="appended-module-typo",
    ),
    pytest.param(
        ["scenario=export_controls_tigh"],
        "scenario: unknown scenario 'export_controls_tigh'",
        "did you mean 'export_controls_tight'",
        id="scenario-typo",
    ),
    pytest.param(
        ["us_policy=[deregulation,nope]"],
        "us_policy: unknown us_policy 'nope'",
        "available: deregulation, export_package",
        id="module-list-item",
    ),
    pytest.param(
        ["scenario="], "scenario: no scenario given", "available: baseline", id="empty-scenario"
    ),
    pytest.param(
        ["stätes.china.R=0.5"],
        "stätes.china.R: 'ä' cannot be part of a key",
        "did you mean 'states'",
        id="non-ascii-key",
    ),
    pytest.param(
        ["states.china.label=São"],
        "states.china.label: quote a value",
        "\"states.china.label='São'\"",
        id="non-ascii-value",
    ),
    pytest.param(["steps"], "steps: not an override", "key=value", id="no-equals"),
    pytest.param(
        ['states.china.R="0.5"'],
        "states.china.R: '0.5' is quoted",
        "not a number; write it without quotes",
        id="quoted-float",
    ),
    pytest.param(['steps="8"'], "steps: '8' is quoted", "not a number", id="quoted-int"),
]


@pytest.mark.parametrize(("argv", "start", "text"), BAD_ARGV)
def test_precheck_gives_one_line(argv, start, text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        precheck(argv)
    assert info.value.code == 2
    line = error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {start}"), line
    assert text in line, line
    assert "Hydra" not in line and "Exception" not in line, line
    assert all_files(tmp_path) == []


def test_unknown_top_key_without_a_close_match_lists_keys_and_choices():
    with pytest.raises(ConfigError) as info:
        compose_config("baseline", ["+nonsense=1"])
    message = str(info.value)
    assert message.startswith("nonsense: unknown key 'nonsense'; allowed: seed, steps")
    assert "scenario=, world=, export_controls=" in message


def test_quoted_numbers_from_python_are_refused_like_on_the_command_line():
    with pytest.raises(ConfigError, match=r"^states\.china\.R: '0\.5' is quoted"):
        RegulatoryCompetition(**{"states.china.R": "0.5", "firms.n_initial": 200})
    # text where text is expected stays text, even if it looks like a number
    assert compose_config("baseline", {"states.china.label": "0.5"}).states.china.label == "0.5"


# -- scenario files: each message names the file --------------------------------------------------

HEADER = "# @package _global_\n"
BAD_FILES = [
    pytest.param("", "the file is empty", id="empty"),
    pytest.param(HEADER + "# only a comment\n", "the file is empty", id="header-only"),
    pytest.param(HEADER + "- baseline\n- steps\n", "the top level is a list", id="list"),
    pytest.param(
        "defaults:\n  - baseline\n  - _self_\nsteps: 8\n", "# @package _global_", id="no-header"
    ),
    pytest.param("steps: 8\n", "# @package _global_", id="no-header-no-defaults"),
    pytest.param(  # `-m slow`: the int field's check is fast from the command line (above)
        HEADER + 'defaults:\n  - baseline\n  - _self_\nsteps: "8"\n',
        "steps: '8' is quoted",
        id="quoted-int",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        HEADER + 'defaults:\n  - baseline\n  - _self_\nstates:\n  china:\n    R: "0.5"\n',
        "states.china.R: '0.5' is quoted",
        id="quoted-float",
    ),
]


def user_scenario(root: Path, text: str, name: str = "mine") -> Path:
    path = root / "my_configs" / "scenario" / f"{name}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "problem"), BAD_FILES)
def test_bad_scenario_file_is_named(text, problem, tmp_path, monkeypatch, capsys):
    user_scenario(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    before = all_files(tmp_path)
    with pytest.raises(SystemExit) as info:
        precheck(["--config-dir", "my_configs", "scenario=mine"])
    assert info.value.code == 2
    line = error_line(capsys.readouterr().err)
    assert line.startswith("error: my_configs/scenario/mine.yaml: "), line
    assert problem in line, line
    assert all_files(tmp_path) == before


def test_bad_scenario_inherited_by_another_is_named(tmp_path, monkeypatch):
    user_scenario(tmp_path, "steps: 8\n", name="base_of_mine")
    mine = tmp_path / "my_configs" / "scenario" / "mine.yaml"
    mine.write_text(HEADER + "defaults:\n  - base_of_mine\n  - _self_\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^my_configs/scenario/base_of_mine\.yaml: the first"):
        compose_config("mine", config_dirs=["my_configs"])


def test_typo_in_a_scenario_defaults_list_names_the_file(tmp_path, monkeypatch):
    user_scenario(tmp_path, HEADER + "defaults:\n  - baselin\n  - _self_\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        compose_config("mine", config_dirs=["my_configs"])
    message = str(info.value)
    assert message.startswith("my_configs/scenario/mine.yaml: scenario: unknown scenario 'baselin'")
    assert "did you mean 'baseline'?" in message


def test_user_scenarios_are_suggested(tmp_path, monkeypatch):
    user_scenario(tmp_path, HEADER + "defaults:\n  - baseline\n  - _self_\n", name="my_counter")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="did you mean 'my_counter'"):
        compose_config("my_countr", config_dirs=["my_configs"])


# -- real subprocesses: exit code 2, one line, no folder ------------------------------------------


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        # the same messages are checked in-process above; the fast suite's `python -m sim`
        # process is test_cli.py's happy run
        pytest.param(
            ['states.china.R="0.5"'], "states.china.R: '0.5' is quoted", marks=pytest.mark.slow
        ),
        pytest.param(
            ["--config-dir", "my_configs", "scenario=mine"],
            "my_configs/scenario/mine.yaml: ",
            marks=pytest.mark.slow,
        ),
    ],
    ids=["quoted-number", "empty-file"],
)
def test_cli_gives_one_line_and_no_folder(argv, start, tmp_path, run_sim):
    user_scenario(tmp_path, "")
    before = all_files(tmp_path)
    proc = run_sim(argv, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert error_line(proc.stderr).startswith(f"error: {start}")
    assert all_files(tmp_path) == before


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_experiments_refuses_jobs_below_one(jobs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        experiments_main(["run", "dual_track", "--jobs", jobs])
    assert info.value.code == 2
    line = error_line(capsys.readouterr().err)
    assert line.startswith(f"error: argument --jobs: '{jobs}' is not a whole number >= 1"), line
    assert all_files(tmp_path) == []
