"""Shared fixtures for the config and command-line tests."""

from __future__ import annotations

import functools
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"

# Composing configs and building worlds allocates millions of small objects. With a young pass
# every 100,000 allocations instead of Python's 700, test_waico.py plus test_mechanisms.py took
# 51 CPU-s instead of 53-56 (two runs each). Full passes still run (every 10th older pass), so
# cycles of dropped models are still freed.
gc.set_threshold(100_000, 50, 10)


@pytest.hookimpl(optionalhook=True)  # xdist's hook
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts) parallelises the default fast run only: the slow tests
    time, lock and kill whole sweeps and start a browser, so they keep one process."""
    if config.option.markexpr.strip() != "not slow":
        return 0
    return None  # xdist's own answer: one worker per CPU


# Test files that share a worker under `--dist loadgroup` (pyproject's addopts), each for the work
# the files would otherwise both do. Every other file is a group of its own, as with loadfile.
SHARED_WORKER = {
    # the scenarios' compositions (a second each, cached per process) and their runs
    "scenarios": ("test_config.py", "test_model.py", "test_mechanisms.py", "test_waico.py",
                  "test_hq.py"),
    # one `python -m sim` run (the cli_run fixture below)
    "cli_run": ("test_cli.py", "test_outputs.py", "test_compose_cache.py"),
}  # fmt: skip
_GROUP_OF = {name: group for group, names in SHARED_WORKER.items() for name in names}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):  # -p no:xdist: no such mark
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_GROUP_OF.get(item.path.name, item.path.name)))


# -- shared configs: compose once, build many models ---------------------------------------------


@functools.cache
def composed(scenario: str = "baseline", overrides: tuple[tuple[str, object], ...] = ()):
    """A composed, validated config, shared by every test that asks for the same one: composing
    costs 0.1-1 s of CPU, more than building and running a small model. OmegaConf keeps it
    read-only, so ``RegulatoryCompetition(seed=s, config=composed(...))`` cannot change it; a
    test that needs another value composes its own. ``overrides``: ((dotted key, value), ...)."""
    from sim.tools.compose import compose_config

    return compose_config(scenario, dict(overrides))


@pytest.fixture(scope="session")
def baseline_config():
    """The baseline scenario's config, composed once per test process (see ``composed``)."""
    return composed()


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """A writable copy of ``configs/`` (to plant broken files in)."""
    dest = tmp_path / "configs"
    shutil.copytree(CONFIGS, dest)
    return dest


@pytest.fixture(scope="session")
def run_sim():
    """Run ``python -m sim *args`` (or another ``module``) in ``cwd``; returns the
    CompletedProcess (text mode)."""

    def run(
        args: list[str],
        cwd: Path,
        config_dir: Path | None = None,
        timeout: float = 120,
        module: str = "sim",
        extra_env: dict[str, str] | None = None,
    ):
        env = {k: v for k, v in os.environ.items() if k != "SIM_CONFIG_DIR"}
        if config_dir is not None:
            env["SIM_CONFIG_DIR"] = str(config_dir)
        env.update(extra_env or {})
        return subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


# The fast suite's one `python -m sim` run (2-3 s of imports and Hydra), checked by test_cli.py
# (the folder, tables, summary, figure) and test_outputs.py (provenance), on one worker.
CLI_RUN_ARGS = ["steps=4", "firms.n_initial=300", "seed=3", "states.china.E=0.3"]


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory, run_sim):
    """(cwd, completed process) of ``python -m sim`` with ``CLI_RUN_ARGS`` in a fresh folder;
    its Hydra compositions are logged to ``cli_run_compositions`` (test_compose_cache.py)."""
    cwd = tmp_path_factory.mktemp("cli_run")
    log = {"SIM_COMPOSE_LOG": str(cli_run_compositions(tmp_path_factory))}
    return cwd, run_sim(CLI_RUN_ARGS, cwd=cwd, extra_env=log)


def cli_run_compositions(tmp_path_factory) -> Path:
    """The file where ``cli_run``'s process logs a line per composition."""
    return tmp_path_factory.getbasetemp() / "cli_run_compositions.log"


@pytest.fixture(scope="session")
def cli_run_dir(cli_run) -> Path:
    """The run folder of ``cli_run``, which must have succeeded and written only that one."""
    cwd, proc = cli_run
    assert proc.returncode == 0, proc.stderr
    runs = list((cwd / "results" / "runs").iterdir())
    assert len(runs) == 1, runs
    return runs[0]


# -- experiments: a tiny sweep in a user config folder -----------------------------------------

TINY = """\
# @package _global_
# A tiny experiment for the tests: two scenarios, three replicates, four quarters.
experiment:
  {name: tiny, master_seed: 7, per_job: 3, tables: [model, states], quick: {blocks: 1, per_job: 2}}
seed: ${replicate_seed:${experiment.master_seed},${experiment.replicate}}
steps: 4
hydra:
  sweeper:
    params:
      scenario: baseline,china_single_track
      experiment.block: range(0,1)
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A working folder with a user config folder holding the tiny experiment."""
    (tmp_path / "my_configs" / "experiment").mkdir(parents=True)
    (tmp_path / "my_configs" / "experiment" / "tiny.yaml").write_text(TINY)
    return tmp_path


@pytest.fixture(scope="session")
def cli(run_sim):
    """Run ``python -m experiments *args`` in ``cwd``."""
    return lambda args, cwd, timeout=600: run_sim(args, cwd, timeout=timeout, module="experiments")


def run_tiny(cli, cwd: Path, *args: str):
    return cli(["run", "tiny", "--config-dir", "my_configs", "--no-figure", *args], cwd)


def without_wall_time(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in df.columns if "wall_time" in c])
