"""The calibration protocol (``python -m sim.tools.calibrate``): the held-out facts never reach
the fit, the in-sample targets sit inside their bands at the fitted values, the held-out table
reports every row as it comes out, the fitted values in configs/world/calibrated.yaml are what the
fit gives, and the command writes whole files or none."""

from __future__ import annotations

import dataclasses
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model import RegulatoryCompetition
from sim.tools.calibrate import INSIDE, MISS, NOT_MEASURED, held_out_table, in_sample_table
from sim.tools.calibrate import fit as fitting
from sim.tools.calibrate import targets as tg
from sim.tools.calibrate.__main__ import main
from sim.tools.calibrate.measures import QUARTERS, InitialWorld

REPO = Path(__file__).resolve().parent.parent
MODEL_MD = REPO.parent / "shared" / "MODEL.md"

# In-sample rows the fitted baseline misses, each for a reason given in docs/calibration.md. Listed
# so that any other row leaving its band fails, and so that fixing one updates the docs.
KNOWN_MISSES = {
    # The EU's 21 of 97 notable models of 2023 against Europe's 3 of 59 in 2024: no single EU
    # capability scale meets both, so the fit sits between them.
    "notable_models.eu.2023",
    "notable_models.europe.2024",
    # The US share of the world's foundation models (73%) pulls against its share of notable
    # models (61 of 97 in 2023); the fit leaves it just below its band.
    "foundation_model_share.us.2023",
    # Investment grows at a constant rate from its 2024 input (US 27%, China 26% a year); the
    # record's US dipped in 2022 and grew 62% in 2024, China's fell 42% in 2023: no constant rate
    # meets both, so the backcast misses.
    "investment.us.2022",
    "investment.china.2022",
    "investment.us.2023",
}


def _held_out_changed(shift: float = 7.0) -> list:
    """The record with ``shift`` added to every held-out figure."""
    return [
        dataclasses.replace(f, value=f.value + shift) if f.split == tg.HELD_OUT else f
        for f in tg.RECORD
    ]


# -- the split ---------------------------------------------------------------------------------


def test_targets_are_split_by_year_and_never_mix():
    ins, out = tg.in_sample(), tg.held_out()
    assert ins and out
    assert all(t.year <= tg.LAST_IN_SAMPLE_YEAR for t in ins)
    assert all(t.year > tg.LAST_IN_SAMPLE_YEAR for t in out)
    assert not {t.key for t in ins} & {t.key for t in out}
    # A 2025 figure labelled in-sample is refused, not silently fitted.
    leak = [
        dataclasses.replace(f, split=tg.IN_SAMPLE) if f.split == tg.HELD_OUT else f
        for f in tg.RECORD
    ]
    with pytest.raises(ValueError, match="does not fit the year"):
        tg.build(leak)


def test_the_objective_sees_exactly_the_in_sample_targets():
    problem = fitting.problem(seeds=1)
    assert [t.key for t in problem.targets] == [t.key for t in tg.in_sample()]
    assert not {t.key for t in problem.targets} & {t.key for t in tg.held_out()}
    with pytest.raises(ValueError, match="in-sample targets only"):
        fitting.Problem(problem.cfg, tg.build(), seeds=1)


def test_changing_a_held_out_value_leaves_the_objective_unchanged():
    base = fitting.problem(seeds=1)
    start = base.start()
    changed = fitting.problem(seeds=1, record=_held_out_changed())
    assert changed.targets == base.targets
    assert changed.objective(start) == base.objective(start)
    # ... while the held-out table does see the change (so the check above can fail).
    assert tg.held_out(_held_out_changed())[0].value != tg.held_out()[0].value


@pytest.mark.slow
def test_changing_a_held_out_value_leaves_the_fit_unchanged():
    base = fitting.fit(fitting.problem(seeds=1), max_nfev=2)
    changed = fitting.fit(fitting.problem(seeds=1, record=_held_out_changed()), max_nfev=2)
    assert changed.values == base.values and changed.objective == base.objective


# -- the in-sample table -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_sample() -> pd.DataFrame:
    """The shipped table: baseline, seeds 0-9 (rows near an edge flip with the seeds)."""
    return in_sample_table(seeds=10)


def test_in_sample_rows_are_inside_their_bands(in_sample):
    assert list(in_sample.key) == [t.key for t in tg.in_sample()]
    assert (in_sample.status != NOT_MEASURED).all(), in_sample[in_sample.status == NOT_MEASURED]
    missed = set(in_sample.key[in_sample.status == MISS])
    assert missed == KNOWN_MISSES, (
        f"left their band: {sorted(missed - KNOWN_MISSES)}; now inside (update KNOWN_MISSES "
        f"and docs/calibration.md): {sorted(KNOWN_MISSES - missed)}"
    )
    inside = in_sample[in_sample.status == INSIDE]
    assert ((inside.low <= inside.model) & (inside.model <= inside.high)).all()
    miss = in_sample[in_sample.status == MISS]
    beyond = np.where(miss.model > miss.high, miss.model - miss.high, miss.model - miss.low)
    assert np.allclose(beyond, miss.miss)


def test_a_broken_calibration_misses():
    cal = in_sample_table(seeds=2, **{"states.china.capability_scale": 5.0}).set_index("key")
    for key in ("foundation_model_share.china.2023", "foundation_model_share.us.2023"):
        assert cal.loc[key, "status"] == MISS, cal.loc[key, "model"]


def test_every_band_has_a_basis_and_a_source(in_sample):
    assert in_sample.key.is_unique
    assert (in_sample.source.str.strip() != "").all() and (in_sample.basis.str.strip() != "").all()
    assert ((in_sample.low <= in_sample.target) & (in_sample.target <= in_sample.high)).all()
    rel = in_sample.dropna(subset=["relative"])
    assert np.allclose(rel.relative, (rel.model - rel.target) / rel.target)


def test_a_small_share_gets_a_relative_band():
    europe = next(t for t in tg.in_sample() if t.key == "notable_models.europe.2024")
    assert "relative" in europe.basis
    assert math.isclose(europe.se, europe.value / math.sqrt(3))


@pytest.mark.skipif(not MODEL_MD.exists(), reason="shared/MODEL.md is not beside the repository")
def test_every_stylised_fact_of_model_md_has_a_row():
    section = MODEL_MD.read_text().split("## 4.")[1].split("\n## ")[0]
    rows = re.findall(r"^\| (.+?) \|", section, re.M)
    facts = {r for r in rows if r not in ("fact", "---")}
    covered = {topic for topic, _ in tg.NOT_COMPARED}
    covered |= {tg.TOPICS[t.quantity] for t in tg.in_sample() if t.quantity in tg.TOPICS}
    assert not {f for f in facts if not any(f.startswith(c) for c in covered)}


# -- the initial world ---------------------------------------------------------------------------


def test_in_sample_flows_are_expected_rates_backcast_along_the_path():
    model = RegulatoryCompetition(seed=0, steps=4)
    view = InitialWorld(model)
    pop = model.firms
    expected = QUARTERS * pop.incident_rates()[pop.alive].sum()
    assert math.isclose(view.flow("incidents", 2024).sum(), expected)
    view._growth["incidents"] = np.full(model.S, 0.5)  # a path growing 50% a year
    assert np.allclose(view.flow("incidents", 2022) * 1.5**2, view.flow("incidents", 2024))
    with pytest.raises(ValueError, match="lies ahead"):
        view.flow("incidents", 2025)


# -- the held-out table --------------------------------------------------------------------------


def test_the_held_out_table_has_every_row():
    out = held_out_table(seeds=1)
    assert list(out.key) == [t.key for t in tg.held_out()]
    assert {t.quantity for t in tg.held_out()} >= {
        "notable_models",
        "private_investment",
        "incidents",
        "frontier_gap_change",
        "binding_laws",
    }
    assert out.status.isin([INSIDE, MISS]).all(), out[out.status == NOT_MEASURED]
    notable = out[out.key.str.startswith("notable_models.")]
    assert math.isclose(notable.model.sum(), 1.0)
    # Investment is the year's mean annual rate: above the 2024 input, since it grows.
    start = RegulatoryCompetition(seed=0).state("us").ai_investment
    assert out.set_index("key").loc["investment.us.2025", "model"] > start


# -- the fit -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_fit_reproduces_the_calibrated_file():
    values, record = fitting.read()
    assert set(values) == set(fitting.BOUNDS), "configs/world/calibrated.yaml: rerun the fit"
    problem = fitting.problem(seeds=len(record["seeds"]))
    assert problem.start() == pytest.approx(values)  # the world includes the file last
    assert problem.objective(values) == pytest.approx(record["objective"], rel=1e-3), (
        "configs/world/calibrated.yaml is stale: rerun python -m sim.tools.calibrate fit"
    )
    result = fitting.fit(problem, max_nfev=2)
    moved = {k: v for k, v in result.values.items() if v != pytest.approx(values[k], rel=0.05)}
    assert not moved or result.objective < record["objective"], moved


def test_the_calibrated_file_is_written_whole_and_read_back(tmp_path):
    result = fitting.FitResult(
        {"firms.fm_rate": 0.005, "states.china.capability_scale": 0.9}, 12.5, 30.0, 7, 1.0, 3, 20
    )
    path = tmp_path / "calibrated.yaml"
    fitting.write(result, path)
    text = path.read_text()
    assert text.startswith("# @package _global_\n")
    values, record = fitting.read(path)
    assert values == result.values
    assert record["objective"] == 12.5 and record["seeds"] == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["calibrated.yaml"]


# -- the command line ---------------------------------------------------------------------------


def test_cli_writes_both_tables(tmp_path, capsys):
    out = tmp_path / "cal"
    main(["--seeds", "1", "--out", str(out)])
    stdout = capsys.readouterr().out
    names = ["held_out.csv", "held_out.md", "in_sample.csv", "in_sample.md"]
    assert sorted(p.name for p in out.iterdir()) == names
    ins, held = pd.read_csv(out / "in_sample.csv"), pd.read_csv(out / "held_out.csv")
    assert list(ins.key) == [t.key for t in tg.in_sample()]
    assert list(held.key) == [t.key for t in tg.held_out()]
    assert set(ins.split) == {tg.IN_SAMPLE} and set(held.split) == {tg.HELD_OUT}
    md = (out / "held_out.md").read_text()
    assert md.startswith("# Held-out targets") and all(k in md for k in held.key)
    assert not any(k in md for k in ins.key)
    for name in names:
        assert str(out / name) in stdout


@pytest.mark.slow
def test_cli_in_a_real_process(tmp_path):
    out = tmp_path / "cal"
    argv = [sys.executable, "-m", "sim.tools.calibrate", "--seeds", "1", "--out", str(out)]
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.iterdir())) == 4
    bad = subprocess.run(
        [*argv[:3], "--scenario", "nope"], cwd=REPO, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: scenario: unknown scenario")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--seeds", "0"], id="zero-seeds"),
        pytest.param(["--seeds", "many"], id="not-a-number"),
        pytest.param(["--seeds", "1", "--scenario", "nope"], id="unknown-scenario"),
        pytest.param(["--seeds", "1", "--colour", "red"], id="unknown-option"),
        pytest.param(["fit", "--max-evaluations", "0"], id="fit-zero-budget"),
        pytest.param(["fit", "--scenario", "nope"], id="fit-unknown-scenario"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(argv, tmp_path, capsys):
    out = tmp_path / "cal"
    before = fitting.CALIBRATED.read_text()
    with pytest.raises(SystemExit) as exc:
        main([*argv] if argv[0] == "fit" else [*argv, "--out", str(out)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert not out.exists()
    assert fitting.CALIBRATED.read_text() == before


def test_cli_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("keep me")
    with pytest.raises(SystemExit) as exc:
        main(["--seeds", "1", "--out", str(target)])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("error: --out")
    assert target.read_text() == "keep me"
