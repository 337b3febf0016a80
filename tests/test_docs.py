"""The docs are generated from, or checked against, the code they describe."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

from sim import config
from sim.tools.paramdoc import DOC_PATH, FALLBACK, render

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = [schema for _, schema in config.schema_tree()]


def test_parameter_reference_is_current():
    assert DOC_PATH.read_text() == render(), "run: python -m sim.tools.paramdoc"


def test_every_parameter_has_a_meaning_unit_and_source_or_reason():
    for schema in SCHEMAS:
        for f in dataclasses.fields(schema):
            if dataclasses.is_dataclass(f.type) or config.mapping_schema(f):
                continue
            meta = f.metadata
            assert meta.get("doc") and meta.get("unit"), f"{schema.__name__}.{f.name}"
            assert meta.get("source") or schema in FALLBACK, (
                f"{schema.__name__}.{f.name} needs a source or a stated reason"
            )


def test_every_world_number_has_a_unit_comment_and_every_scenario_a_header():
    header = (ROOT / "configs/world/default.yaml").read_text().split("\nstates:")[0]
    for field in (
        "R",
        "F",
        "E",
        "gdp",
        "ai_market",
        "ai_investment",
        "compute_access",
        "chips",
        "talent",
        "firm_weight",
        "capability_scale",
        "open_share",
    ):
        assert re.search(rf"^#\s+(\w+, )*{field}\b.*\S", header, re.M), f"no unit for {field}"
    for path in (ROOT / "configs/scenario").glob("*.yaml"):
        lines = path.read_text().splitlines()
        assert lines[0] == "# @package _global_" and lines[1].startswith("# "), path.name


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme.split("## Running scenarios")[0], re.S)
    assert blocks == ["pip install -e . && python -m sim", 'pip install -e ".[test]" && pytest']
    extracted = subprocess.run(
        [
            "awk",
            "/<!-- test-command/ {found=1; next} found && /^```bash/ {getline; print; exit}",
            str(ROOT / "README.md"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert extracted == blocks[1]
    assert "<!-- test-command" in (ROOT / ".ci/run").read_text()


def test_defaults_quoted_in_the_odd_match_the_schema():
    odd = (ROOT / "docs/ODD.md").read_text()
    defaults = {
        f"{sec}.{f.name}": f.default
        for sec, cls in (
            ("firms", config.FirmParams),
            ("policy", config.PolicyParams),
            ("local", config.LocalParams),
            ("central", config.CentralParams),
            ("waico", config.WaicoConfig),
            ("trust", config.TrustParams),
        )
        for f in dataclasses.fields(cls)
    }
    sections = "firms|policy|local|central|waico|trust"
    quoted = re.findall(rf"`((?:{sections})\.\w+)`\s*(?:`\w+`\s*)?=\s*([0-9.]*[0-9])", odd)
    quoted += re.findall(r"`((?:local|central)\.\w+)` \(([0-9.]*[0-9])[;)]", odd)
    quoted += re.findall(rf"\| `((?:{sections})\.\w+)` \| ([0-9.]*[0-9]) \|", odd)
    assert len(quoted) > 20
    wrong = [
        (k, v, defaults[k])
        for k, v in quoted
        if k in defaults and abs(float(defaults[k]) - float(v)) > 1e-12
    ]
    assert not wrong, f"docs/ODD.md quotes stale defaults: {wrong}"
