"""The command a user expects: ``--version``, the ``regcomp`` console script and shell completion
for both ``python -m sim`` and ``regcomp``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from test_cli import error_line

import sim
from sim.__main__ import precheck
from sim.tools import completion

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WAICO = [
    "scenario=waico_hk_cohost",
    "scenario=waico_shanghai",
    "scenario=waico_singapore",
    "scenario=waico_us_counter",
]


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as info:
        precheck(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"regcomp-sim {sim.__version__} ("), out
    assert len(out.splitlines()) == 1


# -- the console script ---------------------------------------------------------------------------


def console_script(folder: Path) -> Path:
    """``regcomp`` as pip writes it, from the entry point that pyproject.toml declares."""
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    module, function = scripts["regcomp"].split(":")
    path = folder / "regcomp"
    path.write_text(
        f"#!{PYTHON}\nimport sys\nfrom {module} import {function}\n"
        f"if __name__ == '__main__':\n    sys.exit({function}())\n"
    )
    path.chmod(0o755)
    return path


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory) -> Path:
    """A folder holding ``regcomp``, first on PATH for the subprocesses below."""
    folder = tmp_path_factory.mktemp("bin")
    console_script(folder)
    return folder


def run(args: list[str], bin_dir: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    path = f"{bin_dir}{os.pathsep}{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_console_script_is_python_m_sim(bin_dir, tmp_path):
    version = run(["regcomp", "--version"], bin_dir, tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith(f"regcomp-sim {sim.__version__}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # a second subprocess: the fast suite runs the script pip writes above
def test_installed_console_script_when_present(tmp_path):
    """After `pip install -e .` the real script sits beside the interpreter (CI's venvs)."""
    script = Path(PYTHON).parent / "regcomp"
    if not script.is_file():
        pytest.skip("regcomp is not installed beside this interpreter (an older install)")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"regcomp-sim {sim.__version__}")


# -- completion: the words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("python -m sim scenario=w", "scenario=w"),
        ("python3.12 -m sim -m seed=1,2 st", "-m seed=1,2 st"),
        ("/usr/bin/python3 -m sim ", ""),
        ("python sim/__main__.py firms.", "firms."),
        ("regcomp export_controls=", "export_controls="),
        ("/home/me/.venv/bin/regcomp seed=3 ", "seed=3 "),
    ],
)
def test_arguments_strip_the_program(line, args):
    assert completion.arguments(line) == args


def test_query_completes_scenarios_modules_and_keys(tmp_path):
    assert completion.query("python -m sim scenario=waico") == WAICO
    assert completion.query("regcomp export_controls=") == [
        "export_controls=relaxed",
        "export_controls=tight",
    ]
    assert completion.query("python -m sim -m seed=1,2 firms.rd_") == [
        "firms.rd_elasticity=",
        "firms.rd_share=",
    ]
    # a user's folder adds its scenarios
    mine = tmp_path / "my_configs" / "scenario"
    mine.mkdir(parents=True)
    (mine / "my_world.yaml").write_text("# @package _global_\ndefaults:\n  - baseline\n")
    line = f"python -m sim --config-dir {tmp_path / 'my_configs'} scenario=my_"
    assert completion.query(line) == ["scenario=my_world"]


def test_query_of_a_broken_line_is_empty_not_a_traceback():
    assert completion.query("python -m sim steps=[1,") == []


@pytest.mark.parametrize(
    "argv",
    [["--shell-completion"], ["-sc", "install=fish"], ["-sc", "install=bash", "query=bash"]],
    ids=["no-command", "other-shell", "two-commands"],
)
def test_shell_completion_misuse_is_one_line(argv, capsys):
    with pytest.raises(SystemExit) as info:
        precheck(argv)
    assert info.value.code == 2
    assert "install=bash" in error_line(capsys.readouterr().err)


# -- completion: the installed bash function, end to end ------------------------------------------


def complete_in_bash(lines: list[list[str]], bin_dir: Path, cwd: Path) -> list[list[str]]:
    """Install the completion as a user would (eval of its script) and press TAB after each
    list of words; one bash for all (each TAB starts a Python process)."""
    script = f'eval "$({PYTHON} -m sim --shell-completion install=bash)"\n'
    for words in lines:
        line = " ".join(words)
        script += (
            f"COMP_LINE='{line}'; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
            "_regcomp_completion\n"
            'printf "%s\\n" "${COMPREPLY[@]}" "--"\n'
        )
    proc = run(["bash", "--norc", "-c", script], bin_dir, cwd)
    assert proc.returncode == 0, proc.stderr
    answers = proc.stdout.split("--\n")[:-1]
    return [[w for w in answer.splitlines() if w] for answer in answers]


@pytest.mark.slow  # a real bash in a subprocess; the query it calls is checked in-process above
@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_python_m_sim_and_the_console_script(bin_dir, tmp_path):
    python_m_sim, regcomp = complete_in_bash(
        [[PYTHON, "-m", "sim", "scenario=waico"], ["regcomp", "seed=3", "waico="]],
        bin_dir,
        tmp_path,
    )
    assert python_m_sim == WAICO
    assert regcomp == ["waico=hk_cohost", "waico=shanghai", "waico=singapore"]
