"""The README's tutorial, run as written: list, copy, change, run from one's own folder, add a
state and cities in YAML, and read the one-line error of a mistake.

Blocks are found by the HTML comment before them: ``<!-- tutorial -->`` (a bash block, each line
a command), ``<!-- tutorial-file: PATH -->`` (a YAML block the student writes to PATH) and
``<!-- tutorial-error: OLD -> NEW -->`` (the error line printed when OLD becomes NEW in the last
file written and the last command is run again).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
STEP = re.compile(r"<!-- (tutorial(?:-file|-error)?)(?::\s*(.*?))? -->\n```\w*\n(.*?)\n```", re.S)


def steps() -> list[tuple[str, str, str]]:
    """(kind, argument, block body) in README order."""
    tutorial = README.split("## Tutorial")[1].split("\n## ")[0]
    return [(k, (a or "").strip(), body) for k, a, body in STEP.findall(tutorial)]


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run one tutorial line; ``python`` is this interpreter, as after the README's install."""
    argv = shlex.split(command)
    if argv[0] == "python":
        argv[0] = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "SIM_CONFIG_DIR"}
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def run_folders(cwd: Path) -> list[Path]:
    return sorted((cwd / "results" / "runs").glob("*"))


def test_the_tutorial_has_every_step():
    kinds = [k for k, _, _ in steps()]
    assert kinds.count("tutorial") >= 4 and kinds.count("tutorial-file") == 2
    assert kinds.count("tutorial-error") == 1


@pytest.mark.slow
def test_the_readme_tutorial_runs_as_written(tmp_path):
    (tmp_path / "configs").symlink_to(ROOT / "configs")  # `cp configs/...` from the repo root
    written, last_command = None, None
    for kind, arg, body in steps():
        if kind == "tutorial":
            for command in (c for c in body.splitlines() if c.strip()):
                proc = shell(command, tmp_path)
                assert proc.returncode == 0, f"{command}\n{proc.stderr}"
                last_command = command
            if "--help" in body:
                assert "waico_us_counter" in proc.stdout or "us_pressure" in proc.stdout
        elif kind == "tutorial-file":
            path = tmp_path / arg
            if path.exists():  # the copy the student edits: same composition as the original
                copied = yaml.safe_load(path.read_text())
                assert yaml.safe_load(body)["defaults"] == copied["defaults"], arg
            path.write_text(body + "\n")
            written = path
        else:
            old, new = (s.strip() for s in arg.split("->"))
            assert old in written.read_text()
            written.write_text(written.read_text().replace(old, new))
            before = run_folders(tmp_path)
            proc = shell(last_command, tmp_path)
            assert proc.returncode == 2
            line = proc.stderr.strip().splitlines()[-1]
            assert line == body.strip(), "the README shows a different error line"
            assert run_folders(tmp_path) == before, "a mistake must not leave a run folder"

    runs = run_folders(tmp_path)
    # <date>_<time>_<scenario>_<digest of the overrides>
    scenarios = [r.name.split("_", 2)[-1].rsplit("_", 1)[0] for r in runs]
    assert scenarios == ["my_counter", "my_counter", "brazil"]
    counter = pd.read_parquet(runs[0] / "model.parquet")
    assert counter.waico_members.iloc[-1] >= 1  # WAICO exists in the copied scenario
    brazil = runs[-1]
    assert (brazil / "overview.png").stat().st_size > 10_000
    states = pd.read_parquet(brazil / "states.parquet")
    assert (states.state == "brazil").sum() == 41
    localities = pd.read_parquet(brazil / "localities.parquet")
    assert {"sao_paulo", "rio_de_janeiro"} <= set(localities.locality)
    overrides = (brazil / ".hydra" / "overrides.yaml").read_text()
    assert "export_controls=tight" in overrides
