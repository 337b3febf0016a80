"""The calibration report (``python -m sim.calibrate``): the shipped baseline stays inside its
stated tolerances, a broken calibration is caught, every row says where it comes from and why it
is or is not compared, and the command writes whole files or none."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.calibrate import INSIDE, NOT_COMPARABLE, OUTSIDE, YEAR, facts, table
from sim.calibrate.__main__ import main
from sim.compose import compose_config

REPO = Path(__file__).resolve().parent.parent
MODEL_MD = REPO.parent / "shared" / "MODEL.md"

# Rows the shipped baseline misses, each for a reason reported in docs/calibration.md. Listed so
# that any other row leaving its band fails, and so that fixing one of these updates the docs.
KNOWN_OUTSIDE = {
    # US share of notable models 2023 (61 of 97): the model's US share among the three poles is
    # about 0.80, with the EU far below the 21 notable models of 2023.
    "notable-model share 2023, US",
    # HSMAP's ranks 6-10 are localities of a dozen firms or fewer; firm-level noise swaps them
    # with Tianjin, Fujian and others (Xi'an drops out in 6 of 10 seeds).
    "HSMAP top-10 cities among the model's top 10 by capability",
}


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    """The shipped command's table: baseline, seeds 0-9."""
    return table(seeds=10, scenario="baseline")


def test_shipped_baseline_is_inside_every_stated_tolerance(baseline):
    comparable = baseline[baseline.status != NOT_COMPARABLE]
    outside = set(comparable.fact[comparable.status == OUTSIDE])
    assert outside == KNOWN_OUTSIDE, (
        f"left their band: {sorted(outside - KNOWN_OUTSIDE)}; "
        f"now inside (update KNOWN_OUTSIDE and docs/calibration.md): "
        f"{sorted(KNOWN_OUTSIDE - outside)}"
    )
    inside = comparable[comparable.status == INSIDE]
    assert ((inside.low <= inside.model) & (inside.model <= inside.high)).all()
    assert comparable.model.notna().all() and comparable.sd.notna().all()
    # The headline facts the model was tuned to: MODEL.md's foundation-model shares.
    by_fact = comparable.set_index("fact")
    for fact in ("foundation-model share, US", "foundation-model share, China"):
        assert by_fact.loc[fact, "status"] == INSIDE


@pytest.mark.parametrize(
    ("overrides", "broken"),
    [
        pytest.param(
            {"states.china.capability_scale": 3.0},
            {"foundation-model share, US", "foundation-model share, China"},
            id="china-too-capable",
        ),
        pytest.param({"firms.fm_rate": 0.02}, {"foundation models a year"}, id="too-many-models"),
    ],
)
def test_a_broken_calibration_is_reported_outside(overrides, broken):
    cal = table(seeds=3, scenario="baseline", **overrides).set_index("fact")
    for fact in broken:
        assert cal.loc[fact, "status"] == OUTSIDE, (fact, cal.loc[fact, "model"])


def test_every_row_has_a_source_a_reason_or_a_tolerance(baseline):
    assert baseline.fact.is_unique
    assert (baseline.source.str.strip() != "").all()
    assert baseline.status.isin([INSIDE, OUTSIDE, NOT_COMPARABLE]).all()
    for r in baseline.itertuples(index=False):
        if r.status == NOT_COMPARABLE:
            assert r.note.strip(), f"{r.fact}: a non-comparable row needs its reason"
            assert math.isnan(r.model) and not r.tolerance
        else:
            assert r.tolerance and r.tolerance_reason.strip(), r.fact
            assert r.low <= r.target <= r.high, r.fact
            assert math.isclose(r.distance, (r.model - r.target) / r.target), r.fact


@pytest.mark.skipif(not MODEL_MD.exists(), reason="shared/MODEL.md is not beside the repository")
def test_every_stylised_fact_of_model_md_has_a_row(baseline):
    section = MODEL_MD.read_text().split("## 4.")[1].split("\n## ")[0]
    rows = re.findall(r"^\| (.+?) \|", section, re.M)
    facts = [r for r in rows if r not in ("fact", "---")]
    assert len(facts) >= 14
    missing = set(facts) - set(baseline.topic)
    assert not missing, f"stylised facts without a row: {sorted(missing)}"
    assert {"extra"} <= set(baseline.topic)


# -- the command line -------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m sim.calibrate ARGS`` in a real process, from the repository root."""
    argv = [sys.executable, "-m", "sim.calibrate", *args]
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # two seeds in a subprocess; the in-process tests cover the table
def test_cli_writes_both_files(tmp_path):
    out = tmp_path / "cal"
    proc = run_cli("--seeds", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["calibration.csv", "calibration.md"]
    csv = pd.read_csv(out / "calibration.csv")
    assert len(csv) == len(facts(compose_config("baseline", {"steps": YEAR})))
    assert {"fact", "target", "source", "model", "sd", "distance", "tolerance", "status"} <= set(
        csv.columns
    )
    md = (out / "calibration.md").read_text()
    assert "| fact | target | source | model mean | s.d. |" in md
    assert all(fact in md for fact in csv.fact)
    for name in ("calibration.csv", "calibration.md"):
        assert str(out / name) in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--seeds", "0"], id="zero-seeds"),
        pytest.param(["--seeds", "-3"], id="negative-seeds"),
        pytest.param(["--seeds", "many"], id="not-a-number"),
        pytest.param(["--seeds", "1", "--scenario", "nope"], id="unknown-scenario"),
        pytest.param(["--seeds", "1", "--colour", "red"], id="unknown-option"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(argv, tmp_path, capsys):
    out = tmp_path / "cal"
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--out", str(out)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert not out.exists()


def test_cli_bad_input_in_a_real_process(tmp_path):
    out = tmp_path / "cal"
    proc = run_cli("--scenario", "nope", "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: scenario: unknown scenario 'nope'")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("keep me")
    with pytest.raises(SystemExit) as exc:
        main(["--seeds", "1", "--out", str(target)])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("error: --out")
    assert target.read_text() == "keep me"
