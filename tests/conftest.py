"""Shared fixtures for the config and command-line tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"


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
