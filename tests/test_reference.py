"""The user-facing reference: ``python -m sim --help`` and ``docs/parameters.md``.

The help is checked in-process through ``sim.tools.clihelp.main``; one subprocess test runs the real
command line. The last tests parse the Markdown reference and require a documented row for every
parameter the schemas declare.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from sim import config
from sim.__main__ import precheck
from sim.tools import clihelp
from sim.tools.compose import CONFIG_DIR, module_groups
from sim.tools.paramdoc import DOC_PATH, allowed, default, fmt


def help_text(capsys, topic: str | None = None, extra_dirs: list[Path] | None = None) -> str:
    """The stdout of ``python -m sim --help [topic]``, which must succeed silently on stderr."""
    assert clihelp.main(topic, extra_dirs or []) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def schema_params() -> list[tuple[str, dataclasses.Field]]:
    """Every parameter of the schemas with its dotted key, walked as sim.tools.paramdoc walks them:
    nested schemas and mapping entries (``states.<name>.R``) come from ``schema_tree()``."""
    out = []
    for prefix, schema in config.schema_tree():
        for f in dataclasses.fields(schema):
            if dataclasses.is_dataclass(f.type) or config.mapping_schema(f):
                continue  # a nested schema: its fields are listed under its own prefix
            out.append((prefix + f.name, f))
    return out


def param_line(text: str, key: str) -> str:
    """The help line documenting ``key``."""
    lines = [line for line in text.splitlines() if line.startswith(f"  {key} ")]
    assert len(lines) == 1, f"{key}: expected one line, got {lines}"
    return lines[0]


def plain(markdown: str) -> str:
    return markdown.replace("`", "")


# -- python -m sim --help -------------------------------------------------------------------------


def test_help_lists_every_scenario_with_its_description(capsys):
    text = help_text(capsys)
    paths = sorted((CONFIG_DIR / "scenario").glob("*.yaml"))
    assert paths
    for path in paths:
        description = clihelp.describe(path)
        assert description and description != clihelp.NO_DESCRIPTION, path.name
        first_words = " ".join(description.split()[:3])
        assert re.search(rf"^  {path.stem} +{re.escape(first_words)}", text, re.M), path.stem
    assert max(len(line) for line in text.splitlines()) <= 100


def test_help_lists_every_module_group_and_option(capsys):
    text = help_text(capsys)
    for group in module_groups():
        assert re.search(rf"^  {group}$", text, re.M), group
        paths = sorted((CONFIG_DIR / group).glob("*.yaml"))
        assert paths, group
        for path in paths:
            assert re.search(rf"^    {path.stem} +\w", text, re.M), f"{group}={path.stem}"
    assert "export_controls=tight" in text and "us_policy=[deregulation,export_package]" in text


def test_help_overview_points_to_the_parameter_sections_and_references(capsys):
    text = help_text(capsys)
    for needle in ("--help firms", "--help all", "docs/parameters.md", "docs/ODD.md"):
        assert needle in text
    assert "--hydra-help" in text
    assert re.search(r"^  firms\.\* +\d+ +Firms$", text, re.M)


def test_a_scenario_in_an_extra_config_dir_appears(capsys, tmp_path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "waico").mkdir()
    (tmp_path / "scenario/my_world.yaml").write_text(
        "# @package _global_\n# My world: a test world. Second sentence.\nsteps: 8\n"
    )
    (tmp_path / "scenario/bare.yaml").write_text("steps: 8\n")  # no header at all
    (tmp_path / "scenario/binary.yaml").write_bytes(b"\xff\xfe\x00")  # not even text
    (tmp_path / "waico/geneva.yaml").write_text("# @package waico\n# WAICO in Geneva.\n")
    (tmp_path / "scenario/baseline.yaml").write_text("steps: 3\n")  # Hydra uses the shipped one
    text = help_text(capsys, extra_dirs=[tmp_path])
    flat = " ".join(text.split())  # descriptions wrap; a long tmp_path wraps too
    assert f"my_world My world: a test world. [yours: {tmp_path}/]" in flat
    for name in ("bare", "binary"):
        assert f" {name} {clihelp.NO_DESCRIPTION} [yours: " in flat, name
    assert re.search(r"^    geneva +WAICO in Geneva\. \[yours: ", text, re.M)
    assert "Baseline: history 2025-2026 as it happened, projected from 2027 on. [" in flat
    assert f"{tmp_path}/scenario/baseline.yaml is not used" in flat
    assert "My world: a test world. Second sentence." in help_text(capsys, "my_world", [tmp_path])


def test_help_firms_lists_every_firms_key_with_default_and_range(capsys):
    text = help_text(capsys, "firms")
    keys = [(key, f) for key, f in schema_params() if key.startswith("firms.")]
    assert len(keys) > 20
    for key, f in keys:
        line = param_line(text, key)
        assert plain(fmt(default(f))) in line, key
        assert plain(allowed(dict(f.metadata))) in line, key
        assert f.metadata["unit"] in line and f.metadata["doc"] in line, key
    shown = re.findall(r"^  (\S+\.\S+) ", text, re.M)
    assert all(k.startswith("firms.") for k in shown)


def test_help_all_covers_every_parameter(capsys):
    text = help_text(capsys, "all")
    for key, f in schema_params():
        assert plain(allowed(dict(f.metadata))) in param_line(text, key), key


@pytest.mark.parametrize(
    ("topic", "expected", "absent"),
    [
        ("local.competition", ["local.competition"], ["local.imitation", "localities."]),
        ("states", ["states.<name>.R", "states.<name>.alignment.us"], ["firms."]),
        ("states.china.R", ["states.<name>.R"], ["states.<name>.F"]),
        ("states.R", ["states.<name>.R"], ["states.<name>.F"]),
        ("events.bans", ["events.bans.<name>.share"], ["events.policy_shifts."]),
        ("waico", ["waico.hq", "waico=shanghai"], ["trust."]),
        ("run", ["seed", "steps"], ["firms."]),
    ],
)
def test_help_topic_selects_a_section_or_key_prefix(capsys, topic, expected, absent):
    text = help_text(capsys, topic)
    for needle in expected:
        assert needle in text, needle
    for needle in absent:
        assert needle not in text, needle


@pytest.mark.parametrize(("topic", "hint"), [("xyz", ""), ("frims", "did you mean 'firms'")])
def test_unknown_help_topic_is_one_error_line_and_exit_2(capsys, topic, hint):
    assert clihelp.main(topic, []) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: unknown help topic '{topic}'; {hint}")
    assert "topics: all" in lines[0] and "firms" in lines[0]


def check_help_page(stdout: str) -> None:
    for path in (CONFIG_DIR / "scenario").glob("*.yaml"):
        assert re.search(rf"^  {path.stem} +\S", stdout, re.M), path.stem
    assert "python -m sim --help firms" in stdout


def test_python_m_sim_help_is_answered_before_hydra(capsys, tmp_path, monkeypatch):
    """What ``python -m sim --help`` runs first (``sim.__main__.main``), in-process."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        precheck(["--help"])
    assert info.value.code == 0
    out, err = capsys.readouterr()
    assert err == ""
    check_help_page(out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # a subprocess: the command line end to end
def test_python_m_sim_help_lists_scenarios(run_sim, tmp_path):
    result = run_sim(["--help"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    check_help_page(result.stdout)
    assert not (tmp_path / "results").exists()


# -- docs/parameters.md ---------------------------------------------------------------------------


def reference_rows(markdown: str) -> dict[str, dict[str, str]]:
    """The rows of the reference's tables by key: column name -> cell text."""
    rows, columns = {}, None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            columns = None  # a table ends at the first line that is not a row
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if columns is None:
            columns = cells
        elif not all(set(c) <= set("-: ") for c in cells):
            rows[cells[0].strip("`")] = dict(zip(columns, cells, strict=False))
    return rows


def reference_problems(markdown: str) -> list[str]:
    """What the reference lacks: a row per schema parameter with a unit or an allowed range, and
    a source or reason."""
    rows, problems = reference_rows(markdown), []
    for key, _ in schema_params():
        row = rows.get(key)
        if row is None:
            problems.append(f"{key}: no row")
            continue
        if not (row.get("unit") or row.get("allowed")):
            problems.append(f"{key}: neither unit nor allowed range")
        if not row.get("source or reason"):
            problems.append(f"{key}: no source or reason")
    return problems


def test_reference_documents_every_parameter_with_unit_and_source():
    params = schema_params()
    assert any(key.startswith("states.<name>.") for key, _ in params)
    assert any(key.startswith("events.bans.<name>.") for key, _ in params)
    assert reference_problems(DOC_PATH.read_text()) == []


def test_reference_check_fails_on_a_missing_row_or_an_empty_cell():
    text = DOC_PATH.read_text()
    before = set(reference_problems(text))  # empty unless the committed file is stale

    def new_problems(broken: str) -> set[str]:
        return set(reference_problems(broken)) - before

    no_row = "\n".join(line for line in text.splitlines() if "`firms.rd_share`" not in line)
    assert new_problems(no_row) == {"firms.rd_share: no row"}
    no_source = re.sub(r"(\| `steps` \|.*\| )[^|]+ \|$", r"\1 |", text, flags=re.M)
    assert new_problems(no_source) == {"steps: no source or reason"}
    no_unit = re.sub(r"\| `seed` \| (.*?) \| [^|]+ \| [^|]+ \|", r"| `seed` | \1 |  |  |", text)
    assert new_problems(no_unit) == {"seed: neither unit nor allowed range"}
