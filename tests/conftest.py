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
    ):
        env = {k: v for k, v in os.environ.items() if k != "SIM_CONFIG_DIR"}
        if config_dir is not None:
            env["SIM_CONFIG_DIR"] = str(config_dir)
        return subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


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
