"""Compositions are paid once: a failed one is cached with its message, a cached one is not shared
mutably, and ``python -m sim`` composes its run once (Hydra alone composes it twice)."""

from __future__ import annotations

import sys

import hydra._internal.hydra as hydra_internal
import pytest
from conftest import CLI_RUN_ARGS, cli_run_compositions
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf
from omegaconf.errors import ReadonlyConfigError
from test_cli import error_line

import sim.__main__ as cli
from sim import ConfigError
from sim.tools import compose, config_files
from sim.tools.compose import compose_config, compose_plain, plain_config


@pytest.fixture
def compositions(monkeypatch) -> list[list[str]]:
    """The overrides of each Hydra composition made while the test runs."""
    made: list[list[str]] = []
    compose_from_files = ConfigLoaderImpl.load_configuration

    def counted(self, config_name, overrides, *args, **kwargs):
        made.append(list(overrides))
        return compose_from_files(self, config_name, overrides, *args, **kwargs)

    monkeypatch.setattr(ConfigLoaderImpl, "load_configuration", counted)
    return made


def test_a_failed_composition_is_cached_with_its_message(compositions):
    with pytest.raises(ConfigError) as first:
        compose_config("nope_compose_cache")  # Hydra finds no such scenario file
    assert compositions, "the first call composes"
    assert str(first.value).startswith("scenario: unknown scenario 'nope_compose_cache'")
    made = len(compositions)
    with pytest.raises(ConfigError) as second:
        compose_config("nope_compose_cache")
    assert str(second.value) == str(first.value)
    assert len(compositions) == made, "the second call must not compose again"


def test_a_bad_value_is_refused_from_the_cache_too(monkeypatch):
    checked = []
    check = compose._compose_checked
    monkeypatch.setattr(compose, "_compose_checked", lambda *a: checked.append(a) or check(*a))
    for _ in range(2):
        with pytest.raises(ConfigError) as info:
            compose_config("baseline", ["steps=abc", "seed=11"])
        assert str(info.value) == "steps: 'abc' is not a valid integer"
    assert len(checked) == 1


def test_plain_values_apply_to_the_cached_composition(compositions):
    cfg = compose_config("waico_shanghai", ["steps=9", "firms.market_review=0.25"])
    made = len(compositions)
    again = compose_config("waico_shanghai", ["steps=10", "policy.speed=0.3"])
    assert len(compositions) == made, "values need no composition of their own"
    assert (cfg.steps, cfg.firms.market_review, again.steps, again.policy.speed) == (
        9,
        0.25,
        10,
        0.3,
    )


def test_a_cached_composition_is_not_shared_mutably(compositions):
    args = ("baseline", {"steps": 7, "firms.n_initial": 203})
    cfg = compose_config(*args)
    with pytest.raises(ReadonlyConfigError):
        cfg.steps = 99  # the shared config refuses edits
    assert compose_config(*args) is cfg and len(compositions) <= 1  # a hit: no composition
    plain = plain_config(cfg)
    OmegaConf.set_readonly(cfg, False)  # a caller lifting the flag edits only its own
    cfg.steps = 99
    again = compose_config(*args)
    assert again is not cfg
    assert (again.steps, cfg.steps) == (7, 99)
    assert plain_config(again) is not plain_config(cfg)
    assert (plain_config(again).steps, plain_config(cfg).steps) == (7, 99)
    assert plain.steps == 7  # converted before the edit: unchanged
    fresh, fresh_plain = compose_plain(*args)  # what a model built from the scenario gets
    assert (fresh, fresh_plain.steps) == (again, 7)


def test_python_m_sim_composes_once(cli_run, tmp_path_factory):
    _, proc = cli_run
    assert proc.returncode == 0, proc.stderr
    lines = cli_run_compositions(tmp_path_factory).read_text().splitlines()
    assert lines == [" ".join(CLI_RUN_ARGS)]


@pytest.fixture
def in_process(monkeypatch, tmp_path, capsys):
    """Run ``python -m sim *argv`` through ``sim.__main__.main`` in a fresh folder; returns its
    exit code and stderr. Hydra's loader and global state are restored afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hydra_internal, "ConfigLoaderImpl", hydra_internal.ConfigLoaderImpl)

    def run(argv: list[str]) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["sim", *argv])
        capsys.readouterr()
        try:
            with pytest.raises(SystemExit) as info:
                cli.main()
        finally:
            GlobalHydra.instance().clear()
        return info.value.code, capsys.readouterr().err

    return run


# One of each path to a message: Hydra's composition refuses it (a module's or a scenario's
# name, a quoted number), or the composed config does not validate (and names its file).
SAME_LINE = [
    ["export_control=tight"],
    ["scenario=export_controls_tigh"],
    ['states.china.R="0.5"', "seed=5"],
    ["firms.market_review=1.5", "seed=5"],
]


@pytest.mark.parametrize("argv", SAME_LINE, ids=lambda a: a[0])
def test_python_m_sim_says_what_the_precheck_says(argv, in_process, compositions, capsys):
    code, err = in_process(argv)
    made = len(compositions)
    with pytest.raises(SystemExit) as info:
        cli.precheck(argv)
    assert (code, error_line(err)) == (info.value.code, error_line(capsys.readouterr().err))
    assert code == 2
    assert made <= 2  # Hydra's own composition, then the Python API's for its message


def test_a_config_file_is_parsed_once_per_version(tmp_path):
    compose_config("baseline")
    parsed = config_files._parsed.cache_info().misses
    compose_config("baseline", ["us_policy=deregulation", "seed=13"])  # a new composition
    assert config_files._parsed.cache_info().misses <= parsed + 1  # only the module's own file
    mine = tmp_path / "scenario" / "mine_parsed.yaml"
    mine.parent.mkdir()
    mine.write_text("# @package _global_\ndefaults:\n  - baseline\n  - _self_\nsteps: 6\n")
    assert compose_config("mine_parsed", config_dirs=[tmp_path]).steps == 6
    mine.write_text("# @package _global_\ndefaults:\n  - baseline\n  - _self_\nsteps: 17\n")
    assert compose_config("mine_parsed", config_dirs=[tmp_path]).steps == 17  # read again
